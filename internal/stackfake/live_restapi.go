package stackfake

import (
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

const typeRestAPI = "AWS::ApiGateway::RestApi"

// syncRestAPIs brings the REST APIs the completed update created or
// updated to their template: the endpoint types a literal
// EndpointConfiguration.Types gives (EDGE when the template names none),
// and no VPC endpoints once the API is not PRIVATE. A REST API the double
// does not know yet is created. Values the double cannot evaluate (a
// FindInMap, a Ref) leave the live state as the scenario describes it.
func (s *Server) syncRestAPIs(u *update) {
	res := template.Resources(u.cs.Processed)
	for _, r := range s.scn.Stack.Resources {
		if r.Type != typeRestAPI || r.PhysicalID == "" {
			continue
		}
		if _, changed := u.newPhys[r.LogicalID]; !changed {
			continue
		}
		props := template.Section(mapOf(res[r.LogicalID]), "Properties")
		types, ok := literalTypes(props)
		if !ok {
			continue
		}
		if s.scn.RestAPIs == nil {
			s.scn.RestAPIs = map[string]RestAPI{}
		}
		api, known := s.scn.RestAPIs[r.PhysicalID]
		if !known {
			api.Name, _ = props["Name"].(string)
			api.Name = or(api.Name, r.LogicalID)
			api.Created = u.end
		}
		api.EndpointTypes = types
		if !slices.Contains(types, "PRIVATE") {
			api.VpcEndpointIDs = nil
		}
		s.scn.RestAPIs[r.PhysicalID] = api
	}
}

// literalTypes reads EndpointConfiguration.Types when the template gives
// it as a list of strings (EDGE when there is no EndpointConfiguration).
func literalTypes(props map[string]any) ([]string, bool) {
	ec, present := props["EndpointConfiguration"]
	if !present {
		return []string{"EDGE"}, true
	}
	l, _ := mapOf(ec)["Types"].([]any)
	if len(l) == 0 {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, v := range l {
		t, ok := v.(string)
		if !ok {
			return nil, false
		}
		out = append(out, t)
	}
	return out, true
}
