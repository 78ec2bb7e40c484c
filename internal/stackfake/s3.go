package stackfake

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

// maxObject bounds an uploaded object (CloudFormation reads templates of
// at most 1 MB from S3).
const maxObject = 1 << 20

// s3Put serves a path-style PutObject (PUT /bucket/key): enough to hand
// CloudFormation a TemplateURL.
func (s *Server) s3Put(w http.ResponseWriter, r *http.Request) {
	bucket, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !ok || bucket == "" || key == "" {
		writeS3Error(w, http.StatusBadRequest, "InvalidRequest", "stackfake: PUT /bucket/key only")
		return
	}
	if f := s.begin(r, "s3", "PutObject", bucket); f != nil {
		writeS3Error(w, f.Status, faultCode(f), faultMessage(f))
		return
	}
	if !s.ownerPinned(w, r, "PutObject", bucket) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxObject+1))
	if err != nil {
		writeS3Error(w, http.StatusBadRequest, "IncompleteBody", err.Error())
		return
	}
	if len(body) > maxObject {
		writeS3Error(w, http.StatusBadRequest, "EntityTooLarge", "stackfake: objects are limited to 1 MB")
		return
	}
	c := s.state()
	c.mu.Lock()
	c.objects[bucket+"/"+key] = body
	c.mu.Unlock()
	w.Header().Set("ETag", `"stackfake"`)
	w.WriteHeader(http.StatusOK)
}

// ownerPinned answers as S3 with the x-amz-expected-bucket-owner header:
// the caller pins the bucket's owner, and a bucket of another account is
// refused (403 AccessDenied). The double insists on the header, so a client
// that does not pin the owner fails its tests. false: the error is written.
func (s *Server) ownerPinned(w http.ResponseWriter, r *http.Request, op, bucket string) bool {
	owner := s.scn.BucketOwners[bucket]
	if owner == "" {
		owner = s.scn.Account
	}
	switch want := r.Header.Get("x-amz-expected-bucket-owner"); {
	case want == "":
		writeS3Error(w, http.StatusBadRequest, "InvalidRequest", "stackfake: "+op+" without x-amz-expected-bucket-owner (ExpectedBucketOwner): the bucket's owner is not pinned")
		return false
	case want != owner:
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return false
	}
	return true
}

// s3Get serves a path-style GetObject (GET /bucket/key) of an object
// PutObject stored: 404 NoSuchKey for any other key.
func (s *Server) s3Get(w http.ResponseWriter, r *http.Request) {
	bucket, key, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if !ok || bucket == "" || key == "" {
		writeS3Error(w, http.StatusBadRequest, "InvalidRequest", "stackfake: GET /bucket/key only")
		return
	}
	if f := s.begin(r, "s3", "GetObject", bucket); f != nil {
		writeS3Error(w, f.Status, faultCode(f), faultMessage(f))
		return
	}
	if !s.ownerPinned(w, r, "GetObject", bucket) {
		return
	}
	c := s.state()
	c.mu.Lock()
	body, found := c.objects[bucket+"/"+key]
	c.mu.Unlock()
	if !found {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("ETag", `"stackfake"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	wire.S3Error(w, status, code, msg, requestID)
}

// objectKey turns a TemplateURL into the "bucket/key" of an uploaded
// object: virtual-hosted (https://bucket.s3.region.amazonaws.com/key) or
// path-style (https://s3.region.amazonaws.com/bucket/key, or the double's
// own address).
func objectKey(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	path := strings.TrimPrefix(u.Path, "/")
	host := u.Hostname()
	if i := strings.Index(host, ".s3."); i > 0 || strings.HasSuffix(host, ".s3.amazonaws.com") {
		if i < 0 {
			i = strings.Index(host, ".s3.amazonaws.com")
		}
		return host[:i] + "/" + path, path != ""
	}
	bucket, key, ok := strings.Cut(path, "/")
	return bucket + "/" + key, ok && bucket != "" && key != ""
}
