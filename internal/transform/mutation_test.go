package transform

import (
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestSingleMutations is the structural fuzzer's search done
// systematically for one mutation: every value of every small golden input
// is replaced by tricky values (four per value, rotating so that each is
// used) and must keep the fuzz properties (no panic, input untouched, typed
// errors, resources kept, idempotent output). The large quilt/ cases are
// left to FuzzTransformShapes.
func TestSingleMutations(t *testing.T) {
	tricky := trickyValues()
	runs := 0
	for _, c := range goldenCases(t) {
		if strings.HasPrefix(c.name, "quilt/") {
			continue
		}
		base := fragment(t, c.input)
		if base == nil {
			continue
		}
		var probe []func(any)
		collectSlots(base, &probe)
		for slot := range probe {
			for k := 0; k < 4; k++ {
				tv := tricky[(slot*5+k)%len(tricky)]
				doc := template.Clone(base).(map[string]any)
				var slots []func(any)
				collectSlots(doc, &slots)
				slots[slot](template.Clone(tv))
				checkTransform(t, doc, c.settings)
				runs++
			}
		}
	}
	t.Logf("%d mutated templates", runs)
}
