package enable

import (
	"strings"
	"testing"
)

func TestUnstable(t *testing.T) {
	for _, c := range []struct {
		status string
		want   string // "" means the stack can be updated
	}{
		{"CREATE_COMPLETE", ""},
		{"UPDATE_COMPLETE", ""},
		{"UPDATE_ROLLBACK_COMPLETE", ""},
		{"IMPORT_COMPLETE", ""},
		{"UPDATE_ROLLBACK_FAILED", "continue-update-rollback --stack-name quilt"},
		{"UPDATE_IN_PROGRESS", "another operation is running"},
		{"UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "another operation is running"},
		{"REVIEW_IN_PROGRESS", "never created"},
		{"ROLLBACK_COMPLETE", "delete the stack and create it again"},
		{"CREATE_FAILED", "delete the stack and create it again"},
		{"DELETE_COMPLETE", "deleted"},
		{"UPDATE_FAILED", "rollback-stack --stack-name quilt"},
	} {
		got := unstable(c.status, "reason", "quilt", "enable")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.status, got, c.want)
		}
	}
}
