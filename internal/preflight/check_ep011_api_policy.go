package preflight

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointPolicy() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-011",
		Severity: finding.Error,
		Title:    "the execute-api endpoint's policy",
		Meaning:  "The execute-api endpoint's policy (PolicyDocument, evaluated with the perimeter's IAM evaluator) denies execute-api:Invoke on the stack's API: every call to the private API through it is refused with 403. A policy whose Allow statements only name principals not known before the stack exists is a warning.",
		Remedy:   "Let the endpoint policy allow execute-api:Invoke on the stack's API (the default full-access policy does), or remove the Deny statement named in the finding.",
		Source:   "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-endpoint-policies.html",
	}, Needs: names(itemAPIEndpoint)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpointInVPC()
		if e == nil {
			return nil
		}
		id := inv.in.APIEndpointID
		// The API's id is not known before it exists: "*" stands for it.
		arn := fmt.Sprintf("arn:%s:execute-api:%s:%s:*/prod/GET/*", inv.partition(), inv.in.Region, inv.account(e))
		v := inv.evaluatePolicy(e, []call{{"execute-api:Invoke", arn, true}})
		fix := "allow execute-api:Invoke on " + arn + " in the endpoint policy (or reset it to full access): aws ec2 modify-vpc-endpoint --vpc-endpoint-id " + id + " --reset-policy"
		switch {
		case v.err != nil:
			return []finding.Finding{c.NewSeverity(finding.Warning, id, "check the endpoint's policy document: "+fix,
				"the policy of %s could not be evaluated: %s", id, oneLine(v.err.Error()))}
		case len(v.denied) > 0:
			return []finding.Finding{c.New(id, fix, "the policy of %s denies the stack's calls to its private API: %s", id, strings.Join(v.denied, "; "))}
		case len(v.unproven) > 0:
			return []finding.Finding{c.NewSeverity(finding.Warning, id,
				"make sure the principals the endpoint policy allows include the callers of the stack's API, or "+fix,
				"no Allow statement of the policy of %s matches %s for a caller not known yet (its Allow statements name principals or conditions)", id, strings.Join(v.unproven, "; "))}
		}
		return nil
	}
	return c
}
