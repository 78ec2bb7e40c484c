package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// disableResult is the part of qpe disable's JSON the tests read.
type disableResult struct {
	Stages []struct {
		Name    string `json:"name"`
		Outcome string `json:"outcome"`
		Plan    *struct {
			Rollout struct {
				RollbackSafe bool `json:"rollbackSafe"`
				Availability struct {
					PrivateNetworkDowntime bool `json:"privateNetworkDowntime"`
				} `json:"availability"`
			} `json:"rollout"`
		} `json:"plan"`
		DNS *struct {
			Toward       string `json:"toward"`
			Moved        bool   `json:"moved"`
			LoadBalancer struct {
				DNSName string `json:"dnsName"`
			} `json:"loadBalancer"`
		} `json:"dns"`
	} `json:"stages"`
	Public *struct {
		OK     bool `json:"ok"`
		Checks []struct {
			Check, Resource, Detail string
			OK                      bool
		} `json:"checks"`
	} `json:"public"`
	Outcome string `json:"outcome"`
	Message string `json:"message"`
	Exit    int    `json:"exit"`
}

func (r disableResult) stages() string {
	var s []string
	for _, sg := range r.Stages {
		s = append(s, sg.Name+":"+sg.Outcome)
	}
	return strings.Join(s, " ")
}

func decodeDisable(t *testing.T, out string) disableResult {
	t.Helper()
	var r disableResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	return r
}

// TestDisableJSON: a stack enabled without a load balancer goes back in
// one update; the JSON has the stage, its plan and the public check.
func TestDisableJSON(t *testing.T) {
	enableServe(t, "public", func(s *stackfake.Scenario) { s.Execution.Step = time.Millisecond })
	if code, out, errs := qpeRun(t, "", "enable", "--stack", "quilt", "--region", "us-east-1", "--yes", "--poll", "2ms"); code != 0 {
		t.Fatalf("enable: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := qpeRun(t, "", "disable", "--stack", "quilt", "--region", "us-east-1", "--yes", "--format", "json", "--poll", "2ms", "--change-set-name", "off")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	r := decodeDisable(t, out)
	if r.stages() != "leave:updated" || r.Outcome != "disabled" || r.Public == nil || !r.Public.OK {
		t.Fatalf("result %+v", r)
	}
	if p := r.Stages[0].Plan; p == nil || !p.Rollout.RollbackSafe || p.Rollout.Availability.PrivateNetworkDowntime {
		t.Errorf("plan %+v", p)
	}
	if !strings.Contains(errs, "qpe disable: the final update") || !strings.Contains(errs, "UPDATE_COMPLETE") {
		t.Errorf("stderr:\n%s", errs)
	}
	// Again: not enabled any more (exit 1, the reason).
	code, out, _ = qpeRun(t, "", "disable", "--stack", "quilt", "--region", "us-east-1", "--yes")
	if code != 1 || !strings.Contains(out, "not-enabled: stack quilt is not enabled") {
		t.Errorf("again: exit %d\n%s", code, out)
	}
}

func TestDisableUsage(t *testing.T) {
	testenv.IsolateAWS(t)
	for _, args := range [][]string{
		{"disable"},
		{"disable", "--stack", "quilt", "--format", "xml"},
		{"disable", "--stack", "quilt", "--resolver", "nope"},
		{"disable", "--stack", "quilt", "--set", "PreflightMode=none"},
	} {
		if code, _, errs := qpeRun(t, "", args...); code != 2 || !strings.Contains(errs, "qpe: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
