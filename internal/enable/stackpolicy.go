package enable

import (
	"encoding/json"
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// Stack policy actions (CloudFormation user guide, protect-stack-resources).
const (
	policyUpdateDelete  = "Update:Delete"
	policyUpdateReplace = "Update:Replace"
)

// StackPolicy is a CloudFormation stack policy document.
type StackPolicy struct {
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a stack policy.
type PolicyStatement struct {
	Effect    string   `json:"Effect"`
	Action    []string `json:"Action"`
	Principal string   `json:"Principal"`
	Resource  []string `json:"Resource"`
}

// unprotectedTypes are types of resources the macro makes that an update
// legitimately replaces or removes: an API Gateway deployment's logical id
// follows the API's body (a new deployment for each change of it, the old
// one removed in cleanup).
var unprotectedTypes = map[string]bool{"AWS::ApiGateway::Deployment": true}

// ProtectedResources lists the resources of the render that the macro made
// (the stable identity contract, transform.Identities: added or renamed
// resources) and that no update should replace or remove: the private API
// and its stages, the internal load balancer side, the preflight, the
// macro's security group and ingress rules. API Gateway deployments are left
// out (unprotectedTypes). Sorted.
func ProtectedResources(original, render map[string]any, renamed map[string]string) []string {
	var out []string
	for _, e := range transform.Identities(original, render, renamed) {
		if e.Section == "Resources" && !unprotectedTypes[e.Type] {
			out = append(out, e.ID)
		}
	}
	return out
}

// PrivateStackPolicy is the stack policy qpe enable sets on a private
// stack: every update action allowed, except Update:Delete and
// Update:Replace on the protected resources (ProtectedResources). An update
// that drops the Transform then fails at the first such step and rolls
// back (docs/stackpolicy.md). It is JSON, deterministic.
func PrivateStackPolicy(original, render map[string]any, renamed map[string]string) ([]byte, error) {
	p := StackPolicy{Statement: []PolicyStatement{{
		Effect: "Allow", Action: []string{"Update:*"}, Principal: "*", Resource: []string{"*"},
	}}}
	ids := ProtectedResources(original, render, renamed)
	if len(ids) > 0 {
		res := make([]string, len(ids))
		for i, id := range ids {
			res[i] = "LogicalResourceId/" + id
		}
		p.Statement = append(p.Statement, PolicyStatement{
			Effect: "Deny", Action: []string{policyUpdateDelete, policyUpdateReplace}, Principal: "*", Resource: res,
		})
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("enable: stack policy: %w", err)
	}
	return b, nil
}
