package transform

import (
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passExports warns about exported outputs whose value changes because
// they follow a resource the run gives a new logical id (a REST API made
// private, a public load balancer retired for its internal twin): a stack
// importing one fails the update at its end.
func passExports(st *state) error {
	outs := template.Section(st.doc, "Outputs")
	for _, name := range template.SortedKeys(outs) {
		o, _ := outs[name].(map[string]any)
		exp, ok := o["Export"].(map[string]any)
		if !ok {
			continue
		}
		var why []string
		for _, id := range template.ReferencedIDs(o["Value"]) {
			if nu, _ := resRenamed.of(st).Get(id); nu != "" {
				why = append(why, id)
			}
		}
		if len(why) == 0 {
			continue
		}
		sort.Strings(why)
		why = compactStrings(why)
		st.warn(tfExportChanges, "Outputs."+name, "its export %s changes value: it follows %s, which the update replaces; a stack that imports it makes the update fail at its end and roll back",
			exportName(exp["Name"]), strings.Join(why, ", "))
	}
	return nil
}

func compactStrings(l []string) []string {
	out := l[:0:0]
	for i, s := range l {
		if i == 0 || s != l[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// exportName shows an export's name: the Fn::Sub string when it is one,
// its variables as <Name> (the warning is copied into the preflight's
// properties, where a literal ${...} would read as a misplaced Fn::Sub).
func exportName(v any) string {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if s, ok := m["Fn::Sub"].(string); ok {
			return strings.NewReplacer("${", "<", "}", ">").Replace(s)
		}
	}
	return describe(v, "")
}
