package awserr

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func apiErr(code string) error {
	return &smithy.OperationError{ServiceID: "EC2", OperationName: "DescribeVpcs",
		Err: fmt.Errorf("https response error: %w", &smithy.GenericAPIError{Code: code, Message: "m"})}
}

func TestCodeAndIs(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", apiErr("InvalidVpcID.NotFound"))
	if Code(err) != "InvalidVpcID.NotFound" || !Is(err, "X", "InvalidVpcID.NotFound") || Is(err, "InvalidSubnetID.NotFound") {
		t.Errorf("Code = %q", Code(err))
	}
	if Code(errors.New("plain")) != "" || Is(errors.New("plain"), "") || Is(nil, "") {
		t.Error("a plain error has no code")
	}
	if got := Operation(err); got != "ec2:DescribeVpcs" {
		t.Errorf("Operation = %q", got)
	}
	if Operation(errors.New("x")) != "" {
		t.Error("Operation of a plain error")
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		err  error
		want Kind
	}{
		{nil, Other},
		{errors.New("connection refused"), Other},
		{context.DeadlineExceeded, Deadline},
		{fmt.Errorf("op: %w", context.Canceled), Deadline},
		{apiErr("UnauthorizedOperation"), Denied},
		{apiErr("AccessDenied"), Denied},
		{apiErr("AccessDeniedException"), Denied},
		{apiErr("Forbidden"), Denied},
		{apiErr("RequestLimitExceeded"), Throttled},
		{apiErr("ThrottlingException"), Throttled},
		{apiErr("SlowDown"), Throttled},
		{apiErr("InvalidVpcEndpointId.NotFound"), NotFound},
		{apiErr("ResourceNotFoundException"), NotFound},
		{apiErr("NoSuchBucket"), NotFound},
		{apiErr("VpcEndpointLimitExceeded"), Quota},
		{apiErr("InternalError"), Other},
		{apiErr("InvalidRoute.Malformed"), Other},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestRemedy(t *testing.T) {
	r := Remedies{Deadline: "d", Denied: "a", Throttled: "t", Default: "x"}
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{context.DeadlineExceeded, "d"},
		{apiErr("UnauthorizedOperation"), "a"},
		{apiErr("Throttling"), "t"},
		{apiErr("ResourceNotFoundException"), "x"}, // empty kind text: Default
		{errors.New("other"), "x"},
	}
	for _, tt := range tests {
		if got := Remedy(tt.err, r); got != tt.want {
			t.Errorf("Remedy(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
