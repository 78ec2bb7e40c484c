package review

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// TestReplacementCustomName: the replacement note warns of a custom name
// exactly when updatepath finds QPE-UP-004 (the type's name property, kept):
// a Lambda permission's FunctionName is the function it refers to, not its
// own name.
func TestReplacementCustomName(t *testing.T) {
	for _, tc := range []struct {
		name, before, after, want string
	}{
		{"permission's FunctionName is no name of its own",
			`{"Type":"AWS::Lambda::Permission","Properties":{"Action":"lambda:InvokeFunction","FunctionName":"f","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::a"}}`,
			`{"Type":"AWS::Lambda::Permission","Properties":{"Action":"lambda:InvokeFunction","FunctionName":"f","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::b"}}`, ""},
		{"service replaced under its name",
			`{"Type":"AWS::ECS::Service","Properties":{"Cluster":"c","LaunchType":"FARGATE","ServiceName":"quilt-catalog"}}`,
			`{"Type":"AWS::ECS::Service","Properties":{"Cluster":"c","LaunchType":"EC2","ServiceName":"quilt-catalog"}}`, "ServiceName"},
		{"service replaced under a new name",
			`{"Type":"AWS::ECS::Service","Properties":{"Cluster":"c","LaunchType":"FARGATE","ServiceName":"quilt-catalog"}}`,
			`{"Type":"AWS::ECS::Service","Properties":{"Cluster":"c","LaunchType":"EC2","ServiceName":"quilt-catalog-2"}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := mustJSON(t, `{"Resources":{"R":`+tc.before+`}}`).(map[string]any)
			after := mustJSON(t, `{"Resources":{"R":`+tc.after+`}}`).(map[string]any)
			p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: before, New: after})
			if err != nil {
				t.Fatal(err)
			}
			r := Build(Input{Before: before, After: after, Plan: p}, cfnspec.New())
			var notes []string
			for _, k := range r.Risks {
				if k.Name == RiskReplacement {
					notes = k.Notes
				}
			}
			if len(notes) != 1 {
				t.Fatalf("want one replacement note, got %q", notes)
			}
			got := strings.Contains(notes[0], "custom name")
			if got != (tc.want != "") || got && !strings.Contains(notes[0], "custom name ("+tc.want+")") {
				t.Errorf("note %q, want custom name %q", notes[0], tc.want)
			}
			up004 := slices.ContainsFunc(p.Rollout.Blockers, func(b updatepath.Blocker) bool { return b.ID == "QPE-UP-004" })
			if got != up004 {
				t.Errorf("review warns of a custom name: %v, plan's QPE-UP-004: %v (one rule, one home)", got, up004)
			}
		})
	}
}
