package transform

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// EngineVersion is the version of the rewrite the engine makes. It is
// recorded in every render (RenderInfo) and changes when a render of the
// same input with the same settings changes (a new pass, a new logical id):
// an upgrade compares it to read how the deployed render was made.
const EngineVersion = "1.0.0"

// MetadataKey is the key of the template's Metadata section under which a
// render records how it was made (RenderInfo). The macro owns it.
const MetadataKey = "QuiltPrivateEndpoints"

// redactedSetting replaces a setting value equal to a NoEcho parameter's.
const redactedSetting = "(from a NoEcho parameter, not recorded)"

// RenderInfo is what a render records in Metadata.QuiltPrivateEndpoints:
// the engine version, the effective settings (defaults filled in) and the
// logical ids of the resources the macro made or renamed, so that review
// --stack, verify and upgrades read them back instead of guessing.
type RenderInfo struct {
	EngineVersion string
	// Settings are the effective settings as Transform parameters (strings,
	// lists of strings): ParseSettings reads them back.
	Settings map[string]any
	// Resources are the logical ids of the resources the macro owns in the
	// render (Identities, section Resources: added or renamed), sorted: the
	// render alone says what the macro made. Nil for a render made before
	// the engine recorded them.
	Resources []string
}

// Effective returns the settings as Transform parameters, defaults filled
// in, empty ones left out; ParseSettings of the result gives s back.
func (s Settings) Effective() map[string]any {
	out := map[string]any{}
	str := func(name, v string) {
		if v != "" {
			out[name] = v
		}
	}
	list := func(name string, v []string) {
		if len(v) > 0 {
			l := make([]any, len(v))
			for i, e := range v {
				l[i] = e
			}
			out[name] = l
		}
	}
	str(SetEndpointParameter, s.EndpointParameter)
	str(SetVpcParameter, s.VpcParameter)
	str(SetSubnetsParameter, s.SubnetsParameter)
	str(SetUserSubnetsParameter, s.UserSubnetsParameter)
	list(SetSecurityGroupIds, s.SecurityGroupIds)
	list(SetExclude, s.Exclude)
	str(SetPreflightMode, s.PreflightMode)
	str(SetServiceToken, s.ServiceToken)
	str(SetLoadBalancerScheme, s.LoadBalancerScheme)
	str(SetPublicLoadBalancer, s.PublicLoadBalancer)
	str(SetEndpointID, s.EndpointID)
	str(SetVpcID, s.VpcID)
	list(SetSubnetIDs, s.SubnetIDs)
	list(SetUserSubnetIDs, s.UserSubnetIDs)
	list(SetBucketNames, s.BucketNames)
	list(SetClientCidrs, s.ClientCidrs)
	if s.EndpointPrivateDNS {
		out[SetEndpointPrivateDNS] = "true"
	}
	return out
}

// recordRenderInfo writes the render's RenderInfo into
// Metadata.QuiltPrivateEndpoints of st.doc (the only place the engine
// writes it). A setting equal to the value of a NoEcho template parameter
// (the macro resolves Refs in the Transform's Parameters before it runs)
// is not recorded.
func (st *state) recordRenderInfo() {
	eff := st.set.Effective()
	secret := map[string]bool{}
	params := template.Section(st.req.Fragment, "Parameters")
	for name, v := range st.req.TemplateParameterValues {
		if s, ok := v.(string); ok && s != "" && template.NoEcho(params[name]) {
			secret[s] = true
		}
	}
	for name, v := range eff {
		switch t := v.(type) {
		case string:
			if secret[t] {
				eff[name] = redactedSetting
			}
		case []any:
			for i, e := range t {
				if secret[e.(string)] {
					t[i] = redactedSetting
				}
			}
		}
	}
	want := map[string]any{"EngineVersion": EngineVersion, "Settings": eff}
	if reflect.DeepEqual(template.Section(st.doc, "Metadata")[MetadataKey], want) {
		return
	}
	st.section("Metadata")[MetadataKey] = want
}

// recordOwned adds to Metadata.QuiltPrivateEndpoints (written by
// recordRenderInfo) the sorted logical ids of the resources the macro owns
// in the render: those it added or renamed in this run (Identities), and,
// for a render of a render, those the input's Metadata already lists that
// the render still has. It runs after every pass (the list is what they
// made), so the preflight's Fingerprint does not cover it: it follows from
// the input, settings and engine version, which it covers.
func (st *state) recordOwned() {
	owned := map[string]bool{}
	for _, e := range Identities(st.req.Fragment, st.doc, resRenamed.of(st).Map()) {
		if e.Section == "Resources" {
			owned[e.ID] = true
		}
	}
	if prev, ok := template.Section(st.req.Fragment, "Metadata")[MetadataKey].(map[string]any); ok {
		for _, v := range asList(prev["Resources"]) {
			if id, isStr := v.(string); isStr && st.res[id] != nil {
				owned[id] = true
			}
		}
	}
	ids := make([]any, 0, len(owned))
	for _, id := range slices.Sorted(maps.Keys(owned)) {
		ids = append(ids, id)
	}
	meta, _ := template.Section(st.doc, "Metadata")[MetadataKey].(map[string]any)
	if meta == nil || template.Equal(meta["Resources"], ids) {
		return
	}
	next := make(map[string]any, len(meta)+1)
	for k, v := range meta {
		next[k] = v
	}
	next["Resources"] = ids
	st.section("Metadata")[MetadataKey] = next
}

// ReadRenderInfo reads back what a render recorded (RenderInfo) from a
// template, e.g. a stack's processed template. ok is false when the
// template carries none (not a render, or one made before the engine
// recorded it); an error names what is malformed.
func ReadRenderInfo(doc map[string]any) (info RenderInfo, ok bool, err error) {
	raw, found := template.Section(doc, "Metadata")[MetadataKey]
	if !found {
		return RenderInfo{}, false, nil
	}
	where := "Metadata." + MetadataKey
	m, isMap := raw.(map[string]any)
	if !isMap {
		return RenderInfo{}, false, &Error{Resource: where, Message: fmt.Sprintf("is %s, not an object", template.AKindOf(raw)),
			Remedy: "render the template again with the macro (the macro writes this entry)"}
	}
	v, isStr := m["EngineVersion"].(string)
	if !isStr || v == "" {
		return RenderInfo{}, false, &Error{Resource: where + ".EngineVersion", Message: "is missing or not a string",
			Remedy: "render the template again with the macro (the macro writes this entry)"}
	}
	info.EngineVersion = v
	info.Settings = map[string]any{}
	set, _ := m["Settings"].(map[string]any)
	if _, present := m["Settings"]; present && set == nil {
		return RenderInfo{}, false, &Error{Resource: where + ".Settings", Message: fmt.Sprintf("is %s, not an object", template.AKindOf(m["Settings"])),
			Remedy: "render the template again with the macro (the macro writes this entry)"}
	}
	for _, name := range template.SortedKeys(set) {
		if !isKnownSetting(name) {
			return RenderInfo{}, false, &Error{Resource: where + ".Settings." + name, Message: "is not a setting this engine knows",
				Remedy: "use a qpe at least as new as the engine that made the render (" + v + "), or render again"}
		}
		info.Settings[name] = template.Clone(set[name])
	}
	if raw, present := m["Resources"]; present {
		list, isList := raw.([]any)
		if !isList {
			return RenderInfo{}, false, &Error{Resource: where + ".Resources", Message: fmt.Sprintf("is %s, not a list of logical ids", template.AKindOf(raw)),
				Remedy: "render the template again with the macro (the macro writes this entry)"}
		}
		info.Resources = make([]string, 0, len(list))
		for i, e := range list {
			id, isStr := e.(string)
			if !isStr || id == "" {
				return RenderInfo{}, false, &Error{Resource: fmt.Sprintf("%s.Resources[%d]", where, i), Message: "is not a logical id",
					Remedy: "render the template again with the macro (the macro writes this entry)"}
			}
			info.Resources = append(info.Resources, id)
		}
		slices.Sort(info.Resources)
		info.Resources = slices.Compact(info.Resources)
	}
	return info, true, nil
}

// RedactedSettings lists the recorded settings whose values were left out
// because they came from a NoEcho parameter, sorted: an upgrade must ask
// for them again.
func (ri RenderInfo) RedactedSettings() []string {
	var out []string
	for name, v := range ri.Settings {
		switch t := v.(type) {
		case string:
			if t == redactedSetting {
				out = append(out, name)
			}
		case []any:
			if slices.Contains(t, any(redactedSetting)) {
				out = append(out, name)
			}
		}
	}
	slices.SortFunc(out, strings.Compare)
	return out
}

// Parsed returns the recorded settings parsed (ParseSettings of what the
// render recorded, without a template: the recorded settings are those
// that were in effect). The redacted ones (RedactedSettings) are left out,
// their values unknown: Parsed gives their defaults.
func (ri RenderInfo) Parsed() (Settings, error) {
	redacted := ri.RedactedSettings()
	params := make(map[string]any, len(ri.Settings))
	for name, v := range ri.Settings {
		if !slices.Contains(redacted, name) {
			params[name] = v
		}
	}
	s, err := ParseSettings(params, nil)
	if err != nil {
		return Settings{}, fmt.Errorf("the render's recorded settings (Metadata.%s.Settings): %w", MetadataKey, err)
	}
	return s, nil
}
