package awsfake

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

// serveSTS answers GetCallerIdentity.
func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request, action string) {
	if action != "GetCallerIdentity" {
		writeError(w, r, protoSTS, badRequest("InvalidAction", "Could not find operation %s for version 2011-06-15", action))
		return
	}
	s.mu.Lock()
	acct := s.world.AccountID
	s.mu.Unlock()
	wire.Query(w, stsNamespace, action, fmt.Sprintf("<Arn>arn:aws:iam::%s:user/qpe-test</Arn><UserId>AIDAAWSFAKEUSER0001</UserId><Account>%s</Account>", acct, acct), requestID())
}

// serveS3 answers path-style GetBucketLocation and HeadBucket.
func (s *Server) serveS3(w http.ResponseWriter, r *http.Request, action string) {
	name := strings.Trim(r.URL.Path, "/")
	s.mu.Lock()
	var bucket *Bucket
	for i := range s.world.Buckets {
		if s.world.Buckets[i].Name == name {
			b := s.world.Buckets[i]
			bucket = &b
		}
	}
	s.mu.Unlock()
	if action != "s3:GetBucketLocation" && action != "s3:HeadBucket" {
		writeError(w, r, protoS3, &APIError{Status: http.StatusNotImplemented, Code: "NotImplemented", Message: "awsfake serves only GetBucketLocation and HeadBucket (path-style)"})
		return
	}
	if bucket == nil {
		writeError(w, r, protoS3, &APIError{Status: http.StatusNotFound, Code: "NoSuchBucket", Message: "The specified bucket does not exist"})
		return
	}
	region := bucket.Region
	if region == "" {
		region = "us-east-1"
	}
	w.Header().Set("x-amz-request-id", requestID())
	if action == "s3:HeadBucket" {
		if bucket.DenyHead {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("x-amz-bucket-region", region)
		if signed := signingRegion(r); signed != "" && signed != region {
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if signed := signingRegion(r); bucket.StrictRegion && signed != "" && signed != region {
		w.Header().Set("x-amz-bucket-region", region)
		writeError(w, r, protoS3, &APIError{Status: http.StatusBadRequest, Code: "AuthorizationHeaderMalformed",
			Message: fmt.Sprintf("The authorization header is malformed; the region '%s' is wrong; expecting '%s'", signed, region)})
		return
	}
	if bucket.DenyGetLocation {
		writeError(w, r, protoS3, &APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"})
		return
	}
	constraint := region
	if region == "us-east-1" {
		constraint = ""
	}
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">%s</LocationConstraint>`, constraint)
}

// signingRegion reads the Region from a SigV4 Authorization header.
func signingRegion(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}
