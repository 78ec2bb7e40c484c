package updatepath

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// ruleIrreversible: an API Gateway REST API endpoint-type change that API
// Gateway refuses forward, or whose rollback it refuses.
var ruleIrreversible = finding.Rule{
	ID:       "QPE-UP-001",
	Severity: finding.Error,
	Title:    "an endpoint-type change that cannot be undone",
	Meaning: "A REST API changes its endpoint type in place in a way API Gateway refuses (PRIVATE to EDGE; away from PRIVATE with VpcEndpointIds left), " +
		"or its rollback would (EDGE to PRIVATE rolls back PRIVATE to EDGE): a failure anywhere later in the update, " +
		"a stack-level failure at its end or a cancelled update leaves the stack in UPDATE_ROLLBACK_FAILED, even when " +
		"the API is the only change.",
	Remedy: "Never change EDGE to PRIVATE in place: make the private API a new " +
		"RestApi (new logical id; the old one goes in cleanup), or go EDGE to REGIONAL in one update and REGIONAL to " +
		"PRIVATE in the next. If a stack is already stuck: aws cloudformation continue-update-rollback " +
		"--resources-to-skip <Api>, then target REGIONAL or PRIVATE (never EDGE) next.",
	Source: "update-path.md section 2; https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-api-migration.html",
}

func checkIrreversible(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range m.updatedIDs() {
		r := m.res[id]
		if r.Action != Modify {
			continue
		}
		from, to, ok := m.endpointChange(id)
		if !ok {
			continue
		}
		if ec, ok := m.new.props(id)["EndpointConfiguration"].(map[string]any); ok && !slices.Contains(to, "PRIVATE") {
			if l, ok := ec["VpcEndpointIds"].([]any); ok && len(l) > 0 {
				fs = append(fs, ruleIrreversible.New(id, "Remove VpcEndpointIds when the API is not PRIVATE.",
					"%s goes %s -> %s with VpcEndpointIds still set: API Gateway refuses it (BadRequestException: VPCEndpoints can only be specified with PRIVATE apis)",
					id, strings.Join(from, ","), strings.Join(to, ",")))
				continue
			}
		}
		if forbiddenEndpoint(from, to) {
			fs = append(fs, ruleIrreversible.New(id, "",
				"%s goes %s -> %s in place: API Gateway refuses it (BadRequestException: Cannot update endpoint from PRIVATE to EDGE) and the update fails",
				id, strings.Join(from, ","), strings.Join(to, ",")))
			continue
		}
		if forbiddenEndpoint(to, from) {
			fs = append(fs, ruleIrreversible.New(id, "",
				"%s goes %s -> %s in place: if anything after it fails, the rollback %s -> %s is refused and the stack ends UPDATE_ROLLBACK_FAILED",
				id, strings.Join(from, ","), strings.Join(to, ","), strings.Join(to, ","), strings.Join(from, ",")))
		}
	}
	return fs
}

// irreversibleRollback: the rollback of an in-place endpoint change that
// API Gateway refuses.
func irreversibleRollback(m *model, id string) (string, bool) {
	if m.res[id].Action != Modify {
		return "", false
	}
	from, to, ok := m.endpointChange(id)
	if !ok || !forbiddenEndpoint(to, from) {
		return "", false
	}
	return fmt.Sprintf("API Gateway refuses %s -> %s", strings.Join(to, ","), strings.Join(from, ",")), true
}

// endpointChange returns a REST API's endpoint types before and after,
// when they differ.
func (m *model) endpointChange(id string) (from, to []string, ok bool) {
	n := m.new.resources[id]
	if n == nil || (n.Type != "AWS::ApiGateway::RestApi" && n.Type != "AWS::Serverless::Api") {
		return nil, nil, false
	}
	from, to = endpointTypes(m.old.props(id)), endpointTypes(n.Props)
	if from == nil || to == nil || slices.Equal(from, to) {
		return nil, nil, false
	}
	return from, to, true
}

// endpointTypes reads EndpointConfiguration (Types, or SAM's Type or plain
// string); EDGE when absent; nil when not resolvable.
func endpointTypes(props map[string]any) []string {
	ec, has := props["EndpointConfiguration"]
	if !has {
		return []string{"EDGE"}
	}
	var v any = ec
	if m, ok := ec.(map[string]any); ok {
		if isIntrinsic(m) {
			return nil
		}
		v, has = m["Types"]
		if !has {
			v, has = m["Type"]
		}
		if !has {
			return []string{"EDGE"}
		}
	}
	switch t := v.(type) {
	case string:
		return []string{strings.ToUpper(t)}
	case []any:
		var out []string
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil
			}
			out = append(out, strings.ToUpper(s))
		}
		slices.Sort(out)
		return out
	}
	return nil
}

// forbiddenEndpoint reports whether API Gateway refuses from -> to: a
// private API cannot become edge-optimized.
func forbiddenEndpoint(from, to []string) bool {
	return slices.Contains(from, "PRIVATE") && slices.Contains(to, "EDGE")
}
