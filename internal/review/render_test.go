package review

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// rendered is a template whose Metadata records a render made with the
// given engine version and settings (nil: no record).
func rendered(version string, settings map[string]any) map[string]any {
	doc := map[string]any{"Resources": map[string]any{"A": map[string]any{"Type": "AWS::SNS::Topic"}}}
	if settings != nil {
		doc["Metadata"] = map[string]any{transform.MetadataKey: map[string]any{
			"EngineVersion": version, "Settings": settings, "Resources": []any{"LoadBalancerInternal"}}}
	}
	return doc
}

// TestCompareRenders: review --stack flags each setting that changes
// between the deployed render and the new one.
func TestCompareRenders(t *testing.T) {
	keep := map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "PreflightMode": "validate"}
	with := func(k, v string) map[string]any {
		out := map[string]any{}
		for kk, vv := range keep {
			out[kk] = vv
		}
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	for _, c := range []struct {
		name             string
		deployed, next   map[string]any
		want             []string // setting:level
		deployedRecorded bool
		note             string
	}{
		{name: "same", deployed: rendered("1.0.0", keep), next: rendered("1.0.0", keep), deployedRecorded: true},
		{name: "keep -> retire is expected", deployed: rendered("1.0.0", keep), next: rendered("1.0.0", with("PublicLoadBalancer", "retire")),
			want: []string{"PublicLoadBalancer:expected"}, deployedRecorded: true},
		{name: "retire -> keep is a warning", deployed: rendered("1.0.0", with("PublicLoadBalancer", "retire")), next: rendered("1.0.0", keep),
			want: []string{"PublicLoadBalancer:warning"}, deployedRecorded: true},
		{name: "internal -> unchanged is a warning", deployed: rendered("1.0.0", keep),
			next: rendered("1.0.0", map[string]any{"LoadBalancerScheme": "unchanged", "PreflightMode": "validate"}),
			want: []string{"LoadBalancerScheme:warning", "PublicLoadBalancer:note"}, deployedRecorded: true},
		{name: "new engine, subnets moved, preflight mode", deployed: rendered("1.0.0", keep),
			next: rendered("1.1.0", with("SubnetsParameter", "PrivateSubnets")), deployedRecorded: true,
			want: []string{"EngineVersion:expected", "SubnetsParameter:warning"}},
		{name: "a function newly excluded", deployed: rendered("1.0.0", with("Exclude", "FnA")),
			next: rendered("1.0.0", map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "PreflightMode": "validate", "Exclude": []any{"FnA", "FnB"}}),
			want: []string{"Exclude:warning"}, deployedRecorded: true},
		{name: "deployed before Metadata", deployed: rendered("", nil), next: rendered("1.0.0", keep),
			note: "made before the engine recorded its settings"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := CompareRenders(c.deployed, c.next)
			var keys []string
			for _, ch := range got.Changes {
				keys = append(keys, ch.Setting+":"+ch.Level)
				if ch.Why == "" {
					t.Errorf("%s: no reason", ch.Setting)
				}
			}
			if strings.Join(keys, " ") != strings.Join(c.want, " ") {
				t.Errorf("changes %v, want %v", keys, c.want)
			}
			if got.Deployed.Recorded != c.deployedRecorded || !strings.Contains(got.Deployed.Note, c.note) || !got.New.Recorded {
				t.Errorf("deployed %+v new %+v", got.Deployed, got.New)
			}
			var b bytes.Buffer
			writeRender(&b, got)
			if !strings.Contains(b.String(), "## Deployed render and new render") || (len(c.want) > 0 && !strings.Contains(b.String(), "| `"+got.Changes[0].Setting+"` |")) {
				t.Errorf("markdown:\n%s", b.String())
			}
		})
	}
}
