// Package awserr is the project's one reading of an AWS error: its API
// error code, what kind of failure it is (denied, throttled, not found, a
// quota, the deadline), and the remedy for it in the words of the place the
// call ran (a laptop, the custom resource's Lambda, qpe verify).
package awserr

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// Code is err's AWS API error code, "" when err is not an API error.
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Is reports whether err is an AWS API error with one of the codes.
func Is(err error, codes ...string) bool {
	c := Code(err)
	if c == "" {
		return false
	}
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// Operation is the IAM action of the SDK operation that failed
// ("ec2:DescribeVpcs"), "" when err does not say. The service id is the
// SDK's, lowercased, which is the IAM prefix for the services used here.
func Operation(err error) string {
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		return ""
	}
	return strings.ToLower(strings.ReplaceAll(oe.ServiceID, " ", "")) + ":" + oe.OperationName
}

// Kind is what sort of failure an error is.
type Kind int

// The kinds, from the most specific.
const (
	Other     Kind = iota
	Deadline       // the context's deadline passed or it was cancelled
	Denied         // not allowed (IAM, SCP, permissions boundary, bucket policy)
	Throttled      // AWS kept throttling after the SDK's retries
	NotFound       // the resource does not exist
	Quota          // a service quota is reached
)

// denied, throttled and notFound are the codes of each kind across the
// services the project calls (EC2, S3, STS, CloudFormation, Lambda, API
// Gateway, Synthetics).
var (
	denied    = []string{"UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedException", "Forbidden", "AllAccessDisabled"}
	throttled = []string{"RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown"}
	notFound  = []string{"ResourceNotFoundException", "NotFoundException", "NoSuchBucket", "NotFound"}
)

// KindOf classifies err.
func KindOf(err error) Kind {
	if err == nil {
		return Other
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return Deadline
	}
	c := Code(err)
	switch {
	case c == "":
		return Other
	case Is(err, denied...) || strings.HasPrefix(c, "AccessDenied") || strings.HasPrefix(c, "Unauthorized"):
		return Denied
	case Is(err, throttled...):
		return Throttled
	case Is(err, notFound...) || strings.HasSuffix(c, ".NotFound"):
		return NotFound
	case strings.HasSuffix(c, "LimitExceeded"):
		return Quota
	}
	return Other
}

// Remedies are the words for each kind of failure, in the place the call
// ran (who to grant, how to run again). An empty text falls back to Default.
type Remedies struct {
	Deadline, Denied, Throttled, NotFound, Quota string
	// Default is for any other error (and any kind left empty).
	Default string
}

// Remedy says what to do about err where it ran: the text of its kind, ""
// for a nil error.
func Remedy(err error, r Remedies) string {
	if err == nil {
		return ""
	}
	var text string
	switch KindOf(err) {
	case Deadline:
		text = r.Deadline
	case Denied:
		text = r.Denied
	case Throttled:
		text = r.Throttled
	case NotFound:
		text = r.NotFound
	case Quota:
		text = r.Quota
	}
	if text == "" {
		text = r.Default
	}
	return text
}
