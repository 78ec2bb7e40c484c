package macro

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
)

// FuzzInvoke: whatever CloudFormation (or anyone) sends, the handler answers
// a JSON response with status success or failure, never a Go error or a
// panic; a failure carries a message and no fragment.
func FuzzInvoke(f *testing.F) {
	for _, seed := range []string{
		`{"requestId":"r","fragment":{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{}}}}}`,
		`{"requestId":"r","params":{"Exclude":"Fn"},"fragment":{"Resources":{"Fn":{"Type":"AWS::Lambda::Function"}}}}`,
		`{"requestId":"r","fragment":{"Resources":{"A":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Policy":"{\"Statement\":[]}"}}}}}`,
		`{"requestId":"r","fragment":[]}`,
		`{"requestId":1}`,
		`[]`,
		`{`,
		`null`,
	} {
		f.Add([]byte(seed))
	}
	h := NewHandler(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	f.Fuzz(func(t *testing.T, payload []byte) {
		out, err := h.Invoke(context.Background(), payload)
		if err != nil {
			t.Fatalf("Invoke returned an error: %v", err)
		}
		var resp Response
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("response is not JSON: %v: %s", err, out)
		}
		switch resp.Status {
		case StatusSuccess:
			if resp.Fragment == nil || resp.ErrorMessage != "" {
				t.Fatalf("success without a fragment or with an error: %s", out)
			}
		case StatusFailure:
			if resp.Fragment != nil || resp.ErrorMessage == "" {
				t.Fatalf("failure with a fragment or without a message: %s", out)
			}
		default:
			t.Fatalf("status %q", resp.Status)
		}
	})
}
