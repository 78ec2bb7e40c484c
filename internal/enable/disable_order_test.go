package enable

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// The final update of the stable fixture (canaries in the VPC, the
// catalog's task definition handing out the REST API's URL) from its keep
// render, DNS back on the public load balancer: the original template as
// it is updates the canaries beside other resources (QPE-UP-009) and
// leaves the catalog's API URL unserved for a wave (the original Api,
// created again, has no stage yet); qpe disable's template (the original
// plus the DependsOn that order it, transform.LeaveOrder) is rollback-safe
// without private-network downtime, and differs from the original only by
// the DependsOn it lists.
func TestDisableOrdersTheLeaveUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	settings := map[string]string{transform.SetLoadBalancerScheme: transform.SchemeInternal, transform.SetPublicLoadBalancer: transform.PublicKeep,
		transform.SetEndpointID: "vpce-0123456789abcdef0", transform.SetUserSubnetIDs: "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}
	stable := quiltfixture.Decode(quiltfixture.Stable())
	params := map[string]any{}
	for k, v := range settings {
		params[k] = v
	}
	res, err := transform.Transform(ctx, transform.Request{Fragment: quiltfixture.Decode(quiltfixture.Stable()), Params: params})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &Result{disable: true, observer: &Writer{W: &out, Command: "disable"}, input: Input{Now: time.Now, AcceptDowntime: false},
		stack: &deployedStack{Name: "quilt", Original: macroevent.WithEntry(stable, settings), Processed: res.Fragment,
			Partition: "aws", Region: "us-east-1", AccountID: "123456789012"}}
	plan := func(t *testing.T, doc map[string]any) *updatepath.Plan {
		t.Helper()
		p, err := updatepath.Compute(ctx, updatepath.Input{Deployed: res.Fragment, New: doc, Partition: "aws", Region: "us-east-1",
			AccountID: "123456789012", StackName: "quilt", Today: time.Now(), Leaving: true})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// The original template as it is: what the ordering is for.
	bare := plan(t, stable)
	if bare.Rollout.RollbackSafe && !bare.Rollout.Availability.PrivateNetworkDowntime &&
		!slices.ContainsFunc(bare.Rollout.Blockers, func(b updatepath.Blocker) bool { return b.ID == "QPE-UP-009" }) {
		t.Fatal("the fixture's final update is safe without the ordering: this test would not see it go")
	}

	sg := &Stage{Name: StageLeave}
	r.stageNow = sg
	rd, stop := r.renderLeave(ctx, sg)
	if stop {
		t.Fatalf("renderLeave stopped: %s", r.Message)
	}
	if stop := r.plan(ctx, sg, rd); stop {
		t.Fatalf("the plan is refused: %s\n%s", r.Message, out.String())
	}
	p := sg.Plan.Rollout
	if !p.RollbackSafe || len(p.Blockers) > 0 || p.Availability.PrivateNetworkDowntime {
		t.Errorf("rollback-safe %v, blockers %v, private-network downtime %v", p.RollbackSafe, p.Blockers, p.Availability.PrivateNetworkDowntime)
	}

	// Nothing but the DependsOn listed differs from the original.
	listed := map[string]string{}
	for _, c := range sg.Order {
		if c.Pass != passDisable || !strings.HasPrefix(c.Detail, "DependsOn += ") || !strings.Contains(c.Detail, " (") {
			t.Errorf("order %+v: not a DependsOn with why", c)
		}
		listed[c.Resource] = c.Detail
	}
	for _, id := range []string{"NginxCatalogTaskDefinition", "CanaryCatalogBucketAccessControl", "CanaryCatalogSearch"} {
		if listed[id] == "" {
			t.Errorf("%s is not ordered: %v", id, sg.Order)
		}
	}
	if !strings.Contains(listed["NginxCatalogTaskDefinition"], "ApiStage") || !strings.Contains(listed["CanaryCatalogSearch"], "CanaryCatalogBucketAccessControl") {
		t.Errorf("order %v", sg.Order)
	}
	want := template.Resources(stable)
	got := template.Resources(rd.Submitted)
	if len(got) != len(want) || macroevent.HasEntry(rd.Submitted) {
		t.Fatalf("%d resources, want %d (or the Transform is still there)", len(got), len(want))
	}
	for id, w := range want {
		g := got[id].(map[string]any)
		wd, _ := template.DependsOn(w.(map[string]any))
		gd, _ := template.DependsOn(g)
		if !reflect.DeepEqual(withoutKey(g, "DependsOn"), withoutKey(w.(map[string]any), "DependsOn")) {
			t.Errorf("%s: more than DependsOn differs from the original", id)
		}
		if !slices.Equal(gd[:min(len(wd), len(gd))], wd) {
			t.Errorf("%s: DependsOn %v does not keep the original's %v", id, gd, wd)
		}
		if added := gd[len(wd):]; len(added) > 0 && !strings.Contains(listed[id], strings.Join(added, ", ")) {
			t.Errorf("%s: DependsOn += %v not listed (%q)", id, added, listed[id])
		}
	}
	for _, k := range template.SortedKeys(stable) {
		if k != "Resources" && !reflect.DeepEqual(stable[k], rd.Submitted[k]) {
			t.Errorf("section %s differs from the original", k)
		}
	}
	mustContain(t, out.String(), "DependsOn added to the original template", "NginxCatalogTaskDefinition: DependsOn += ApiStage")
	js, err := json.Marshal(sg)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(js), `"order":[{"pass":"disable","resource":"NginxCatalogTaskDefinition","detail":"DependsOn += ApiStage (`)
}

func withoutKey(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}
