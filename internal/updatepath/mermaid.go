package updatepath

import (
	"fmt"
	"strings"
)

// maxNodeIDs bounds the logical ids a diagram node lists; the rest are
// counted (the tables list them all).
const maxNodeIDs = 4

// WriteMermaid writes the rollout as two Mermaid diagrams GitHub renders:
// the waves (what each adds, replaces and modifies, then the cleanup), each
// with its failure point and whether the rollback from it is clean; and the
// availability timeline (each client network's state at each point).
func WriteMermaid(b *strings.Builder, p *Plan) {
	ro := &p.Rollout
	action := map[string]Action{}
	for _, r := range p.Resources {
		action[r.LogicalID] = r.Action
	}
	b.WriteString("```mermaid\nflowchart TD\n")
	b.WriteString("  start([deployed stack])\n")
	prev := "start"
	for i, wave := range ro.Waves {
		groups := map[Action][]string{}
		for _, id := range wave {
			groups[action[id]] = append(groups[action[id]], id)
		}
		var lines []string
		for _, a := range []Action{Add, Replace, Modify} {
			if ids := groups[a]; len(ids) > 0 {
				lines = append(lines, fmt.Sprintf("%s %d: %s", a, len(ids), idList(ids)))
			}
		}
		node := fmt.Sprintf("w%d", i)
		fmt.Fprintf(b, "  %s[\"wave %d<br/>%s\"]\n", node, i, strings.Join(lines, "<br/>"))
		fmt.Fprintf(b, "  %s --> %s\n", prev, node)
		if i < len(ro.Failures) {
			f := ro.Failures[i]
			state := "clean"
			if !f.Clean {
				state = "STUCK: " + idList(f.Stuck)
			}
			fmt.Fprintf(b, "  %s -. fails .-> f%d{{\"rollback: %d resources, %s\"}}\n", node, i, f.RolledBack, state)
		}
		prev = node
	}
	fmt.Fprintf(b, "  cleanup[\"cleanup: delete %d<br/>%s\"]\n", len(ro.Cleanup), idList(ro.Cleanup))
	fmt.Fprintf(b, "  %s --> cleanup\n", prev)
	b.WriteString("  cleanup --> done([updated stack])\n```\n\n")

	if len(ro.Availability.Entries) == 0 {
		return
	}
	// The availability timeline: each network's entry points lost at each
	// point of the update (a gap covers every point from its From to its
	// Until).
	points := []string{}
	for i := range ro.Waves {
		points = append(points, fmt.Sprintf("wave %d", i))
	}
	points = append(points, "cleanup", "after")
	b.WriteString("```mermaid\nflowchart LR\n")
	for _, network := range []string{NetworkPrivate, NetworkInternet} {
		fmt.Fprintf(b, "  subgraph %s[\"%s network\"]\n    direction LR\n", network, network)
		// Consecutive points with the same losses are one node.
		type span struct {
			from, until string
			lost        []string
		}
		var spans []span
		for _, pt := range points {
			var lost []string
			for _, e := range ro.Availability.Entries {
				if e.Network != network {
					continue
				}
				for _, g := range e.Lost {
					if pointRank(g.From) <= pointRank(pt) && pointRank(pt) <= pointRank(g.Until) && !contains(lost, e.Host) {
						lost = append(lost, e.Host)
					}
				}
			}
			if n := len(spans); n > 0 && strings.Join(spans[n-1].lost, "\x00") == strings.Join(lost, "\x00") {
				spans[n-1].until = pt
				continue
			}
			spans = append(spans, span{from: pt, until: pt, lost: lost})
		}
		prevNode := ""
		for i, sp := range spans {
			lost := sp.lost
			pt := sp.from
			if sp.until != sp.from {
				pt += " to " + sp.until
			}
			node := fmt.Sprintf("%s%d", network, i)
			label := pt + "<br/>all served"
			if len(lost) > 0 {
				label = pt + "<br/>lost: " + idList(lost)
			}
			fmt.Fprintf(b, "    %s[\"%s\"]\n", node, mermaidText(label))
			if len(lost) > 0 {
				fmt.Fprintf(b, "    style %s fill:#fdd,stroke:#c00\n", node)
			}
			if prevNode != "" {
				fmt.Fprintf(b, "    %s --> %s\n", prevNode, node)
			}
			prevNode = node
		}
		b.WriteString("  end\n")
	}
	b.WriteString("```\n\n")
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// idList lists at most maxNodeIDs ids and counts the others.
func idList(ids []string) string {
	out := ids
	extra := 0
	if len(ids) > maxNodeIDs {
		out, extra = ids[:maxNodeIDs], len(ids)-maxNodeIDs
	}
	s := strings.Join(out, ", ")
	if extra > 0 {
		s += fmt.Sprintf(" +%d", extra)
	}
	return mermaidText(s)
}

// mermaidText keeps a label inside its quotes: Mermaid reads #quot; as a
// quote, and ${...} (a Sub's variable in an API URL) is plain text.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;").Replace(s)
}
