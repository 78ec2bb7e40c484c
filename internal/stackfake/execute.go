package stackfake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Execution shapes how ExecuteChangeSet plays out: the pace of the stack
// events, a failure injected at one resource (with the rollback events that
// follow), a rollback that fails too (UPDATE_ROLLBACK_FAILED), and the live
// state of the resources once the update succeeded.
type Execution struct {
	// Step is the time between two stack events (default 20ms; a real
	// update takes seconds to minutes per resource).
	Step time.Duration `yaml:"step"`
	// FailAt makes the update of one resource fail.
	FailAt *Injected `yaml:"failAt"`
	// RollbackFailAt makes rolling one resource back fail: the stack ends
	// UPDATE_ROLLBACK_FAILED until ContinueUpdateRollback skips it.
	RollbackFailAt *Injected `yaml:"rollbackFailAt"`
	// After is the live state once the update succeeded.
	After *After `yaml:"after"`
}

// Injected is a failure at a chosen resource.
type Injected struct {
	Resource string `yaml:"resource"`
	Reason   string `yaml:"reason"`
}

// After replaces parts of the scenario when an update completes: resource
// summaries by logical id (physical ids, timestamps), and the live
// configuration of functions, REST APIs and canaries by their key.
type After struct {
	Resources []Resource          `yaml:"resources"`
	Functions map[string]Function `yaml:"functions"`
	RestAPIs  map[string]RestAPI  `yaml:"restApis"`
	Canaries  map[string]Canary   `yaml:"canaries"`
}

const stackType = "AWS::CloudFormation::Stack"

// stackEvent is one StackEvent.
type stackEvent struct {
	ID                          string
	At                          time.Time
	LogicalID, PhysicalID, Type string
	Status, Reason, Token       string
}

func (c *cfnState) add(e stackEvent) {
	c.seq++
	e.ID = fmt.Sprintf("%s-%08d", e.LogicalID, c.seq)
	c.events = append(c.events, e)
}

// update is an execution in progress: its events are all known from the
// start and become visible as time passes.
type update struct {
	cs      *changeSet
	end     time.Time
	outcome string // the final stack status
	reason  string
	applied bool
	newPhys map[string]string // logical id -> physical id after success
	jammed  []string          // resources whose rollback failed
	deletes []deletion        // resources deleted in a rollback cleanup
}

type deletion struct{ logicalID, physicalID, typ string }

func stable(status string) bool {
	return strings.HasSuffix(status, "_COMPLETE") && !strings.Contains(status, "IN_PROGRESS") && status != "DELETE_COMPLETE"
}

// stackStatus is the stack's status now.
func (s *Server) stackStatus() string {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	s.advanceLocked(time.Now())
	return s.scn.Stack.Status
}

// advance brings the stack to what the update has done by now.
func (s *Server) advance() {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	s.advanceLocked(time.Now())
}

func (s *Server) advanceLocked(now time.Time) {
	c := s.cfn
	u := c.update
	if u == nil || u.applied {
		return
	}
	if !now.Before(u.end) {
		s.apply(u)
		return
	}
	st := &s.scn.Stack
	for i := len(c.events) - 1; i >= 0; i-- {
		e := c.events[i]
		if e.Type == stackType && !e.At.After(now) {
			if st.Status != e.Status {
				st.Status, st.StatusReason = e.Status, e.Reason
			}
			return
		}
	}
}

// apply makes the outcome of a finished update the stack's state.
func (s *Server) apply(u *update) {
	u.applied = true
	s.cfn.changeSets = slices.DeleteFunc(s.cfn.changeSets, func(x *changeSet) bool { return x == u.cs })
	st := &s.scn.Stack
	st.Status, st.StatusReason = u.outcome, u.reason
	end := u.end
	st.LastUpdated = &end
	switch u.outcome {
	case "UPDATE_COMPLETE":
		u.cs.ExecutionStatus = "EXECUTE_COMPLETE"
		st.Template = u.cs.Processed
		st.OriginalTemplate = u.cs.Original
		st.Parameters = u.cs.Parameters
		before := slices.Clone(st.Resources)
		s.rebuildResources(u)
		s.syncLive(u, before)
	case "UPDATE_ROLLBACK_COMPLETE":
		u.cs.ExecutionStatus = "EXECUTE_FAILED"
		for i := range st.Resources {
			if slices.Contains(u.jammed, st.Resources[i].LogicalID) {
				st.Resources[i].Status, st.Resources[i].StatusReason = "UPDATE_COMPLETE", "Resource skipped during UPDATE_ROLLBACK"
			}
		}
	default:
		u.cs.ExecutionStatus = "EXECUTE_FAILED"
		for i := range st.Resources {
			if slices.Contains(u.jammed, st.Resources[i].LogicalID) {
				st.Resources[i].Status, st.Resources[i].StatusReason = "UPDATE_FAILED", u.reason
			}
		}
	}
}

// rebuildResources lists the resources of the new template with their
// physical ids, then lays Execution.After over the scenario.
func (s *Server) rebuildResources(u *update) {
	st := &s.scn.Stack
	old := map[string]Resource{}
	for _, r := range st.Resources {
		old[r.LogicalID] = r
	}
	var out []Resource
	res := template.Resources(u.cs.Processed)
	for _, id := range template.SortedKeys(res) {
		m, _ := res[id].(map[string]any)
		typ, _ := m["Type"].(string)
		r, ok := old[id]
		if !ok {
			r = Resource{LogicalID: id, Type: typ, Status: "CREATE_COMPLETE", LastUpdated: u.end}
		}
		if p, changed := u.newPhys[id]; changed {
			r.PhysicalID, r.Status, r.LastUpdated, r.Type = p, "UPDATE_COMPLETE", u.end, typ
			if !ok {
				r.Status = "CREATE_COMPLETE"
			}
		}
		out = append(out, r)
	}
	a := s.scn.Execution.After
	if a != nil {
		for _, pin := range a.Resources {
			for i := range out {
				if out[i].LogicalID == pin.LogicalID {
					if pin.Type == "" {
						pin.Type = out[i].Type
					}
					if pin.Status == "" {
						pin.Status = out[i].Status
					}
					out[i] = pin
				}
			}
		}
		for k, v := range a.Functions {
			if s.scn.Functions == nil {
				s.scn.Functions = map[string]Function{}
			}
			s.scn.Functions[k] = v
		}
		for k, v := range a.RestAPIs {
			if s.scn.RestAPIs == nil {
				s.scn.RestAPIs = map[string]RestAPI{}
			}
			s.scn.RestAPIs[k] = v
		}
		for k, v := range a.Canaries {
			if s.scn.Canaries == nil {
				s.scn.Canaries = map[string]Canary{}
			}
			s.scn.Canaries[k] = v
		}
	}
	st.Resources = out
}

func (s *Server) executeChangeSet(form url.Values) (string, *queryErr) {
	cs, qerr := s.findChangeSet(form)
	if qerr != nil {
		return "", qerr
	}
	status := s.stackStatus()
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs.Status != "CREATE_COMPLETE" || cs.ExecutionStatus != "AVAILABLE" {
		return "", &queryErr{status: http.StatusBadRequest, code: "InvalidChangeSetStatus",
			msg: fmt.Sprintf("ChangeSet [%s] cannot be executed in its current status of [%s]", cs.ID, cs.Status)}
	}
	if !stable(status) {
		return "", validation("Stack:%s is in %s state and can not be updated.", s.scn.StackID(), status)
	}
	cs.ExecutionStatus = "EXECUTE_IN_PROGRESS"
	// "After you execute a change set, CloudFormation removes all change
	// sets associated with the stack": they no longer apply.
	c.changeSets = slices.DeleteFunc(c.changeSets, func(x *changeSet) bool { return x != cs })
	c.update = s.timeline(cs, form.Get("ClientRequestToken"), time.Now())
	s.advanceLocked(time.Now())
	return "", nil
}

// step is the time between two events.
func (s *Server) step() time.Duration {
	if s.scn.Execution.Step > 0 {
		return s.scn.Execution.Step
	}
	return 20 * time.Millisecond
}

// timeline writes every event of the execution, at their future times,
// and what the stack ends as.
func (s *Server) timeline(cs *changeSet, token string, start time.Time) *update {
	c := s.cfn
	u := &update{cs: cs, newPhys: map[string]string{}}
	st := &s.scn.Stack
	stackID := s.scn.StackID()
	at := start
	emit := func(logical, physical, typ, status, reason string) {
		c.add(stackEvent{At: at, LogicalID: logical, PhysicalID: physical, Type: typ, Status: status, Reason: reason, Token: token})
		at = at.Add(s.step())
	}
	stackEv := func(status, reason string) { emit(st.Name, stackID, stackType, status, reason) }
	physical := s.physicalIDs()
	ex := s.scn.Execution

	stackEv("UPDATE_IN_PROGRESS", "User Initiated")
	if d := s.policyDenial(cs); d != nil { // stackpolicy.go: checked before the first resource action
		emit(d.logicalID, physical[d.logicalID], d.typ, "UPDATE_FAILED", d.reason)
		stackEv("UPDATE_ROLLBACK_IN_PROGRESS", fmt.Sprintf("The following resource(s) failed to update: [%s]. ", d.logicalID))
		s.rollbackCleanup(u, emit, stackEv)
		return u
	}
	var done []resourceChange
	var failed *resourceChange
	for _, rc := range forwardOrder(cs) {
		verb := "UPDATE"
		if rc.Action == "Add" {
			verb = "CREATE"
		}
		phys := physical[rc.LogicalID]
		if rc.Action == "Add" || rc.Replacement == "True" {
			phys = s.newPhysical(rc.Type, rc.LogicalID, cs.ID)
		}
		reason := s.subnetFailure(cs, rc) // world.go: a subnet the shared world does not have
		if ex.FailAt != nil && ex.FailAt.Resource == rc.LogicalID {
			reason = orDefault(ex.FailAt.Reason, "stackfake: injected failure")
		}
		if reason != "" {
			emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, verb+"_IN_PROGRESS", "")
			emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, verb+"_FAILED", reason)
			rc := rc
			failed = &rc
			break
		}
		switch {
		case rc.Action == "Add":
			emit(rc.LogicalID, "", rc.Type, "CREATE_IN_PROGRESS", "")
			emit(rc.LogicalID, phys, rc.Type, "CREATE_IN_PROGRESS", "Resource creation Initiated")
			emit(rc.LogicalID, phys, rc.Type, "CREATE_COMPLETE", "")
		case rc.Replacement == "True":
			emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new physical resource; hence creating one.")
			emit(rc.LogicalID, phys, rc.Type, "UPDATE_IN_PROGRESS", "Resource creation Initiated")
			emit(rc.LogicalID, phys, rc.Type, "UPDATE_COMPLETE", "")
		default:
			emit(rc.LogicalID, phys, rc.Type, "UPDATE_IN_PROGRESS", "")
			emit(rc.LogicalID, phys, rc.Type, "UPDATE_COMPLETE", "")
		}
		u.newPhys[rc.LogicalID] = phys
		done = append(done, rc)
	}
	if failed == nil {
		stackEv("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "")
		for _, rc := range slices.Backward(cs.Changes) {
			if rc.Action == "Remove" || rc.Replacement == "True" {
				emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, "DELETE_IN_PROGRESS", "")
				emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, "DELETE_COMPLETE", "")
			}
		}
		u.end = at
		stackEv("UPDATE_COMPLETE", "")
		u.outcome = "UPDATE_COMPLETE"
		return u
	}
	verb := "update"
	if failed.Action == "Add" {
		verb = "create"
	}
	stackEv("UPDATE_ROLLBACK_IN_PROGRESS", fmt.Sprintf("The following resource(s) failed to %s: [%s]. ", verb, failed.LogicalID))
	back := slices.Clone(done)
	if failed.Action == "Modify" {
		back = append(back, *failed)
	}
	for _, rc := range slices.Backward(back) {
		if rc.Action == "Add" {
			u.deletes = append(u.deletes, deletion{rc.LogicalID, u.newPhys[rc.LogicalID], rc.Type})
			continue
		}
		if rc.Replacement == "True" {
			u.deletes = append(u.deletes, deletion{rc.LogicalID, u.newPhys[rc.LogicalID], rc.Type})
		}
		emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, "UPDATE_IN_PROGRESS", "")
		if ex.RollbackFailAt != nil && ex.RollbackFailAt.Resource == rc.LogicalID && rc.Replacement != "True" {
			emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, "UPDATE_FAILED", orDefault(ex.RollbackFailAt.Reason, "stackfake: injected rollback failure"))
			u.jammed = append(u.jammed, rc.LogicalID)
			continue
		}
		emit(rc.LogicalID, physical[rc.LogicalID], rc.Type, "UPDATE_COMPLETE", "")
	}
	if failed.Action == "Add" {
		u.deletes = append(u.deletes, deletion{failed.LogicalID, "", failed.Type})
	}
	if len(u.jammed) > 0 {
		u.reason = fmt.Sprintf("The following resource(s) failed to update: [%s]. ", strings.Join(u.jammed, ", "))
		u.end = at
		stackEv("UPDATE_ROLLBACK_FAILED", u.reason)
		u.outcome = "UPDATE_ROLLBACK_FAILED"
		return u
	}
	s.rollbackCleanup(u, emit, stackEv)
	return u
}

// rollbackCleanup deletes what the update created, then completes.
func (s *Server) rollbackCleanup(u *update, emit func(logical, physical, typ, status, reason string), stackEv func(status, reason string)) {
	stackEv("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "")
	for _, d := range u.deletes {
		emit(d.logicalID, d.physicalID, d.typ, "DELETE_IN_PROGRESS", "")
		emit(d.logicalID, d.physicalID, d.typ, "DELETE_COMPLETE", "")
	}
	u.end = s.cfn.events[len(s.cfn.events)-1].At.Add(s.step())
	stackEv("UPDATE_ROLLBACK_COMPLETE", "")
	u.outcome, u.reason = "UPDATE_ROLLBACK_COMPLETE", ""
}

// forwardOrder is the Add and Modify changes, each after the changed
// resources it refers to (Ref, Fn::GetAtt, Fn::Sub, DependsOn in the new
// template); ties in change-set order.
func forwardOrder(cs *changeSet) []resourceChange {
	var todo []resourceChange
	index := map[string]int{}
	for _, rc := range cs.Changes {
		if rc.Action == "Add" || rc.Action == "Modify" {
			index[rc.LogicalID] = len(todo)
			todo = append(todo, rc)
		}
	}
	res := template.Resources(cs.Processed)
	ids := make([]string, len(todo))
	for i, rc := range todo {
		ids[i] = rc.LogicalID
	}
	g := template.NewGraph(ids, func(id string) []string {
		m, _ := res[id].(map[string]any)
		return template.ResourceDeps(m)
	})
	out := make([]resourceChange, 0, len(todo))
	for _, id := range g.Order() {
		out = append(out, todo[index[id]])
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// eventsPage is how many events DescribeStackEvents returns per page.
const eventsPage = 100

func (s *Server) describeStackEvents(form url.Values) (string, *queryErr) {
	if err := s.checkStack(form.Get("StackName")); err != nil {
		return "", err
	}
	c := s.state()
	c.mu.Lock()
	now := time.Now()
	var visible []stackEvent
	for _, e := range c.events {
		if !e.At.After(now) {
			visible = append(visible, e)
		}
	}
	c.mu.Unlock()
	slices.Reverse(visible) // newest first, as CloudFormation lists them
	start := 0
	if tok := form.Get("NextToken"); tok != "" {
		if _, err := fmt.Sscanf(tok, "events-%d", &start); err != nil || start < 0 || start > len(visible) {
			return "", validation("Invalid NextToken")
		}
	}
	end := min(start+eventsPage, len(visible))
	var b strings.Builder
	b.WriteString("<StackEvents>")
	for _, e := range visible[start:end] {
		b.WriteString("<member>")
		b.WriteString(el("StackId", s.scn.StackID()) + el("EventId", e.ID) + el("StackName", s.scn.Stack.Name))
		b.WriteString(el("LogicalResourceId", e.LogicalID) + el("PhysicalResourceId", e.PhysicalID) + el("ResourceType", e.Type))
		b.WriteString(el("Timestamp", xmlTime(e.At)) + el("ResourceStatus", e.Status) + el("ResourceStatusReason", e.Reason))
		b.WriteString(el("ClientRequestToken", e.Token))
		b.WriteString("</member>")
	}
	b.WriteString("</StackEvents>")
	if end < len(visible) {
		b.WriteString(el("NextToken", fmt.Sprintf("events-%d", end)))
	}
	return b.String(), nil
}

// continueUpdateRollback resumes a rollback that failed: the resources to
// skip must be ones whose rollback failed; the others are retried (and
// fail again while the injected failure stands).
func (s *Server) continueUpdateRollback(form url.Values) (string, *queryErr) {
	if err := s.checkStack(form.Get("StackName")); err != nil {
		return "", err
	}
	status := s.stackStatus()
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.update
	if status != "UPDATE_ROLLBACK_FAILED" || u == nil {
		return "", validation("Stack %s is in %s state and can not continue update rollback.", s.scn.StackID(), status)
	}
	skip := members(form, "ResourcesToSkip")
	for _, r := range skip {
		if !slices.Contains(u.jammed, r) {
			return "", validation("Resource(s) [%s] cannot be skipped: only resources in UPDATE_FAILED state during the rollback can be skipped", r)
		}
	}
	st := &s.scn.Stack
	at := time.Now()
	token := form.Get("ClientRequestToken")
	emit := func(logical, physical, typ, status, reason string) {
		c.add(stackEvent{At: at, LogicalID: logical, PhysicalID: physical, Type: typ, Status: status, Reason: reason, Token: token})
		at = at.Add(s.step())
	}
	stackEv := func(status, reason string) { emit(st.Name, s.scn.StackID(), stackType, status, reason) }
	physical := s.physicalIDs()
	stackEv("UPDATE_ROLLBACK_IN_PROGRESS", "User Initiated")
	var still []string
	for _, r := range u.jammed {
		typ := ""
		for _, x := range st.Resources {
			if x.LogicalID == r {
				typ = x.Type
			}
		}
		if slices.Contains(skip, r) {
			emit(r, physical[r], typ, "UPDATE_COMPLETE", "Resource skipped during UPDATE_ROLLBACK")
			continue
		}
		emit(r, physical[r], typ, "UPDATE_IN_PROGRESS", "")
		emit(r, physical[r], typ, "UPDATE_FAILED", st.StatusReason)
		still = append(still, r)
	}
	nu := &update{cs: u.cs, newPhys: u.newPhys, jammed: u.jammed, deletes: u.deletes}
	if len(still) > 0 {
		nu.jammed = still
		nu.reason = fmt.Sprintf("The following resource(s) failed to update: [%s]. ", strings.Join(still, ", "))
		nu.end = at
		stackEv("UPDATE_ROLLBACK_FAILED", nu.reason)
		nu.outcome = "UPDATE_ROLLBACK_FAILED"
	} else {
		s.rollbackCleanup(nu, emit, stackEv)
	}
	c.update = nu
	s.advanceLocked(time.Now())
	return "", nil
}
