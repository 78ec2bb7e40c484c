package awsfake

// This file belongs to the custom-resource helper: add CreateVpcEndpoint,
// CreateSecurityGroup, AuthorizeSecurityGroupIngress, DeleteVpcEndpoints,
// DeleteSecurityGroup, CreateTags here. Handlers run with s.mu held, so
// they may mutate s.world directly; use s.newID(prefix) for new ids, q.Get,
// q.List, q.Structs and q.Filters to read the request, and return a struct
// with xml tags (or an *APIError).

// mutatingHandlers returns the EC2 actions that change the World.
func (s *Server) mutatingHandlers() map[string]handler {
	return map[string]handler{}
}
