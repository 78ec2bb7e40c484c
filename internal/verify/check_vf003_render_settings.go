package verify

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func checkRenderSettings() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-003",
		Severity: finding.Info,
		Title:    "what the deployed render recorded, and what verify expects from it",
		Meaning: "The stack's processed template is a render of the QuiltPrivateEndpoints macro. When it records how it " +
			"was made (Metadata.QuiltPrivateEndpoints: engine version and settings), verify reads its expectations from " +
			"there: the parameters that hold the VPC, subnets and endpoint, whether an internal load balancer must exist " +
			"and whether the public side must be gone. A render made before the engine recorded it keeps the older " +
			"expectations (Quilt's parameter names, the template's load balancer schemes), and says so; an entry that " +
			"cannot be read is a warning.",
		Remedy: "Nothing to do for a render that records its settings. For an older render, update the stack with a " +
			"render by the current engine (qpe enable --stack S) to record them; for an unreadable entry, render again.",
		Source: "docs/transform.md (Stable identity and what a render records)",
	}}
	c.Run = func(st *state) []finding.Finding {
		rs := st.render
		where := "Metadata." + transform.MetadataKey
		switch {
		case !rs.isRender:
			return nil
		case rs.err != nil:
			return []finding.Finding{c.NewSeverity(finding.Warning, where, "Render the template again with the macro and update the stack; meanwhile verify uses Quilt's parameter names.",
				"the render's record cannot be used, so verify falls back to Quilt's parameter names (%s, %s, %s) and the template's load balancer schemes: %v",
				paramVPC, paramSubnets, strings.Join(endpointParams(), " or "), rs.err)}
		case !rs.ok:
			return []finding.Finding{c.New(st.stackName, "",
				"the stack was rendered before the engine recorded its settings (no %s): verify expects what it always did: the VPC and subnets from the preflight resource or stack parameters %s and %s, the endpoint from %s, an internal load balancer where the template says Scheme internal",
				where, paramVPC, paramSubnets, strings.Join(endpointParams(), " or "))}
		}
		set := rs.settings
		var exp []string
		exp = append(exp, "the VPC and subnets from "+st.subnetsSrc+" (VPC parameter "+st.vpcParam+")")
		if st.endpointSrc != "" {
			exp = append(exp, "the endpoint "+st.endpointID+" from "+st.endpointSrc)
		} else {
			exp = append(exp, "the endpoint from stack parameter "+set.EndpointParameter+" (not set)")
		}
		switch internal, retire := rs.internalScheme(); {
		case retire:
			exp = append(exp, "an internal load balancer and no internet-facing one (LoadBalancerScheme=internal, PublicLoadBalancer=retire)")
		case internal:
			exp = append(exp, "an internal load balancer beside the public one (LoadBalancerScheme=internal, PublicLoadBalancer="+set.PublicLoadBalancer+")")
		default:
			exp = append(exp, fmt.Sprintf("no internal load balancer of the macro's (LoadBalancerScheme=%s)", orNone(set.LoadBalancerScheme)))
		}
		msg := fmt.Sprintf("rendered by engine %s; %d resources the macro made; verify expects %s", rs.info.EngineVersion, len(rs.info.Resources), strings.Join(exp, "; "))
		if r := rs.info.RedactedSettings(); len(r) > 0 {
			msg += "; not recorded (NoEcho): " + strings.Join(r, ", ")
		}
		return []finding.Finding{c.New(where, "", "%s", msg)}
	}
	return c
}

func orNone(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}
