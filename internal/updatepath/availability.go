package updatepath

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Client networks of the availability model.
const (
	// NetworkPrivate is the VPC and what routes into it (VPN, Direct
	// Connect, peering).
	NetworkPrivate = "private"
	// NetworkInternet is a client on the public internet.
	NetworkInternet = "internet"
)

// Availability is what users can reach while the update runs and after
// it: for each user-facing entry point (a host name, with its path, of a
// load balancer's listener rules; the REST API URL the catalog's tasks
// hand to browsers) and each client network, the points of the update at
// which it is not served.
type Availability struct {
	// PrivateNetworkDowntime is true when some entry point that was served
	// on the private network before the update is not served at some point
	// for a reason the update causes (a gap listed with Inherent false).
	PrivateNetworkDowntime bool `json:"privateNetworkDowntime"`
	// DNS names the load balancer the host names resolve to during the
	// update (DNS stays where it is while CloudFormation runs).
	DNS     string              `json:"dns,omitempty"`
	Entries []EntryAvailability `json:"entries"`
}

// EntryAvailability is one entry point seen from one client network.
type EntryAvailability struct {
	// Entry names the entry point: the listener rule that routes the host
	// (the deployed template's, when it has one), or the environment
	// variable that carries the API URL.
	Entry string `json:"entry"`
	// Host is the host name, with the rule's path pattern when it has one
	// ("*" for a rule without a host condition), or the API URL.
	Host    string `json:"host"`
	Network string `json:"network"`
	Lost    []Gap  `json:"lost"`
}

// Gap is a stretch of the update during which an entry point is not
// served. From and Until are points of the update, both included: "wave
// N", "cleanup" (old copies and removed resources are deleted), "after"
// (the update is complete and DNS has not moved).
type Gap struct {
	From  string `json:"from"`
	Until string `json:"until"`
	Why   string `json:"why"`
	// Inherent is true for a gap that comes from a service's own
	// deployment configuration (MinimumHealthyPercent 0 stops the old task
	// before the new one starts): it happens on every update of that
	// service, with or without this conversion.
	Inherent bool `json:"inherent"`
}

// Resource types the availability model reads.
const (
	typeECSService     = "AWS::ECS::Service"
	typeTaskDefinition = "AWS::ECS::TaskDefinition"
	typeRestAPI        = "AWS::ApiGateway::RestApi"
	typeStage          = "AWS::ApiGateway::Stage"
)

// inst is one physical resource at a point of the update, with the
// configuration it has then.
type inst struct {
	key  string // the logical id, with "#old"/"#new" for the two copies of a replaced resource
	id   string
	res  *resolved
	side *side // the template its configuration comes from
}

// point is a moment of the update: -1 before it, 0..W-1 the waves, W
// cleanup, W+1 after.
type point int

func (m *model) pointName(p point) string {
	w := point(len(m.waves))
	switch {
	case p < 0:
		return "before"
	case p < w:
		return fmt.Sprintf("wave %d", p)
	case p == w:
		return "cleanup"
	}
	return "after"
}

// keyName is an instance key as the plan prints it.
func keyName(key string) string {
	if id, ok := strings.CutSuffix(key, "#old"); ok {
		return id + " (old copy)"
	}
	if id, ok := strings.CutSuffix(key, "#new"); ok {
		return id + " (new copy)"
	}
	return key
}

// state is the set of physical resources at one point.
type state struct {
	m     *model
	p     point
	insts map[string]*inst
	byTyp map[string][]*inst // sorted by key
}

// stateAt builds the resources that exist at p and their configuration: a
// resource changed in wave k has its new configuration from wave k; an
// added one exists from its wave; a replaced one has its old copy until
// cleanup and its new copy from its wave; a removed one exists until
// cleanup.
func (m *model) stateAt(p point) *state {
	st := &state{m: m, p: p, insts: map[string]*inst{}, byTyp: map[string][]*inst{}}
	w := point(len(m.waves))
	applied := func(r *Resource) bool { return p >= w || (p >= 0 && r.Wave >= 0 && p >= point(r.Wave)) }
	add := func(key, id string, s *side) {
		if res := s.resources[id]; res != nil {
			st.insts[key] = &inst{key: key, id: id, res: res, side: s}
		}
	}
	ids := map[string]bool{}
	for id := range m.old.resources {
		ids[id] = true
	}
	for id := range m.new.resources {
		ids[id] = true
	}
	for _, id := range sortedSet(ids) {
		r := m.res[id]
		switch {
		case r == nil:
			add(id, id, m.new)
		case r.Action == Modify:
			if !r.updated() || applied(r) {
				add(id, id, m.new)
			} else {
				add(id, id, m.old)
			}
		case r.Action == Add:
			if applied(r) {
				add(id, id, m.new)
			}
		case r.Action == Replace:
			if p < w {
				add(id+"#old", id, m.old)
			}
			if applied(r) {
				add(id+"#new", id, m.new)
			}
		case r.Action == Remove:
			if p < w {
				add(id, id, m.old)
			}
		}
	}
	for _, k := range sortedKeys(st.insts) {
		in := st.insts[k]
		st.byTyp[in.res.Type] = append(st.byTyp[in.res.Type], in)
	}
	return st
}

// before is the state before the update (built once).
func (m *model) before() *state {
	if m.beforeState == nil {
		m.beforeState = m.stateAt(-1)
	}
	return m.beforeState
}

// target is the instance key a reference from in's configuration names:
// the copy of a replaced resource of the same template.
func (m *model) target(in *inst, id string) string {
	if r := m.res[id]; r != nil && r.Action == Replace {
		if in.side == m.old {
			return id + "#old"
		}
		return id + "#new"
	}
	return id
}

// refAt is the instance key the property prop of in references.
func (st *state) refAt(in *inst, prop string) string {
	if t := in.side.refTarget(in.res, prop); t != "" {
		return st.m.target(in, t)
	}
	return ""
}

// refsUnder lists the instance keys in's references under a property path
// prefix name, with their path.
func (st *state) refsUnder(in *inst, prefix string) []ref {
	var out []ref
	for _, rf := range in.res.Refs {
		if rf.Path == prefix || strings.HasPrefix(rf.Path, prefix+".") || strings.HasPrefix(rf.Path, prefix+"[") {
			out = append(out, ref{Target: st.m.target(in, rf.Target), Attr: rf.Attr, Path: rf.Path})
		}
	}
	return out
}

// route is a host-header entry point: a host name and the rule's path
// patterns.
type route struct {
	entry, host string
	paths       []string
}

func (r route) name() string {
	if len(r.paths) == 0 {
		return r.host
	}
	return r.host + strings.Join(r.paths, ",")
}

// request is a representative request for the route: its host, and a
// path its first pattern matches.
func (r route) request() (host, p string) {
	host = r.host
	if host == "*" {
		host = "any-host.invalid"
	}
	p = "/"
	if len(r.paths) > 0 {
		p = strings.NewReplacer("*", "x", "?", "x").Replace(r.paths[0])
	}
	return strings.ToLower(host), p
}

// conditionValues is a rule condition's values for a field ("host-header",
// "path-pattern"), from Values or the field's Config.
func conditionValues(c map[string]any, field string) ([]string, bool) {
	f, _ := c["Field"].(string)
	if f != field {
		return nil, false
	}
	var vals []any
	if v, ok := c["Values"].([]any); ok {
		vals = append(vals, v...)
	}
	cfg := map[string]string{"host-header": "HostHeaderConfig", "path-pattern": "PathPatternConfig"}[field]
	if hc, ok := c[cfg].(map[string]any); ok {
		if v, ok := hc["Values"].([]any); ok {
			vals = append(vals, v...)
		}
	}
	var out []string
	for _, v := range vals {
		out = append(out, display(v))
	}
	return out, true
}

func ruleConditions(r *resolved) []map[string]any {
	l, _ := r.Props["Conditions"].([]any)
	var out []map[string]any
	for _, c := range l {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// routesOf lists the host-header routes of a side's listener rules.
func routesOf(s *side, seen map[string]bool, out *[]route) {
	for _, id := range sortedKeys(s.resources) {
		r := s.resources[id]
		if r.Type != typeListenerRule {
			continue
		}
		var hosts, paths []string
		hasHost := false
		for _, c := range ruleConditions(r) {
			if v, ok := conditionValues(c, "host-header"); ok {
				hosts, hasHost = append(hosts, v...), true
			}
			if v, ok := conditionValues(c, "path-pattern"); ok {
				paths = append(paths, v...)
			}
		}
		if !hasHost {
			if len(paths) == 0 {
				continue // no user-facing name of its own
			}
			hosts = []string{"*"}
		}
		for _, h := range hosts {
			rt := route{entry: id, host: h, paths: paths}
			if seen[rt.name()] {
				continue
			}
			seen[rt.name()] = true
			*out = append(*out, rt)
		}
	}
}

// globMatch matches an ALB condition pattern (* and ?), case-insensitively
// for hosts.
func globMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// path.Match treats / specially; ALB patterns do not.
	pattern = strings.NewReplacer("[", `\[`, "]", `\]`, `\`, `\\`).Replace(pattern)
	s = strings.ReplaceAll(s, "/", "\x00")
	pattern = strings.ReplaceAll(pattern, "/", "\x00")
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// matches reports whether every condition of a rule matches the request.
// A condition on another field (headers, query, source IP, method) is taken
// as not matching a plain browser request.
func matches(r *resolved, host, p string) bool {
	conds := ruleConditions(r)
	if len(conds) == 0 {
		return false
	}
	for _, c := range conds {
		if v, ok := conditionValues(c, "host-header"); ok {
			if !slices.ContainsFunc(v, func(x string) bool { return globMatch(x, host, true) }) {
				return false
			}
			continue
		}
		if v, ok := conditionValues(c, "path-pattern"); ok {
			if !slices.ContainsFunc(v, func(x string) bool { return globMatch(x, p, false) }) {
				return false
			}
			continue
		}
		return false
	}
	return true
}

// priority is a listener rule's Priority (a large number when unknown).
func priority(r *resolved) int {
	s, ok := template.ScalarString(r.Props["Priority"])
	if !ok {
		return 1 << 30
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 1 << 30
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// scheme is a load balancer's scheme ("internet-facing" when unset or
// unresolved: it is the ELBv2 default).
func scheme(r *resolved) string {
	if s, ok := r.Props["Scheme"].(string); ok {
		return s
	}
	return "internet-facing"
}

// served says whether the route is served through the load balancer lb
// for network at the state's point, and if not why.
func (st *state) servedRoute(rt route, lb, network string) (bool, string) {
	l := st.insts[lb]
	if l == nil {
		return false, fmt.Sprintf("DNS names %s, which does not exist at this point", keyName(lb))
	}
	if network == NetworkInternet && scheme(l.res) == "internal" {
		return false, keyName(lb) + " is internal: not reachable from the internet"
	}
	host, p := rt.request()
	var why string
	listeners := slices.Clone(st.byTyp[typeListener])
	sort.SliceStable(listeners, func(i, j int) bool {
		pi, _ := listeners[i].res.Props["Protocol"].(string)
		pj, _ := listeners[j].res.Props["Protocol"].(string)
		return pi == "HTTPS" && pj != "HTTPS"
	})
	for _, li := range listeners {
		if st.refAt(li, "LoadBalancerArn") != lb {
			continue
		}
		ok, w := st.servedListener(li, rt, host, p)
		if ok {
			return true, ""
		}
		if why == "" {
			why = w
		}
	}
	if why == "" {
		why = keyName(lb) + " has no listener at this point"
	}
	return false, why
}

// servedListener follows the listener's highest-priority matching rule
// (or its default action) to its target groups.
func (st *state) servedListener(li *inst, rt route, host, p string) (bool, string) {
	var best *inst
	for _, ri := range st.byTyp[typeListenerRule] {
		if st.refAt(ri, "ListenerArn") != li.key || !matches(ri.res, host, p) {
			continue
		}
		if best == nil || priority(ri.res) < priority(best.res) {
			best = ri
		}
	}
	via, prop := li, "DefaultActions"
	if best != nil {
		via, prop = best, "Actions"
	}
	if best == nil && !hasForward(li.res, prop) {
		return false, fmt.Sprintf("no rule of %s routes %s: its default action answers", keyName(li.key), rt.name())
	}
	var tgs []string
	for _, rf := range st.refsUnder(via, prop) {
		if t := st.m.typeOf(rf.Target); t == typeTargetGroup && !slices.Contains(tgs, rf.Target) {
			tgs = append(tgs, rf.Target)
		}
	}
	if len(tgs) == 0 {
		return false, fmt.Sprintf("%s does not forward %s to a target group", keyName(via.key), rt.name())
	}
	var why string
	for _, tg := range tgs {
		if ok, w := st.hasTargets(tg); ok {
			return true, ""
		} else if why == "" {
			why = fmt.Sprintf("%s forwards to %s, %s", keyName(via.key), keyName(tg), w)
		}
	}
	return false, why
}

func hasForward(r *resolved, prop string) bool {
	l, _ := r.Props[prop].([]any)
	for _, a := range l {
		if m, ok := a.(map[string]any); ok && m["Type"] == "forward" {
			return true
		}
	}
	return false
}

// typeOf is the type of an instance key's resource.
func (m *model) typeOf(key string) string {
	id := strings.TrimSuffix(strings.TrimSuffix(key, "#old"), "#new")
	if r := m.new.resources[id]; r != nil {
		return r.Type
	}
	if r := m.old.resources[id]; r != nil {
		return r.Type
	}
	return ""
}

// registered lists the services registered with a target group at the
// state's point.
func (st *state) registered(tg string) []*inst {
	var out []*inst
	for _, si := range st.byTyp[typeECSService] {
		for _, rf := range st.refsUnder(si, "LoadBalancers") {
			if rf.Target == tg && strings.HasSuffix(rf.Path, "TargetGroupArn") {
				out = append(out, si)
				break
			}
		}
	}
	return out
}

// hasTargets reports whether some service is registered with the target
// group; if not, the rest of the reason.
func (st *state) hasTargets(tg string) (bool, string) {
	if st.insts[tg] == nil {
		return false, "which does not exist at this point"
	}
	if len(st.registered(tg)) > 0 {
		return true, ""
	}
	// Name the services that were registered with it before the update.
	var moved []string
	for _, si := range st.m.before().registered(tg) {
		r := st.m.res[si.id]
		switch {
		case r != nil && r.Action == Remove:
			moved = append(moved, si.id+" (removed)")
		case r != nil && r.Wave >= 0:
			moved = append(moved, fmt.Sprintf("%s (deregistered in wave %d: ECS starts the new tasks, then stops the old ones)", si.id, r.Wave))
		default:
			moved = append(moved, si.id)
		}
	}
	if len(moved) == 0 {
		return false, "which has no registered targets"
	}
	return false, "which has no registered targets: its service moved away, " + joinComma(moved)
}

// noDeployPaths are ECS service properties whose change starts no new
// deployment (no task is replaced).
var noDeployPaths = []string{"DesiredCount", "Tags", "PropagateTags", "DeploymentConfiguration", "HealthCheckGracePeriodSeconds", "DependsOn"}

// replacesTasks reports whether the update of service id replaces its
// tasks, and whether none of them stays up while it does (the service's
// own DeploymentConfiguration: desiredCount * minimumHealthyPercent / 100
// rounded up is 0).
func (st *state) inherentGap(si *inst) (bool, string) {
	r := st.m.res[si.id]
	if r == nil || !r.updated() || r.Action == Remove || point(r.Wave) != st.p {
		return false, ""
	}
	deploys := r.Action != Modify
	for _, c := range r.Changes {
		if !slices.Contains(noDeployPaths, topKey(c.Path)) {
			deploys = true
		}
	}
	if !deploys {
		return false, ""
	}
	minHealthy, desired := 100, 1
	if dc, ok := si.res.Props["DeploymentConfiguration"].(map[string]any); ok {
		if v, ok := template.ScalarString(dc["MinimumHealthyPercent"]); ok {
			fmt.Sscan(v, &minHealthy)
		}
	}
	if v, ok := template.ScalarString(si.res.Props["DesiredCount"]); ok {
		fmt.Sscan(v, &desired)
	}
	if (desired*minHealthy+99)/100 > 0 {
		return false, ""
	}
	return true, fmt.Sprintf("%s replaces its tasks in this wave with MinimumHealthyPercent %d: the old task stops before the new one serves (its own DeploymentConfiguration; every deployment of it does this)", si.id, minHealthy)
}

// routeInherent is the inherent gap of a served route: every service
// behind the target groups that serve it replaces its tasks with none kept.
func (st *state) routeInherent(rt route, lb string) (bool, string) {
	host, p := rt.request()
	for _, li := range st.byTyp[typeListener] {
		if st.refAt(li, "LoadBalancerArn") != lb {
			continue
		}
		var best *inst
		for _, ri := range st.byTyp[typeListenerRule] {
			if st.refAt(ri, "ListenerArn") == li.key && matches(ri.res, host, p) && (best == nil || priority(ri.res) < priority(best.res)) {
				best = ri
			}
		}
		via, prop := li, "DefaultActions"
		if best != nil {
			via, prop = best, "Actions"
		}
		var services []*inst
		for _, rf := range st.refsUnder(via, prop) {
			if st.m.typeOf(rf.Target) == typeTargetGroup {
				services = append(services, st.registered(rf.Target)...)
			}
		}
		if len(services) == 0 {
			continue
		}
		var why string
		for _, si := range services {
			gap, w := st.inherentGap(si)
			if !gap {
				return false, ""
			}
			why = w
		}
		return true, why
	}
	return false, ""
}

// apiEntry is an environment variable of a task definition's container
// that carries a REST API's URL (the catalog hands it to browsers).
type apiEntry struct {
	taskDef, container, env string
}

func (a apiEntry) name() string { return a.env + " (" + a.taskDef + "/" + a.container + ")" }

// apiEntries lists the environment variables whose value references a
// REST API, in either template.
func (m *model) apiEntries() []apiEntry {
	seen := map[apiEntry]bool{}
	var out []apiEntry
	for _, s := range []*side{m.old, m.new} {
		for _, id := range sortedKeys(s.resources) {
			r := s.resources[id]
			if r.Type != typeTaskDefinition {
				continue
			}
			eachEnv(r, func(container, name string, value any) {
				if s.refsType(value, typeRestAPI) == "" {
					return
				}
				e := apiEntry{id, container, name}
				if !seen[e] {
					seen[e] = true
					out = append(out, e)
				}
			})
		}
	}
	return out
}

// eachEnv calls f for every container environment variable of a task
// definition.
func eachEnv(r *resolved, f func(container, name string, value any)) {
	cds, _ := r.Props["ContainerDefinitions"].([]any)
	for _, cd := range cds {
		c, _ := cd.(map[string]any)
		cname, _ := c["Name"].(string)
		envs, _ := c["Environment"].([]any)
		for _, e := range envs {
			em, _ := e.(map[string]any)
			n, _ := em["Name"].(string)
			if n != "" {
				f(cname, n, em["Value"])
			}
		}
	}
}

// refsType is the first resource of the given type a value references.
func (s *side) refsType(v any, typ string) string {
	var rs []ref
	s.ev.refs(v, "", &rs)
	sortRefs(rs)
	for _, rf := range rs {
		if r := s.resources[rf.Target]; r != nil && r.Type == typ {
			return rf.Target
		}
	}
	return ""
}

// apiURL is the entry's value in a task definition instance, and the REST
// API instance it names.
func (st *state) apiURL(td *inst, e apiEntry) (url any, api string) {
	eachEnv(td.res, func(container, name string, value any) {
		if container == e.container && name == e.env && url == nil {
			url = value
			if id := td.side.refsType(value, typeRestAPI); id != "" {
				api = st.m.target(td, id)
			}
		}
	})
	return url, api
}

// servedAPI says whether the API URL the catalog's tasks hand out at the
// state's point is served for network.
func (st *state) servedAPI(e apiEntry, network string) (bool, string) {
	// The running tasks are those of the services using the task
	// definition (a replaced one: the copy each service names now).
	var td *inst
	var user string
	for _, si := range st.byTyp[typeECSService] {
		k := st.refAt(si, "TaskDefinition")
		if strings.TrimSuffix(strings.TrimSuffix(k, "#old"), "#new") == e.taskDef && st.insts[k] != nil {
			td, user = st.insts[k], si.id
			break
		}
	}
	if td == nil {
		for _, k := range []string{e.taskDef, e.taskDef + "#new", e.taskDef + "#old"} {
			if st.insts[k] != nil {
				td = st.insts[k]
				break
			}
		}
	}
	if td == nil {
		return false, e.taskDef + " does not exist at this point"
	}
	_, api := st.apiURL(td, e)
	if api == "" {
		return false, fmt.Sprintf("%s's %s names no REST API at this point", keyName(td.key), e.env)
	}
	who := keyName(td.key)
	if user != "" {
		who = user + "'s tasks (" + keyName(td.key) + ")"
	}
	a := st.insts[api]
	if a == nil {
		return false, fmt.Sprintf("%s call %s, which does not exist at this point", who, keyName(api))
	}
	if network == NetworkInternet && endpointType(a.res) == "PRIVATE" {
		return false, keyName(api) + " is PRIVATE: reachable only from the VPC (its vpce alias resolves to private addresses)"
	}
	for _, si := range st.byTyp[typeStage] {
		if st.refAt(si, "RestApiId") == api {
			return true, ""
		}
	}
	return false, fmt.Sprintf("%s call %s, which has no stage at this point", who, keyName(api))
}

// endpointType is a REST API's first endpoint type (EDGE when unset).
func endpointType(r *resolved) string {
	if ec, ok := r.Props["EndpointConfiguration"].(map[string]any); ok {
		if l, ok := ec["Types"].([]any); ok && len(l) > 0 {
			if s, ok := l[0].(string); ok {
				return strings.ToUpper(s)
			}
		}
	}
	return "EDGE"
}

// dnsTarget is the load balancer instance the host names resolve to during
// the update: with moved, the internal load balancer of the new template;
// otherwise the one the deployed template's outputs name (GetAtt X.DNSName,
// an internet-facing one first), else the deployed template's
// internet-facing load balancer, else the new template's.
func (m *model) dnsTarget(moved bool) string {
	pick := func(s *side, ids []string) string {
		sort.SliceStable(ids, func(i, j int) bool {
			return scheme(s.resources[ids[i]]) != "internal" && scheme(s.resources[ids[j]]) == "internal"
		})
		if len(ids) == 0 {
			return ""
		}
		probe := &inst{side: s}
		return m.target(probe, ids[0])
	}
	lbs := func(s *side, want string) []string {
		var out []string
		for _, id := range sortedKeys(s.resources) {
			if r := s.resources[id]; r.Type == typeLoadBalancer && (want == "" || scheme(r) == want) {
				out = append(out, id)
			}
		}
		return out
	}
	if moved {
		if k := pick(m.new, lbs(m.new, "internal")); k != "" {
			return k
		}
	}
	var named []string
	for _, name := range sortedKeys(m.old.outputs) {
		for _, rf := range m.old.outputs[name].Refs {
			if r := m.old.resources[rf.Target]; r != nil && r.Type == typeLoadBalancer && rf.Attr == "DNSName" && !slices.Contains(named, rf.Target) {
				named = append(named, rf.Target)
			}
		}
	}
	if k := pick(m.old, named); k != "" {
		return k
	}
	if k := pick(m.old, lbs(m.old, "")); k != "" {
		return k
	}
	return pick(m.new, lbs(m.new, ""))
}

// availability computes the availability of every entry point.
func (m *model) availability() Availability {
	av := Availability{Entries: []EntryAvailability{}}
	var routes []route
	seen := map[string]bool{}
	routesOf(m.old, seen, &routes)
	routesOf(m.new, seen, &routes)
	apis := m.apiEntries()
	if len(routes) == 0 && len(apis) == 0 {
		return av
	}
	lb := m.dnsTarget(m.in.DNSMoved)
	if lb != "" {
		av.DNS = keyName(lb)
	}
	w := point(len(m.waves))
	states := make([]*state, 0, w+3)
	states = append(states, m.before())
	for p := point(0); p <= w+1; p++ {
		states = append(states, m.stateAt(p))
	}
	type check func(st *state, network string) (served bool, why string, inherent bool)
	entry := func(name, host string, f check) {
		for _, network := range []string{NetworkPrivate, NetworkInternet} {
			ea := EntryAvailability{Entry: name, Host: host, Network: network, Lost: []Gap{}}
			if ok, _, _ := f(states[0], network); ok {
				var cur *Gap
				for _, st := range states[1:] {
					ok, why, inherent := f(st, network)
					if ok && !inherent {
						cur = nil
						continue
					}
					at := m.pointName(st.p)
					if cur != nil && cur.Why == why && cur.Inherent == inherent {
						cur.Until = at
						continue
					}
					ea.Lost = append(ea.Lost, Gap{From: at, Until: at, Why: why, Inherent: inherent})
					cur = &ea.Lost[len(ea.Lost)-1]
				}
			}
			for _, g := range ea.Lost {
				if network == NetworkPrivate && !g.Inherent {
					av.PrivateNetworkDowntime = true
				}
			}
			av.Entries = append(av.Entries, ea)
		}
	}
	for _, rt := range routes {
		entry(rt.entry, rt.name(), func(st *state, network string) (bool, string, bool) {
			if lb == "" {
				return false, "no load balancer", false
			}
			ok, why := st.servedRoute(rt, lb, network)
			if !ok {
				return false, why, false
			}
			if gap, why := st.routeInherent(rt, lb); gap {
				return true, why, true
			}
			return true, "", false
		})
	}
	for _, e := range apis {
		host := ""
		for _, s := range []*side{m.new, m.old} {
			if r := s.resources[e.taskDef]; r != nil && host == "" {
				eachEnv(r, func(c, n string, v any) {
					if c == e.container && n == e.env {
						host = display(v)
					}
				})
			}
		}
		entry(e.name(), host, func(st *state, network string) (bool, string, bool) {
			ok, why := st.servedAPI(e, network)
			return ok, why, false
		})
	}
	return av
}

// display is a resolved value as a string: itself, the text of a Fn::Sub
// that stays symbolic (its ${...} names what is known only at deploy
// time), a Ref as ${Name}, a Fn::Join of such parts, a Fn::Select of a
// Fn::Split as {Name part i}; else its JSON.
func display(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if r, ok := t["Ref"].(string); ok && len(t) == 1 {
			return "${" + r + "}"
		}
		if l, ok := t["Fn::Sub"].([]any); ok && len(l) == 2 {
			if s, ok := l[0].(string); ok {
				return s
			}
		}
		if s, ok := t["Fn::Sub"].(string); ok {
			return s
		}
		if l, ok := t["Fn::Join"].([]any); ok && len(l) == 2 {
			sep, _ := l[0].(string)
			parts, ok := l[1].([]any)
			if ok {
				var out []string
				for _, p := range parts {
					out = append(out, display(p))
				}
				return strings.Join(out, sep)
			}
		}
		if l, ok := t["Fn::Select"].([]any); ok && len(l) == 2 {
			if sp, ok := l[1].(map[string]any); ok {
				if sl, ok := sp["Fn::Split"].([]any); ok && len(sl) == 2 {
					inner := strings.Trim(display(sl[1]), "${}")
					return "{" + inner + " part " + scalarString(l[0]) + "}"
				}
			}
		}
	}
	return exportName(v)
}
