package cfnresponse

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
)

func TestDecodeEvent(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		url     string   // the ResponseURL read
		bad     []string // fields named in the error; nil = no error
	}{
		{"well formed", `{"RequestType":"Create","ResponseURL":"https://x/r?s=1","StackId":"s","ResourceProperties":{"A":"1"}}`, "https://x/r?s=1", nil},
		{"properties a string", `{"RequestType":"Update","ResponseURL":"https://x/r","ResourceProperties":"oops","OldResourceProperties":{}}`, "https://x/r", []string{"ResourceProperties"}},
		{"ids wrongly typed", `{"RequestType":"Delete","ResponseURL":"https://x/r","PhysicalResourceId":7,"StackId":["a"]}`, "https://x/r", []string{"PhysicalResourceId", "StackId"}},
		{"unknown request type", `{"RequestType":"Destroy","ResponseURL":"https://x/r"}`, "https://x/r", []string{"RequestType"}},
		{"no ResponseURL", `{"RequestType":"Create"}`, "", nil},
		{"not an object", `"oops"`, "", []string{"RequestType", "ResponseURL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodeEvent([]byte(tc.payload))
			if ev.ResponseURL != tc.url {
				t.Errorf("ResponseURL %q, want %q", ev.ResponseURL, tc.url)
			}
			if tc.bad == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			ee, ok := err.(*EventError)
			if !ok {
				t.Fatalf("error %v, want an *EventError", err)
			}
			for _, f := range tc.bad {
				if !ee.Bad(f) || (!strings.Contains(ee.Error(), f) && !strings.Contains(ee.Error(), "not a JSON object")) {
					t.Errorf("%v does not name %s", ee, f)
				}
			}
		})
	}
}

func TestBareAlwaysFits(t *testing.T) {
	for _, n := range []int{10, 1000, 5000, 100000} {
		ctrl := strings.Repeat("\x01", n) // escapes to six bytes each
		r := Response(cfn.Event{StackID: ctrl, RequestID: strings.Repeat("r", n), LogicalResourceID: ctrl, PhysicalResourceID: ctrl}, cfn.StatusFailed, ctrl, "", nil)
		b := Bare(r, "why")
		var got cfn.Response
		if len(b) == 0 || len(b) > MaxBodyBytes || json.Unmarshal(b, &got) != nil || got.Status != cfn.StatusFailed || !strings.HasPrefix(got.Reason, "why") {
			t.Errorf("ids of %d bytes: %d-byte body %.200s", n, len(b), b)
		}
		if n == 10 && (got.StackID != ctrl || strings.Contains(got.Reason, "cut")) {
			t.Errorf("short ids were cut: %+v", got)
		}
	}
}
