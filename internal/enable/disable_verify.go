package enable

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// PublicReport is qpe disable's check that the stack is public again,
// read from the live stack through the same AWS APIs verify uses.
type PublicReport struct {
	OK     bool          `json:"ok"`
	Checks []PublicCheck `json:"checks"`
}

// PublicCheck is one check of the report.
type PublicCheck struct {
	// Check is what is checked: render-metadata, rest-api,
	// internal-load-balancer, load-balancer.
	Check    string `json:"check"`
	Resource string `json:"resource,omitempty"`
	OK       bool   `json:"ok"`
	Detail   string `json:"detail"`
}

// Checks of PublicReport.
const (
	CheckRenderMetadata       = "render-metadata"
	CheckRestAPI              = "rest-api"
	CheckInternalLoadBalancer = "internal-load-balancer"
	CheckLoadBalancer         = "load-balancer"
)

func (p *PublicReport) add(check, resource string, ok bool, format string, args ...any) {
	p.Checks = append(p.Checks, PublicCheck{Check: check, Resource: resource, OK: ok, Detail: fmt.Sprintf(format, args...)})
	p.OK = p.OK && ok
}

// verifyPublic is qpe disable's last step: the final update completed;
// check that the stack is public again.
func (r *Result) verifyPublic(ctx context.Context) *Result {
	r.step("checking that stack %s is public again", r.stack.Name)
	rep, err := r.checkPublic(ctx)
	if err != nil {
		return r.stop(OutcomeNotPublic, 1, "the update completed, but the stack could not be read to check it: "+err.Error())
	}
	r.Public = rep
	r.observer.Verified(r)
	if !rep.OK {
		var bad []string
		for _, c := range rep.Checks {
			if !c.OK {
				bad = append(bad, c.String())
			}
		}
		return r.stop(OutcomeNotPublic, 1, "the update completed, but the stack is not public as it should be: "+strings.Join(bad, "; "))
	}
	return r.stop(OutcomeDisabled, 0, fmt.Sprintf("Private Endpoints disabled on %s: the stack runs its original template and is public again", r.stack.Name))
}

// checkPublic reads the live stack: its processed template carries no
// render (no Metadata.QuiltPrivateEndpoints, no preflight), each REST API
// is not PRIVATE and has the endpoint type its template gives (EDGE or
// REGIONAL), no load balancer the macro made remains, and the template's
// internet-facing load balancers are internet-facing.
func (r *Result) checkPublic(ctx context.Context) (*PublicReport, error) {
	ls, err := livestack.Read(ctx, r.clients.CloudFormation, r.stack.ID, livestack.Options{Parts: livestack.Processed | livestack.Resources})
	if err == nil {
		err = ls.Err(livestack.Processed | livestack.Resources)
	}
	if err != nil {
		return nil, err
	}
	rep := &PublicReport{OK: true}
	res := template.Resources(ls.Processed)
	_, meta := template.Section(ls.Processed, "Metadata")[transform.MetadataKey]
	var preflights []string
	for _, id := range template.SortedKeys(res) {
		if m, _ := res[id].(map[string]any); m["Type"] == contract.Type {
			preflights = append(preflights, id)
		}
	}
	switch {
	case meta:
		rep.add(CheckRenderMetadata, "", false, "the processed template still has Metadata.%s: it is a render of the macro", transform.MetadataKey)
	case len(preflights) > 0:
		rep.add(CheckRenderMetadata, "", false, "the processed template still has the preflight %s", strings.Join(preflights, ", "))
	default:
		rep.add(CheckRenderMetadata, "", true, "the processed template is no render: no Metadata.%s, no preflight", transform.MetadataKey)
	}
	live := map[string]livestack.Resource{}
	for _, x := range ls.Resources {
		live[x.LogicalID] = x
	}
	for _, x := range ls.Resources {
		if x.Type != "AWS::ApiGateway::RestApi" {
			continue
		}
		if err := r.checkRestAPI(ctx, rep, x, template.Section(mapAt(res, x.LogicalID), "Properties")); err != nil {
			return nil, err
		}
	}
	for _, id := range r.ours {
		if x, still := live[id]; still {
			rep.add(CheckInternalLoadBalancer, id, false, "the internal load balancer the macro made is still a resource of the stack (%s)", x.PhysicalID)
		}
	}
	if len(r.ours) > 0 && rep.OK {
		rep.add(CheckInternalLoadBalancer, "", true, "no internal load balancer of Private Endpoints remains (%s gone)", strings.Join(r.ours, ", "))
	}
	for _, id := range transform.PublicLoadBalancers(ls.Processed, nil) {
		x, ok := live[id]
		if !ok {
			rep.add(CheckLoadBalancer, id, false, "the template's internet-facing load balancer is not a resource of the stack")
			continue
		}
		out, err := r.clients.LoadBalancing.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{x.PhysicalID}})
		if err != nil {
			return nil, fmt.Errorf("reading load balancer %s (elasticloadbalancing:DescribeLoadBalancers): %w", id, err)
		}
		if len(out.LoadBalancers) != 1 {
			rep.add(CheckLoadBalancer, id, false, "load balancer %s not found", x.PhysicalID)
			continue
		}
		lb := out.LoadBalancers[0]
		scheme := string(lb.Scheme)
		rep.add(CheckLoadBalancer, id, scheme == "internet-facing", "%s, %s", orDefault(scheme, "no scheme"), aws.ToString(lb.DNSName))
	}
	return rep, nil
}

// checkRestAPI checks one REST API of the stack: not PRIVATE, and the
// endpoint type its template gives when the template gives it literally
// (none means EDGE).
func (r *Result) checkRestAPI(ctx context.Context, rep *PublicReport, x livestack.Resource, props map[string]any) error {
	out, err := r.clients.Verify.APIGateway.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String(x.PhysicalID)})
	if err != nil {
		return fmt.Errorf("reading REST API %s (apigateway:GetRestApi): %w", x.LogicalID, err)
	}
	var got []string
	if ec := out.EndpointConfiguration; ec != nil {
		for _, t := range ec.Types {
			got = append(got, string(t))
		}
	}
	want := []string{"EDGE"}
	if ec, given := props["EndpointConfiguration"].(map[string]any); given {
		want = nil
		l, _ := ec["Types"].([]any)
		for _, v := range l {
			if s, ok := v.(string); ok {
				want = append(want, s)
			}
		}
		if len(want) != len(l) {
			want = nil // an intrinsic: only "not PRIVATE" is checked
		}
	}
	switch {
	case slices.Contains(got, "PRIVATE"):
		rep.add(CheckRestAPI, x.LogicalID, false, "REST API %s is still PRIVATE", x.PhysicalID)
	case want != nil && !slices.Equal(got, want):
		rep.add(CheckRestAPI, x.LogicalID, false, "REST API %s is %s, its template says %s", x.PhysicalID, strings.Join(got, ","), strings.Join(want, ","))
	default:
		rep.add(CheckRestAPI, x.LogicalID, true, "REST API %s is %s", x.PhysicalID, strings.Join(got, ","))
	}
	return nil
}

// String is the check's resource (when it has one) and detail.
func (c PublicCheck) String() string {
	if c.Resource == "" {
		return c.Detail
	}
	return c.Resource + ": " + c.Detail
}

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

// WritePublic prints the check that the stack is public again.
func WritePublic(w io.Writer, p *PublicReport) {
	verdict := "public again"
	if !p.OK {
		verdict = "NOT public as it should be"
	}
	fmt.Fprintf(w, "Public check: %s\n", verdict)
	for _, c := range p.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %-22s %s\n", mark, c.Check, c)
	}
}
