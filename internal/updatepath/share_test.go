package updatepath

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// samePlanEitherWay computes the plan with and without the shortcut of
// evaluate (reusing the deployed side's resolution of what the new template
// shares) and reports any difference.
func samePlanEitherWay(t *testing.T, name string, in Input) {
	t.Helper()
	with, err1 := computeShared(context.Background(), in, true)
	without, err2 := computeShared(context.Background(), in, false)
	if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
		t.Fatalf("%s: errors differ: %v / %v", name, err1, err2)
	}
	if err1 != nil {
		var te *TemplateError
		if !errors.As(err1, &te) {
			t.Fatalf("%s: %v", name, err1)
		}
		return
	}
	if !reflect.DeepEqual(with, without) {
		var a, b bytes.Buffer
		_ = WriteJSON(&a, with)
		_ = WriteJSON(&b, without)
		t.Errorf("%s: the plan differs with the shortcut:\n%s\nwithout:\n%s", name, a.String(), b.String())
	}
}

// renders are the deployed fixture and its renders, which share every
// object the macro does not change with the fixture (the case the shortcut
// is for).
func renders(t testing.TB) (deployed map[string]any, news map[string]map[string]any) {
	deployed = quiltfixture.Decode(quiltfixture.Stable())
	news = map[string]map[string]any{
		"private": quiltfixture.Decode(quiltfixture.Private()),
		"same":    deployed,
	}
	users := "subnet-0a1b2c3d4e5f60201,subnet-0a1b2c3d4e5f60202"
	vpce := "vpce-0a1b2c3d4e5f60718"
	for i, set := range []map[string]any{ // the settings of the golden cases
		{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "PreflightMode": "create", "UserSubnetIds": users},
		{"ApiGatewayVPCEndpointId": vpce, "LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "UserSubnetIds": users},
		{"ApiGatewayVPCEndpointId": vpce, "LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire", "PreflightMode": "validate", "UserSubnetIds": users},
		{"LoadBalancerScheme": "unchanged", "PreflightMode": "create"},
		{"ApiGatewayVPCEndpointId": vpce, "LoadBalancerScheme": "unchanged", "PreflightMode": "validate"},
	} {
		res, err := transform.Transform(context.Background(), transform.Request{Fragment: deployed, Params: set})
		if err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
		news["render"+strconv.Itoa(i)] = res.Fragment
	}
	if len(news) < 7 {
		t.Fatalf("only %d new templates", len(news))
	}
	return deployed, news
}

// TestShareShortcut: on the fixture and its renders, and on the same
// templates told different parameter values, the plan is the same with
// and without the shortcut.
func TestShareShortcut(t *testing.T) {
	deployed, news := renders(t)
	for name, nu := range news {
		samePlanEitherWay(t, name, Input{Deployed: deployed, New: nu, StackName: "quilt", Region: "us-east-1"})
		samePlanEitherWay(t, name+" (new parameter values)", Input{Deployed: deployed, New: nu,
			NewParams: map[string]string{"DBUser": "changed", "QuiltWebHost": "other.example.com", "CertificateArnELB": "arn:aws:acm:us-east-1:1:certificate/x"}})
	}
}

// mutate returns a copy of doc that shares every object with it except on
// the path to each change data asks for: a parameter's Default, a
// condition, a mapping value, a resource property or a removed resource.
func mutate(doc map[string]any, data []byte) map[string]any {
	out := maps.Clone(doc)
	section := func(name string) map[string]any {
		s := maps.Clone(template.Section(out, name))
		if s == nil {
			s = map[string]any{}
		}
		out[name] = s
		return s
	}
	pick := func(m map[string]any, b byte) string {
		keys := template.SortedKeys(m)
		if len(keys) == 0 {
			return ""
		}
		return keys[int(b)%len(keys)]
	}
	for len(data) >= 3 {
		op, a, b := data[0]%6, data[1], data[2]
		data = data[3:]
		val := "v" + strconv.Itoa(int(b))
		switch op {
		case 0: // a parameter's Default
			ps := section("Parameters")
			if k := pick(ps, a); k != "" {
				p := maps.Clone(template.Section(ps, k))
				p["Default"] = val
				ps[k] = p
			}
		case 1: // a condition
			cs := section("Conditions")
			if k := pick(cs, a); k != "" {
				cs[k] = map[string]any{"Fn::Equals": []any{val, "v0"}}
			}
		case 2: // a mapping value
			ms := section("Mappings")
			if k := pick(ms, a); k != "" {
				top := maps.Clone(template.Section(ms, k))
				if k2 := pick(top, b); k2 != "" {
					second := maps.Clone(template.Section(top, k2))
					if k3 := pick(second, a/2); k3 != "" {
						second[k3] = val
					}
					top[k2] = second
				}
				ms[k] = top
			}
		case 3, 4: // a resource property
			rs := section("Resources")
			if id := pick(rs, a); id != "" {
				r := maps.Clone(template.Section(rs, id))
				props := maps.Clone(template.Section(r, "Properties"))
				if props == nil {
					props = map[string]any{}
				}
				if k := pick(props, b); k != "" && op == 3 {
					props[k] = val
				} else {
					props["Description"] = val
				}
				r["Properties"] = props
				rs[id] = r
			}
		case 5: // a removed resource
			rs := section("Resources")
			if id := pick(rs, a); id != "" && len(rs) > 1 {
				delete(rs, id)
			}
		}
	}
	return out
}

// FuzzShareShortcut: for the fixture or one of its renders changed in
// places (sharing everything else with the deployed template), the plan is
// the same with and without the shortcut.
func FuzzShareShortcut(f *testing.F) {
	for _, seed := range [][]byte{
		{0}, {1, 0, 0, 0}, {2, 1, 3, 7}, {3, 2, 5, 1}, {4, 3, 9, 2}, {5, 4, 0, 3},
		{6, 5, 4, 4, 0, 1, 2, 1, 2, 3}, {7, 3, 200, 17, 4, 100, 50},
	} {
		f.Add(seed)
	}
	deployed, news := renders(f)
	names := make([]string, 0, len(news))
	for n := range news {
		names = append(names, n)
	}
	slices.Sort(names)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || len(data) > 64 {
			return
		}
		name := names[int(data[0])%len(names)]
		nu := mutate(news[name], data[1:])
		samePlanEitherWay(t, name, Input{Deployed: deployed, New: nu, StackName: "quilt"})
	})
}
