package transform

import (
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
	if g, ok := template.Section(st.doc, "Globals")["Function"].(map[string]any); ok && !isIntrinsicObject(g) {
		if !noSubnets(g["VpcConfig"]) {
			globalsCover = true
		} else if len(serverless) > 0 && allIncluded(st, serverless, edge) {
			globals := st.section("Globals")
			fn := globals["Function"].(map[string]any)
			fn["VpcConfig"] = vpcConfig(st)
			st.change("functions", "Globals.Function", "added VpcConfig (private subnets, security groups)")
			globalsCover = true
			for _, id := range serverless {
				if noSubnets(st.props(id)["VpcConfig"]) {
					st.moved[id] = true
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
		if !noSubnets(cur) {
			if cond, yes, no, ok := ifBranches(cur); ok && (noSubnets(yes) || noSubnets(no)) {
				st.warn(tfConditionalVPC, id, "VpcConfig depends on condition %s; kept as is, so the function is in the VPC only when the condition selects a VpcConfig", cond)
			}
			continue
		}
		if isSAM && globalsCover {
			continue
		}
		st.editProps(id)["VpcConfig"] = vpcConfig(st)
		if isAbsent(cur) {
			st.change("functions", id, "added VpcConfig (private subnets, security groups)")
		} else {
			st.change("functions", id, "replaced VpcConfig without subnets (private subnets, security groups)")
		}
		st.moved[id] = true
		st.rewritten[id] = true
	}
	return nil
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
			ids := referenced(arn)
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
		for _, ref := range referenced(st.props(id)["FunctionName"]) {
			out = append(out, functionsBehind(st, ref, depth+1)...)
		}
		for _, ref := range referenced(st.props(id)["FunctionVersion"]) {
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
