package transform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passFunctions puts every Lambda function into the VPC: VpcConfig with the
// private subnets and the security groups. An existing VpcConfig is kept;
// Lambda@Edge functions and excluded ones stay out.
func passFunctions(st *state) error {
	edge := edgeFunctions(st)
	serverless := st.ofType("AWS::Serverless::Function")
	globalsCover := false
	if g, ok := template.Section(st.doc, "Globals")["Function"].(map[string]any); ok && !isIntrinsicObject(g) && len(serverless) > 0 {
		cur := g["VpcConfig"]
		// Globals apply to every SAM function: complete them only when none
		// is left out; otherwise each function gets its own VpcConfig.
		all := allIncluded(st, serverless, edge)
		w := &vpcRewrite{st: st, id: "Globals.Function", dry: !all}
		nv, changed, err := w.config(cur, 0)
		switch {
		case err != nil:
			return err
		case !changed:
			globalsCover = true
		case all:
			fn := st.section("Globals")["Function"].(map[string]any)
			fn["VpcConfig"] = nv
			st.change("functions", "Globals.Function", "%s", w.detail(cur))
			globalsCover = true
			for _, id := range serverless {
				if noSubnets(st.props(id)["VpcConfig"]) {
					resMoved.of(st).Add(id)
				}
			}
		}
	}
	for _, id := range st.excludedOf("AWS::Lambda::Function", "AWS::Serverless::Function") {
		if _, ok := edge[id]; !ok {
			st.warn(tfExcludedFunction, id, "excluded by the Exclude setting; the function stays outside the VPC")
		}
	}
	for _, id := range st.ofType("AWS::Lambda::Function", "AWS::Serverless::Function") {
		if dist, ok := edge[id]; ok {
			st.warn(tfEdgeFunction, id, "used as Lambda@Edge by %s; Lambda@Edge functions cannot run in a VPC, so it stays outside", dist)
		}
	}
	for _, id := range st.of("AWS::Lambda::Function", "AWS::Serverless::Function") {
		isSAM := st.typeOf(id) == "AWS::Serverless::Function"
		if edge[id] != "" {
			continue
		}
		cur := st.props(id)["VpcConfig"]
		if isSAM && globalsCover && noSubnets(cur) {
			continue
		}
		w := &vpcRewrite{st: st, id: id}
		nv, changed, err := w.config(cur, 0)
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		st.editProps(id)["VpcConfig"] = nv
		st.change("functions", id, "%s", w.detail(cur))
		resMoved.of(st).Add(id)
		resRewritten.of(st).Add(id)
	}
	return nil
}

// maxVpcBranches bounds the Fn::If branches one VpcConfig is split into.
const maxVpcBranches = 64

// vpcRewrite puts one function's VpcConfig into the VPC in every branch of
// its Fn::If conditions: a branch without subnets (absent, AWS::NoValue, an
// empty list, a list of AWS::NoValue only) gets the private subnets and
// keeps its other settings; a branch with subnets is kept as it is. An
// Fn::If inside SubnetIds that may leave it empty is lifted to the whole
// VpcConfig so that each branch can be completed on its own.
type vpcRewrite struct {
	st       *state
	id       string
	conds    []string // conditions whose branches were completed
	kept     []string // settings of the user's VpcConfig kept in a completed branch
	joined   bool     // the macro's security groups were added to the user's
	branches int
	// dry only tells whether a change is needed: it records nothing (no
	// parameter, security group, warning) and returns no usable value.
	dry bool
}

// subnetsPresence is what a SubnetIds value is known to hold.
type subnetsPresence int

const (
	subnetsSet   subnetsPresence = iota // at least one subnet, or a value the macro cannot see into
	subnetsEmpty                        // no subnet at all
	subnetsSplit                        // depends on an Fn::If: split on it
)

func (w *vpcRewrite) fail(format string, args ...any) error {
	return &Error{Resource: w.id, Message: fmt.Sprintf(format, args...),
		Remedy: "write VpcConfig as an object {SubnetIds: [...], SecurityGroupIds: [...]} or an Fn::If of such objects (AWS::NoValue for none), " +
			"or remove it so the macro adds one, or list the function in the Exclude setting to leave it alone"}
}

// config returns v rewritten and whether it changed.
func (w *vpcRewrite) config(v any, depth int) (any, bool, error) {
	if w.branches++; w.branches > maxVpcBranches || depth > maxVpcBranches {
		return nil, false, w.fail("VpcConfig has more than %d condition branches, more than the macro follows", maxVpcBranches)
	}
	if isAbsent(v) {
		if w.dry {
			return nil, true, nil
		}
		return vpcConfig(w.st), true, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false, w.fail("VpcConfig is a %s, not an object", template.KindOf(v))
	}
	if name, _, isIntr := template.Intrinsic(m); isIntr {
		if name != "Fn::If" {
			return nil, false, w.fail("VpcConfig is built by %s, which the macro cannot read (only an object or an Fn::If of objects)", name)
		}
		cond, yes, no, ok := ifBranches(m)
		if !ok || cond == "" {
			return nil, false, w.fail("VpcConfig's Fn::If is not [condition name, value if true, value if false]")
		}
		return w.splitIf(v, cond, yes, no, depth)
	}
	sn := m["SubnetIds"]
	presence, cond, yes, no, err := w.subnets(sn)
	if err != nil {
		return nil, false, err
	}
	switch presence {
	case subnetsEmpty:
		return w.fill(m), true, nil
	case subnetsSplit:
		a, b := shallow(m), shallow(m)
		a["SubnetIds"], b["SubnetIds"] = yes, no
		return w.splitIf(v, cond, a, b, depth)
	}
	return v, false, nil
}

// splitIf rewrites both branches of an Fn::If on cond; v is returned
// unchanged when neither branch changes.
func (w *vpcRewrite) splitIf(v any, cond string, yes, no any, depth int) (any, bool, error) {
	y, ych, err := w.config(yes, depth+1)
	if err != nil {
		return nil, false, err
	}
	n, nch, err := w.config(no, depth+1)
	if err != nil {
		return nil, false, err
	}
	if !ych && !nch {
		return v, false, nil
	}
	w.conds = append(w.conds, cond)
	return map[string]any{"Fn::If": []any{cond, y, n}}, true, nil
}

// subnets classifies a SubnetIds value; for subnetsSplit it returns the
// condition and the SubnetIds value of each of its branches.
func (w *vpcRewrite) subnets(sn any) (p subnetsPresence, cond string, yes, no any, err error) {
	if sn == nil || template.IsNoValue(sn) {
		return subnetsEmpty, "", nil, nil, nil
	}
	switch t := sn.(type) {
	case []any:
		split := -1
		for i, e := range t {
			if e == nil || template.IsNoValue(e) {
				continue
			}
			if _, _, _, isIf := ifBranches(e); isIf {
				if split < 0 {
					split = i
				}
				continue
			}
			return subnetsSet, "", nil, nil, nil
		}
		if split < 0 {
			return subnetsEmpty, "", nil, nil, nil
		}
		c, y, n, _ := ifBranches(t[split])
		if c == "" {
			return 0, "", nil, nil, w.fail("an Fn::If in VpcConfig.SubnetIds is not [condition name, value if true, value if false]")
		}
		a, b := append([]any(nil), t...), append([]any(nil), t...)
		a[split], b[split] = y, n
		return subnetsSplit, c, a, b, nil
	case map[string]any:
		name, _, isIntr := template.Intrinsic(t)
		if !isIntr {
			return 0, "", nil, nil, w.fail("VpcConfig.SubnetIds is an object, not a list of subnet ids")
		}
		if name != "Fn::If" {
			return subnetsSet, "", nil, nil, nil // a parameter, an import, a split string: the user's subnets
		}
		c, y, n, ok := ifBranches(t)
		if !ok || c == "" {
			return 0, "", nil, nil, w.fail("VpcConfig.SubnetIds's Fn::If is not [condition name, value if true, value if false]")
		}
		return subnetsSplit, c, y, n, nil
	}
	return 0, "", nil, nil, w.fail("VpcConfig.SubnetIds is %s, not a list of subnet ids", template.AKindOf(sn))
}

// fill completes a VpcConfig object without subnets: the private subnets,
// the user's security groups plus the macro's, and every other setting
// (Ipv6AllowedForDualStack, ...) kept.
func (w *vpcRewrite) fill(m map[string]any) map[string]any {
	if w.dry {
		return nil
	}
	out := shallow(m)
	out["SubnetIds"] = w.st.subnets()
	for k := range m {
		if k != "SubnetIds" && k != "SecurityGroupIds" {
			w.kept = append(w.kept, k)
		}
	}
	cur := m["SecurityGroupIds"]
	var user []any
	switch t := cur.(type) {
	case []any:
		for _, e := range t {
			if e != nil && !template.IsNoValue(e) {
				user = append(user, e)
			}
		}
	default:
		if !isAbsent(cur) {
			// A parameter or an Fn::If: the user's groups, which the macro
			// cannot extend.
			w.kept = append(w.kept, "SecurityGroupIds")
			return out
		}
	}
	if len(user) == 0 {
		out["SecurityGroupIds"] = w.st.securityGroups()
		return out
	}
	w.kept = append(w.kept, "SecurityGroupIds")
	groups := append([]any(nil), user...)
	for _, g := range w.st.securityGroups() {
		if !containsValue(groups, g) {
			groups = append(groups, g)
		}
	}
	if len(groups) > maxLambdaSecurityGroups {
		w.st.warn(tfSecurityGroupLimit, w.id, "VpcConfig has %d security groups, so the macro's (%s) would exceed Lambda's %d; kept only the function's own, so make sure they allow egress on TCP 443 and DNS",
			len(user), describeGroups(w.st.set), maxLambdaSecurityGroups)
		groups = user
	}
	w.joined = w.joined || len(groups) > len(user)
	out["SecurityGroupIds"] = groups
	return out
}

// maxLambdaSecurityGroups is Lambda's limit of security groups per function.
const maxLambdaSecurityGroups = 5

func describeGroups(s Settings) string {
	if len(s.SecurityGroupIds) == 0 {
		return SecurityGroupLogicalID
	}
	return "the " + SetSecurityGroupIds + " setting"
}

// detail is the change line for a rewritten VpcConfig (cur is the old one).
func (w *vpcRewrite) detail(cur any) string {
	if isAbsent(cur) {
		return "added VpcConfig (private subnets, security groups)"
	}
	var b strings.Builder
	if len(w.conds) > 0 {
		conds := sortedUnique(w.conds)
		label := "condition "
		if len(conds) > 1 {
			label = "conditions "
		}
		b.WriteString("put into the VPC in every branch of VpcConfig (" + label + strings.Join(conds, ", ") + "): ")
	}
	b.WriteString("gave VpcConfig without subnets the private subnets")
	if kept := sortedUnique(w.kept); len(kept) > 0 {
		b.WriteString(", kept its " + strings.Join(kept, ", "))
		if w.joined {
			b.WriteString(" and added the macro's security groups to them")
		}
	} else {
		b.WriteString(" and security groups")
	}
	return b.String()
}

func sortedUnique(l []string) []string {
	out := append([]string(nil), l...)
	sort.Strings(out)
	n := 0
	for i, s := range out {
		if i == 0 || s != out[n-1] {
			out[n] = s
			n++
		}
	}
	return out[:n]
}

func allIncluded(st *state, ids []string, edge map[string]string) bool {
	for _, id := range ids {
		if st.excluded[id] || edge[id] != "" {
			return false
		}
	}
	return true
}

func vpcConfig(st *state) map[string]any {
	return map[string]any{"SubnetIds": st.subnets(), "SecurityGroupIds": st.securityGroups()}
}

// edgeFunctions maps each function used as Lambda@Edge (through a CloudFront
// distribution's LambdaFunctionAssociations, directly or via a Version or
// Alias) to the distribution that uses it.
func edgeFunctions(st *state) map[string]string {
	out := map[string]string{}
	for _, dist := range st.ofType("AWS::CloudFront::Distribution") {
		var arns []any
		collectKey(st.props(dist), "LambdaFunctionARN", &arns)
		for _, arn := range arns {
			ids := template.ReferencedIDs(arn)
			sort.Strings(ids)
			for _, id := range ids {
				for _, fn := range functionsBehind(st, id, 0) {
					if _, seen := out[fn]; !seen {
						out[fn] = dist
					}
				}
			}
		}
	}
	return out
}

// functionsBehind resolves a Version or Alias to the function(s) it names.
func functionsBehind(st *state, id string, depth int) []string {
	if depth > 4 {
		return nil
	}
	switch st.typeOf(id) {
	case "AWS::Lambda::Function", "AWS::Serverless::Function":
		return []string{id}
	case "AWS::Lambda::Version", "AWS::Lambda::Alias":
		var out []string
		for _, ref := range template.ReferencedIDs(st.props(id)["FunctionName"]) {
			out = append(out, functionsBehind(st, ref, depth+1)...)
		}
		for _, ref := range template.ReferencedIDs(st.props(id)["FunctionVersion"]) {
			out = append(out, functionsBehind(st, ref, depth+1)...)
		}
		return out
	}
	// SAM: ${Fn.Version} or Fn.Alias refers to the function itself.
	if base, _, ok := strings.Cut(id, "."); ok {
		return functionsBehind(st, base, depth+1)
	}
	return nil
}

// collectKey appends every value stored under key anywhere below v.
func collectKey(v any, key string, out *[]any) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range template.SortedKeys(t) {
			if k == key {
				*out = append(*out, t[k])
				continue
			}
			collectKey(t[k], key, out)
		}
	case []any:
		for _, e := range t {
			collectKey(e, key, out)
		}
	}
}

func isIntrinsicObject(v any) bool {
	_, ok := intrinsicObject(v)
	return ok
}
