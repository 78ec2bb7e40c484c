package updatepath

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// ReplacesOwnedID is the id of the rule that an update replaces or removes
// a resource the deployed render says the macro made (QPE-UP-012). An
// upgrade refuses such a plan unless forced: Plan.ReplacesOwned lists them.
const ReplacesOwnedID = "QPE-UP-012" // = ruleReplacesOwned.ID (TestReplacesOwned)

// ruleReplacesOwned: the update replaces or removes what the macro made.
var ruleReplacesOwned = finding.Rule{
	ID:       "QPE-UP-012",
	Severity: finding.Error,
	Title:    "the update replaces or removes a resource the QuiltPrivateEndpoints macro made",
	Meaning: "The deployed stack is a render whose Metadata.QuiltPrivateEndpoints.Resources lists the logical ids " +
		"the macro made or renamed (the private REST API and its stages, the internal load balancer side, the " +
		"preflight, the macro's security group), and the new render replaces or removes one of them. The stable " +
		"identity contract (docs/transform.md) promises that rendering the next release keeps them: a replaced " +
		"private API gets a new id (every client's URL and the VPC endpoint's policy change), a replaced internal " +
		"load balancer a new DNS name (private DNS breaks until moved), and the stack policy qpe enable sets denies " +
		"the update (it fails and rolls back). API Gateway deployments are left out: their id follows the API's " +
		"body by design. Not raised when the new template drops the Transform (QPE-UP-011 says that).",
	Remedy: "Render the new template with the deployed settings (Metadata.QuiltPrivateEndpoints.Settings of the " +
		"stack's processed template; qpe enable --stack S --template NEW keeps them) by an engine of the deployed " +
		"EngineVersion or a later one that keeps the contract. If the change is intended (a setting changed on " +
		"purpose) or comes from the new release itself (it renamed or removed the resource the macro's one derives " +
		"from), plan it as its own update, tell the private API's clients of its new URL, and lift the stack policy " +
		"for that update only (an upgrade goes on only when forced).",
	Source: "issue 22 items 1 and 2; docs/transform.md (Stable identity and what a render records)",
}

func checkReplacesOwned(m *model) []finding.Finding {
	info, ok, err := transform.ReadRenderInfo(m.in.Deployed)
	if err != nil {
		return []finding.Finding{ruleReplacesOwned.NewSeverity(finding.Warning, "Metadata."+transform.MetadataKey,
			"Render the deployed template again with the macro, or compare the plan's replaced and removed resources with docs/transform.md by hand.",
			"the deployed render's record of what the macro made is unreadable, so the plan cannot tell whether the update replaces it: %v", err)}
	}
	if !ok || len(info.Resources) == 0 {
		return nil // not a render, or one made before the engine listed what it owns
	}
	if _, dropped := droppedTransform(m); dropped {
		return nil // QPE-UP-011: the whole private side goes; one finding says so
	}
	if _, newRender := renderMark(m.in.New); !newRender {
		return nil // a template the macro has yet to render: CloudFormation deploys its render
	}
	var fs []finding.Finding
	for _, id := range info.Resources {
		r := m.res[id]
		if r == nil || transform.ReplacedByDesign(r.Type) {
			continue
		}
		switch r.Action {
		case Replace:
			fs = append(fs, ruleReplacesOwned.New(id, "",
				"%s (%s), which the macro made, is replaced because %s: %s",
				id, r.Type, joinComma(r.ReplacedBecause), ownedConsequence(r.Type, false)))
		case Remove:
			fs = append(fs, ruleReplacesOwned.New(id, "",
				"%s (%s), which the macro made, is removed%s: %s",
				id, r.Type, m.takenOver(id), ownedConsequence(r.Type, true)))
		}
	}
	return fs
}

// takenOver says which added resource takes a removed one over under a new
// logical id, if one does.
func (m *model) takenOver(id string) string {
	for _, r := range m.res {
		if r.RenamedFrom == id {
			return fmt.Sprintf(" (%s takes it over under a new logical id: a new resource)", r.LogicalID)
		}
	}
	return ""
}

// ownedConsequence is what replacing (or removing) one of the macro's
// resources breaks.
func ownedConsequence(typ string, removed bool) string {
	switch {
	case typ == "AWS::ApiGateway::RestApi" && removed:
		return "the private API is deleted, and with it the catalog's API on the private network"
	case typ == "AWS::ApiGateway::RestApi":
		return "the private API gets a new id, so its URL (and every client's and the VPC endpoint's use of it) changes"
	case strings.HasPrefix(typ, "AWS::ApiGateway::") && removed:
		return "the private API's stage is deleted and its URL stops answering"
	case strings.HasPrefix(typ, "AWS::ApiGateway::"):
		return "the private API's stage is recreated (its URL is unavailable meanwhile)"
	case (strings.HasPrefix(typ, "AWS::ElasticLoadBalancingV2::") || strings.HasPrefix(typ, "AWS::WAFv2::")) && removed:
		return "the internal load balancer side loses it, and the private network the catalog it serves"
	case typ == "AWS::ElasticLoadBalancingV2::LoadBalancer":
		return "the internal load balancer gets a new DNS name, and the private network loses the catalog until its DNS records follow"
	case strings.HasPrefix(typ, "AWS::ElasticLoadBalancingV2::") || strings.HasPrefix(typ, "AWS::WAFv2::"):
		return "the internal load balancer side is recreated piece by piece, and requests on the private network fail meanwhile"
	default:
		return "the stack policy qpe enable sets denies it, so the update fails and rolls back"
	}
}

// ReplacesOwned lists the plan's QPE-UP-012 blockers: the resources the
// deployed render's macro made that the update replaces or removes. An
// upgrade refuses a plan with any, unless forced.
func (p *Plan) ReplacesOwned() []Blocker {
	var out []Blocker
	for _, b := range p.Rollout.Blockers {
		if b.ID == ReplacesOwnedID {
			out = append(out, b)
		}
	}
	return out
}
