package verify

import (
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// renderState is what the processed template's Metadata records of how the
// render was made (transform.ReadRenderInfo): verify reads the settings
// back instead of guessing (which parameters hold the VPC, subnets and
// endpoint, whether an internal load balancer must exist, whether the
// public side must be gone).
type renderState struct {
	// isRender: the template is a render of the macro (its Metadata entry
	// or the preflight resource).
	isRender bool
	// ok: the Metadata entry was read and its settings parsed.
	ok       bool
	info     transform.RenderInfo
	settings transform.Settings
	// err says why a Metadata entry present could not be used.
	err error
}

// readRender reads the render's record from the processed template.
func readRender(doc map[string]any) renderState {
	var rs renderState
	for _, r := range template.Resources(doc) {
		if r, _ := r.(map[string]any); r["Type"] == contract.Type {
			rs.isRender = true
			break
		}
	}
	info, found, err := transform.ReadRenderInfo(doc)
	if err != nil {
		rs.isRender, rs.err = true, err
		return rs
	}
	if !found {
		return rs
	}
	rs.isRender, rs.info = true, info
	if rs.settings, rs.err = info.Parsed(); rs.err == nil {
		rs.ok = true
	}
	return rs
}

// internalScheme says whether the render's settings ask for an internal
// load balancer; retire whether they also retire the public one.
func (rs renderState) internalScheme() (internal, retire bool) {
	if !rs.ok || rs.settings.LoadBalancerScheme != transform.SchemeInternal {
		return false, false
	}
	return true, rs.settings.PublicLoadBalancer == transform.PublicRetire
}
