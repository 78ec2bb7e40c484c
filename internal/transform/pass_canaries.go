package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/template"

// typeCanary is the Synthetics canary type.
const typeCanary = "AWS::Synthetics::Canary"

// passCanaries makes the canaries the engine rewrote update last, one at
// a time (canaryWaits, order.go: QPE-UP-009), chained in id order.
func passCanaries(st *state) error {
	var canaries []string
	for _, id := range st.of(typeCanary) {
		if resRewritten.of(st).Has(id) {
			canaries = append(canaries, id)
		}
	}
	waits := canaryWaits(st.view(), canaries)
	for i, c := range canaries {
		if add := waits[i]; len(add) > 0 && template.AddDependsOn(st.edit(c), add...) {
			st.change("canaries", c, "%s", waitDetail(add, WhyCanaries))
		}
	}
	return nil
}
