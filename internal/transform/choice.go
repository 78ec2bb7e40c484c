package transform

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Values of LoadBalancerScheme and PublicLoadBalancer.
const (
	// SchemeInternal serves the catalog from an internal load balancer.
	SchemeInternal = "internal"
	// SchemeUnchanged leaves the load balancers as they are.
	SchemeUnchanged = "unchanged"
	// PublicKeep keeps the internet-facing load balancer beside the new
	// internal one (the first of two updates of a live stack).
	PublicKeep = "keep"
	// PublicRetire leaves the internal load balancer only (the end state).
	PublicRetire = "retire"
)

// Choice is one value of a setting the user must choose, and what it
// means for the catalog's users.
type Choice struct {
	Value   string
	Meaning string
}

// SchemeChoices are the values of LoadBalancerScheme.
func SchemeChoices() []Choice {
	return []Choice{
		{SchemeInternal, "the catalog, registry and s3-proxy host names are served by an internal load balancer on UserSubnets: " +
			"only users on the private network (VPC, VPN, Direct Connect) reach the catalog once DNS points at it"},
		{SchemeUnchanged, "the load balancer stays internet-facing: users off the private network still load the catalog, " +
			"but its API calls (previews, thumbnails, transcodes) go to the now private API and fail for them"},
	}
}

// PublicLoadBalancerChoices are the values of PublicLoadBalancer.
func PublicLoadBalancerChoices() []Choice {
	return []Choice{
		{PublicKeep, "side by side: the internet-facing load balancer stays exactly as deployed and a new internal one serves the same hosts; " +
			"nobody loses the catalog; move the DNS records to the internal load balancer, then update again with retire"},
		{PublicRetire, "internal only, the end state (a new stack, or a live one after keep once DNS points at the internal load balancer): " +
			"the internet-facing load balancer is deleted; on a live stack whose DNS still names it, every user loses the catalog until the records move"},
	}
}

// LoadBalancerChoice returns the refusal the macro gives when a template
// with an internet-facing application load balancer lacks
// LoadBalancerScheme, or PublicLoadBalancer with LoadBalancerScheme=internal
// (its Choices list the values; a caller such as qpe enable asks the user
// with them), or gives PublicLoadBalancer without internal; nil when the
// settings params are complete for doc.
func LoadBalancerChoice(params, doc map[string]any) *Error {
	_, err := ParseSettings(params, doc)
	if e, ok := err.(*Error); ok && (len(e.Choices) > 0 || e.Resource == "setting "+SetPublicLoadBalancer) {
		return e
	}
	return nil
}

// PublicLoadBalancers returns the sorted logical ids of the application
// load balancers of doc whose Scheme is not internal (absent means
// internet-facing; an intrinsic counts as internet-facing), less those in
// exclude.
func PublicLoadBalancers(doc map[string]any, exclude []string) []string {
	var out []string
	res := template.Resources(doc)
	for _, id := range template.SortedKeys(res) {
		r, _ := res[id].(map[string]any)
		if r["Type"] != typeLoadBalancer || containsString(exclude, id) {
			continue
		}
		p := template.Section(r, "Properties")
		if t, _ := p["Type"].(string); t != "" && !strings.EqualFold(t, "application") {
			continue
		}
		if p["Scheme"] == SchemeInternal {
			continue
		}
		out = append(out, id)
	}
	return out
}

func containsString(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// checkLoadBalancerChoice refuses a missing choice (see LoadBalancerChoice).
func checkLoadBalancerChoice(s Settings, doc map[string]any) error {
	if s.PublicLoadBalancer != "" && s.LoadBalancerScheme != SchemeInternal {
		return settingError(SetPublicLoadBalancer, "applies only with LoadBalancerScheme=internal",
			"leave PublicLoadBalancer out, or set LoadBalancerScheme=internal")
	}
	lbs := PublicLoadBalancers(doc, s.Exclude)
	if len(lbs) == 0 {
		return nil
	}
	which := "the template has an internet-facing load balancer (" + strings.Join(lbs, ", ") + ")"
	switch {
	case s.LoadBalancerScheme == "":
		return choiceError(SetLoadBalancerScheme, which+", and the setting has no default: choose what its users keep", SchemeChoices())
	case s.LoadBalancerScheme == SchemeInternal && s.PublicLoadBalancer == "":
		return choiceError(SetPublicLoadBalancer, which+" and LoadBalancerScheme is internal, and the setting has no default: "+
			"choose whether the internet-facing load balancer stays beside the internal one", PublicLoadBalancerChoices())
	}
	return nil
}

func choiceError(name, msg string, choices []Choice) *Error {
	var opts []string
	for _, c := range choices {
		opts = append(opts, name+"="+c.Value+" ("+c.Meaning+")")
	}
	e := settingError(name, msg, "set one of "+strings.Join(opts, "; or "))
	e.Setting, e.Choices = name, choices
	return e
}
