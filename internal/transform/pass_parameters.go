package transform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

const interfaceKey = "AWS::CloudFormation::Interface"

// parameterGroupLabel is the label of the Interface group the macro adds.
const parameterGroupLabel = "Private endpoints"

// passParameters declares each network or endpoint parameter that the
// rewrite uses and the template lacks, sets Defaults from value settings,
// and checks the endpoint id.
func passParameters(st *state) error {
	params := template.Section(st.doc, "Parameters")
	s := st.set
	str := cloudformation.String
	epDecl := cloudformation.Parameter{
		Type:                  "String",
		AllowedPattern:        str(awsid.Pattern("vpce")),
		ConstraintDescription: str("must be a VPC endpoint id, vpce- followed by 8 or 17 lowercase hex characters"),
		Description:           str("Id of the execute-api interface VPC endpoint that may call the private REST APIs (vpce-...). Added by the QuiltPrivateEndpoints macro."),
	}
	var epValue any
	if s.EndpointID != "" {
		epValue = s.EndpointID
	}
	if s.PreflightMode == ModeCreate {
		epDecl.AllowedPattern = str(endpointPatternOptional)
		epDecl.ConstraintDescription = str("must be empty (the preflight creates the endpoint) or a VPC endpoint id, vpce- followed by 8 or 17 lowercase hex characters")
		if epValue == nil {
			epValue = "" // an empty Default: the preflight creates the endpoint
		}
	}
	type declaration struct {
		decl  cloudformation.Parameter
		value any // Default from a setting, or nil
		given bool
	}
	decls := map[string]declaration{
		s.EndpointParameter: {epDecl, epValue, s.EndpointID != ""},
		s.VpcParameter: {cloudformation.Parameter{Type: "AWS::EC2::VPC::Id",
			Description: str("VPC of the private subnets. Added by the QuiltPrivateEndpoints macro.")}, nonEmpty(s.VpcID), s.VpcID != ""},
		s.SubnetsParameter: {cloudformation.Parameter{Type: "List<AWS::EC2::Subnet::Id>",
			Description: str("Private subnets with egress (NAT gateway or VPC endpoints) for functions, ECS services and canaries. Added by the QuiltPrivateEndpoints macro.")},
			joinList(s.SubnetIDs), len(s.SubnetIDs) > 0},
		s.UserSubnetsParameter: {cloudformation.Parameter{Type: "List<AWS::EC2::Subnet::Id>",
			Description: str("Subnets for the internal load balancer, reachable by users (e.g. over VPN). Added by the QuiltPrivateEndpoints macro.")},
			joinList(s.UserSubnetIDs), len(s.UserSubnetIDs) > 0},
	}

	var added, missing []string
	for _, name := range []string{s.EndpointParameter, s.VpcParameter, s.SubnetsParameter, s.UserSubnetsParameter} {
		_, declared := params[name]
		d := decls[name]
		if !resUsedParams.of(st).Has(name) && !(declared && d.given) {
			continue
		}
		if !declared {
			if st.resource(name) != nil {
				return &Error{Resource: name, Message: "the rewrite needs a parameter with this name, but it is a resource",
					Remedy: "choose another parameter name with the matching setting (EndpointParameter, VpcParameter, SubnetsParameter, UserSubnetsParameter)"}
			}
			decl, err := fromGoformation(d.decl)
			if err != nil {
				return err
			}
			if d.value != nil {
				decl["Default"] = d.value
			}
			st.section("Parameters")[name] = decl
			added = append(added, name)
			st.change("parameters", "Parameters."+name, "declared (%s)", decl["Type"])
			if d.value == nil {
				missing = append(missing, name)
			}
			continue
		}
		if err := checkParameterType(name, params[name], s); err != nil {
			return err
		}
		if d.given {
			decl, _ := params[name].(map[string]any)
			if !template.Equal(decl["Default"], d.value) {
				nd := template.Clone(decl).(map[string]any)
				nd["Default"] = d.value
				st.section("Parameters")[name] = nd
				st.change("parameters", "Parameters."+name, "Default = %s (from the Transform parameter %s)", describe(d.value, ""), valueSettingFor(s, name))
			}
		}
	}
	if len(missing) > 0 {
		return missingValues(s, missing)
	}
	if err := checkEndpointValue(st); err != nil {
		return err
	}
	if len(added) > 0 {
		addToInterface(st, added)
	}
	return nil
}

// missingValues refuses a rewrite that needs parameters the template does
// not declare and no setting gives a value: CloudFormation binds the stack's
// parameter values to the original template, so the stack could not pass
// one, and the stack would fail later with a less clear error.
func missingValues(s Settings, names []string) error {
	var ids, settings, sets, params []string
	for _, name := range names {
		ids = append(ids, "Parameters."+name)
		settings = append(settings, valueSettingFor(s, name))
		sets = append(sets, "--set "+valueSettingFor(s, name)+"=VALUE")
		params = append(params, "--parameter "+name+"=VALUE")
	}
	this, its, setting := "this parameter", "its value", "the Transform parameter "
	if len(names) > 1 {
		this, its, setting = "these parameters", "their values", "the Transform parameters "
	}
	list := strings.Join(names, ", ")
	return &Error{Resource: strings.Join(ids, ", "),
		Message: "the rewrite needs " + this + ", which the template does not declare, and no setting gives " + its +
			" (a stack passes values only for the original template's parameters)",
		Remedy: "give " + its + " as " + setting + strings.Join(settings, ", ") + " (qpe render: " + strings.Join(sets, " ") +
			"), or declare " + list + " in the original template and pass " + its + " with the stack (qpe render: " + strings.Join(params, " ") + ")"}
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func joinList(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return strings.Join(l, ",")
}

func valueSettingFor(s Settings, name string) string {
	switch name {
	case s.EndpointParameter:
		return SetEndpointID
	case s.VpcParameter:
		return SetVpcID
	case s.SubnetsParameter:
		return SetSubnetIDs
	}
	return SetUserSubnetIDs
}

// checkParameterType rejects a declared network parameter whose type does
// not fit where the rewrite puts its Ref: subnets go into lists
// (VpcConfig.SubnetIds), the VPC and the endpoint id are single values.
func checkParameterType(name string, decl any, s Settings) error {
	m, _ := decl.(map[string]any)
	t, ok := m["Type"].(string)
	if !ok {
		return nil
	}
	isList := strings.HasPrefix(t, "List<") || t == "CommaDelimitedList" ||
		strings.HasPrefix(t, "AWS::SSM::Parameter::Value<List<") || t == "AWS::SSM::Parameter::Value<CommaDelimitedList>"
	switch name {
	case s.SubnetsParameter, s.UserSubnetsParameter:
		if !isList {
			return &Error{Resource: "Parameters." + name,
				Message: fmt.Sprintf("the parameter is a %s, but the rewrite uses it as a list of subnets", t),
				Remedy:  "declare " + name + " as List<AWS::EC2::Subnet::Id>, or name a list parameter with the SubnetsParameter or UserSubnetsParameter setting"}
		}
	case s.VpcParameter:
		if isList || t == "Number" {
			return &Error{Resource: "Parameters." + name,
				Message: fmt.Sprintf("the parameter is a %s, but the rewrite uses it as the VPC id", t),
				Remedy:  "declare " + name + " as AWS::EC2::VPC::Id, or name another parameter with the VpcParameter setting"}
		}
	default: // the endpoint
		if isList || t == "Number" {
			return &Error{Resource: "Parameters." + name,
				Message: fmt.Sprintf("the parameter is a %s, but the rewrite uses it as one VPC endpoint id", t),
				Remedy:  "declare " + name + " as a String holding one vpce- id, or name another parameter with the EndpointParameter setting"}
		}
	}
	return nil
}

// checkEndpointValue rejects a malformed endpoint id in the parameter's
// Default or in the value the stack passes.
func checkEndpointValue(st *state) error {
	name := st.set.EndpointParameter
	decl, _ := template.Section(st.doc, "Parameters")[name].(map[string]any)
	check := func(v any, where string) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		if s == "" && st.set.PreflightMode == ModeCreate {
			return nil
		}
		if !awsid.Valid(s, "vpce") {
			// Never quote the value: the parameter may be NoEcho.
			return &Error{Resource: "Parameters." + name,
				Message: where + " is not a VPC endpoint id",
				Remedy:  "give the id of the execute-api interface endpoint, vpce- followed by 8 or 17 lowercase hex characters (e.g. vpce-0123456789abcdef0)"}
		}
		return nil
	}
	if d, ok := decl["Default"]; ok {
		if err := check(d, "the Default"); err != nil {
			return err
		}
	}
	if v, ok := st.req.TemplateParameterValues[name]; ok {
		if err := check(v, "the value the stack passes"); err != nil {
			return err
		}
	}
	return nil
}

// addToInterface lists new parameters in the console's parameter groups,
// when the template has an Interface.
func addToInterface(st *state, names []string) {
	meta := template.Section(st.doc, "Metadata")
	iface, ok := meta[interfaceKey].(map[string]any)
	if !ok || isIntrinsicObject(iface) {
		return
	}
	if _, ok := iface["ParameterGroups"].([]any); !ok && iface["ParameterGroups"] != nil {
		return
	}
	iface = st.section("Metadata")[interfaceKey].(map[string]any)
	groups, _ := iface["ParameterGroups"].([]any)
	sort.Strings(names)
	for _, g := range groups {
		gm, _ := g.(map[string]any)
		label, _ := gm["Label"].(map[string]any)
		if label["default"] == parameterGroupLabel {
			ps, _ := gm["Parameters"].([]any)
			for _, n := range names {
				if !containsValue(ps, n) {
					ps = append(ps, n)
				}
			}
			gm["Parameters"] = ps
			st.change("parameters", "Metadata."+interfaceKey, "listed %s in group %q", strings.Join(names, ", "), parameterGroupLabel)
			return
		}
	}
	ps := make([]any, len(names))
	for i, n := range names {
		ps[i] = n
	}
	iface["ParameterGroups"] = append(groups, map[string]any{
		"Label": map[string]any{"default": parameterGroupLabel}, "Parameters": ps,
	})
	st.change("parameters", "Metadata."+interfaceKey, "added group %q with %s", parameterGroupLabel, strings.Join(names, ", "))
}
