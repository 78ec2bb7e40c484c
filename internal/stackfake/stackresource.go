package stackfake

import (
	"fmt"
	"net/http"
	"time"
)

// describeStackResource answers DescribeStackResource (StackName: the
// stack's name or ARN, LogicalResourceId) with a StackResourceDetail, or
// CloudFormation's ValidationError for an unknown stack or resource.
func (s *Server) describeStackResource(w http.ResponseWriter, name, logicalID string) {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	st := &s.scn.Stack
	if name != st.Name && name != s.scn.StackID() {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Stack '%s' does not exist", name))
		return
	}
	for _, r := range st.Resources {
		if r.LogicalID != logicalID {
			continue
		}
		at := r.LastUpdated
		if at.IsZero() {
			at = st.Created
		}
		body := "<StackResourceDetail>" + el("StackName", st.Name) + el("StackId", s.scn.StackID()) +
			el("LogicalResourceId", r.LogicalID) + el("PhysicalResourceId", r.PhysicalID) + el("ResourceType", r.Type) +
			el("LastUpdatedTimestamp", xmlTime(at)) + el("ResourceStatus", r.Status) + el("ResourceStatusReason", r.StatusReason) +
			"<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation></StackResourceDetail>"
		writeQuery(w, "DescribeStackResource", body)
		return
	}
	writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Resource %s does not exist for stack %s", logicalID, name))
}

// SetResource adds a resource to the stack, or replaces the one with the
// same logical id (a test moves a resource through its states this way).
func (s *Server) SetResource(r Resource) {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.LastUpdated.IsZero() {
		r.LastUpdated = time.Now()
	}
	st := &s.scn.Stack
	for i := range st.Resources {
		if st.Resources[i].LogicalID == r.LogicalID {
			st.Resources[i] = r
			return
		}
	}
	st.Resources = append(st.Resources, r)
}

// SetStackStatus sets the stack's status (DescribeStacks' StackStatus).
func (s *Server) SetStackStatus(status string) {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	s.scn.Stack.Status = status
}
