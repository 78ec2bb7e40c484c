package verify

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/quiltdata/quilt-private-endpoints/internal/apideny"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
)

// parsePolicy decodes a REST API's resource policy. GetRestApi returns it
// escaped once more than JSON needs ({\"Version\":...\/*}); plain JSON is
// accepted too.
func parsePolicy(raw string) (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err == nil {
		return doc, nil
	}
	var unescaped string
	if err := json.Unmarshal([]byte(`"`+raw+`"`), &unescaped); err != nil {
		return nil, fmt.Errorf("the policy is neither JSON nor escaped JSON: %w", err)
	}
	if err := json.Unmarshal([]byte(unescaped), &doc); err != nil {
		return nil, fmt.Errorf("the policy is not JSON: %w", err)
	}
	return doc, nil
}

// strs reads a string-or-list policy value.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func statements(doc map[string]any) []map[string]any { return apideny.Statements(doc["Statement"]) }

// vpceDeny describes a Deny statement conditioned on aws:SourceVpce.
type vpceDeny struct {
	endpoints []string
	// whole is true when it protects the whole API for every caller
	// (apideny: every principal, the whole API, no other condition).
	whole bool
	// why says what makes it narrower when not whole.
	why string
}

// vpceDenies finds the Deny statements with a StringNotEquals[IfExists]
// condition on aws:SourceVpce and judges each with apideny, the predicate
// the macro uses.
func vpceDenies(doc map[string]any, api apideny.API) []vpceDeny {
	var out []vpceDeny
	for _, s := range apideny.Statements(doc["Statement"]) {
		v := apideny.Check(s, api)
		if !v.VpceDeny {
			continue
		}
		out = append(out, vpceDeny{endpoints: strs(v.Endpoints), whole: v.Protects, why: v.Why})
	}
	return out
}

// apiTarget is the live API a Deny must protect: its id, and the stack's
// partition, Region and account (unknown without the stack's ARN).
func (st *state) apiTarget(a *apiState) apideny.API {
	api := apideny.API{Region: st.in.Region}
	if a.api != nil {
		api.ID = aws.ToString(a.api.Id)
	}
	if parsed, err := arn.Parse(st.stackID); err == nil {
		api.Partition, api.Region, api.Account = parsed.Partition, parsed.Region, parsed.AccountID
	} else if api.Region != "" {
		api.Partition = awsid.Partition(api.Region)
	}
	return api
}
