package template

// Graph is the one dependency graph: nodes in a given order (ties are
// broken by it) and, for each, the nodes it depends on (DependsOn and
// references; a node never depends on itself, and a dependency on a name
// that is not a node is left out).
type Graph struct {
	ids  []string
	deps map[string][]string
}

// NewGraph builds the graph of ids, with deps giving each node's
// dependencies (repeats allowed).
func NewGraph(ids []string, deps func(id string) []string) *Graph {
	g := &Graph{ids: ids, deps: make(map[string][]string, len(ids))}
	node := make(map[string]bool, len(ids))
	for _, id := range ids {
		node[id] = true
	}
	for _, id := range ids {
		var out []string
		for _, d := range deps(id) {
			if d != id && node[d] && !containsString(out, d) {
				out = append(out, d)
			}
		}
		g.deps[id] = out
	}
	return g
}

// ResourceGraph is the graph of a template's resources (sorted ids), each
// depending on its DependsOn and the resources its Ref, Fn::GetAtt and
// Fn::Sub name anywhere in the resource.
func ResourceGraph(doc map[string]any) *Graph {
	rs := Resources(doc)
	return NewGraph(SortedKeys(rs), func(id string) []string {
		m, _ := rs[id].(map[string]any)
		return ResourceDeps(m)
	})
}

// ResourceDeps are the names a resource depends on: its DependsOn, then
// what its Properties name through Ref, Fn::GetAtt and Fn::Sub (parameters
// included: a Graph keeps only its nodes).
func ResourceDeps(res map[string]any) []string {
	deps, _ := DependsOn(res)
	return append(deps, ReferencedIDs(res["Properties"])...)
}

// Deps returns the dependencies of id, in the order first named.
func (g *Graph) Deps(id string) []string { return g.deps[id] }

// Order lists the nodes dependencies first: in rounds, each round taking,
// in node order, every node whose dependencies are all placed. The members
// of a cycle (which CloudFormation refuses) and what depends on them come
// last, in node order.
func (g *Graph) Order() []string {
	out := make([]string, 0, len(g.ids))
	done := make(map[string]bool, len(g.ids))
	for progress := true; progress; {
		progress = false
		for _, id := range g.ids {
			if done[id] {
				continue
			}
			ready := true
			for _, d := range g.deps[id] {
				if !done[d] {
					ready = false
					break
				}
			}
			if ready {
				done[id], progress = true, true
				out = append(out, id)
			}
		}
	}
	for _, id := range g.ids {
		if !done[id] {
			out = append(out, id)
		}
	}
	return out
}

// Cycle returns the first dependency cycle met walking the nodes in order
// (depth first, dependencies in order), its first node repeated at its
// end; nil when the graph has none.
func (g *Graph) Cycle() []string {
	const (
		unseen = iota
		open
		done
	)
	state := make(map[string]int, len(g.ids))
	var stack, cycle []string
	var walk func(id string) bool
	walk = func(id string) bool {
		state[id] = open
		stack = append(stack, id)
		for _, d := range g.deps[id] {
			switch state[d] {
			case open:
				for i, x := range stack {
					if x == d {
						cycle = append(append([]string{}, stack[i:]...), d)
					}
				}
				return true
			case unseen:
				if walk(d) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		return false
	}
	for _, id := range g.ids {
		if state[id] == unseen && walk(id) {
			return cycle
		}
	}
	return nil
}

// Upstream returns the nodes id depends on, directly or through others
// (id itself left out).
func (g *Graph) Upstream(id string) map[string]bool {
	seen := map[string]bool{}
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, n := range g.deps[cur] {
			if !seen[n] && n != id {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return seen
}
