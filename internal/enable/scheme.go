package enable

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// OutcomeSettingRequired: the stack has an internet-facing load balancer,
// LoadBalancerScheme was not given, and there is nobody to ask.
const OutcomeSettingRequired = "setting-required"

// Chooser asks the user to pick one of a setting's values (a terminal);
// it returns the value chosen.
type Chooser func(ctx context.Context, setting, question string, choices []transform.Choice) (string, error)

// chooseScheme makes sure LoadBalancerScheme is decided for a stack with
// an internet-facing load balancer: given with --set, deployed before, or
// asked on a terminal, never defaulted (the macro's own rule,
// transform.LoadBalancerChoice, says when it is needed). PublicLoadBalancer
// is not asked: the walk sets it per update (keep, then retire).
func (r *Result) chooseScheme(ctx context.Context, pos position) bool {
	eff := maps.Clone(pos.Deployed)
	maps.Copy(eff, r.input.Settings)
	params := map[string]any{}
	for k, v := range eff {
		params[k] = v
	}
	if eff[transform.SetLoadBalancerScheme] == transform.SchemeInternal && eff[transform.SetPublicLoadBalancer] == "" {
		params[transform.SetPublicLoadBalancer] = transform.PublicKeep // the walk's first step
	}
	e := transform.LoadBalancerChoice(params, r.stack.Original)
	if e == nil || e.Setting != transform.SetLoadBalancerScheme {
		return false
	}
	var opts []string
	for _, c := range e.Choices {
		opts = append(opts, fmt.Sprintf("--set %s=%s: %s", e.Setting, c.Value, c.Meaning))
	}
	if r.input.Choose == nil {
		return r.stopped(OutcomeSettingRequired, 2, fmt.Sprintf("%s; with no terminal to ask, pass one of:\n  %s", e.Message, strings.Join(opts, "\n  ")))
	}
	q := fmt.Sprintf("Stack %s has an internet-facing load balancer (%s). Which %s?", r.stack.Name, strings.Join(pos.Public, ", "), e.Setting)
	v, err := r.input.Choose(ctx, e.Setting, q, e.Choices)
	if err != nil || v == "" {
		return r.stopped(OutcomeSettingRequired, 2, fmt.Sprintf("no %s chosen (%v); nothing was changed. Pass one of:\n  %s", e.Setting, err, strings.Join(opts, "\n  ")))
	}
	if r.input.Settings == nil {
		r.input.Settings = map[string]string{}
	}
	r.input.Settings = maps.Clone(r.input.Settings)
	r.input.Settings[e.Setting] = v
	r.step("%s=%s chosen", e.Setting, v)
	return false
}
