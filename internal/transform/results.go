package transform

import (
	"fmt"
	"sort"
)

// result names a value passes hand to the passes after them: what a pass
// found or did that a later pass needs.
type result string

// resultKey is a result whose value has Go type T. Passes declare the
// results they read and write by their keys (pass.reads, pass.writes),
// and reach a value only through its key (of); every method of the value
// checks first that the running pass declared the result (guard).
type resultKey[T any] struct {
	name result
	make func(guard) T
}

// The results, one line each: the key passes declare, its name, its Go
// type and what it holds. This table is the only place a result is
// declared (TestPassDeclarations reads it).
var (
	resRewritten   = resultKey[*logicalSet]{"rewritten", newLogicalSet}   // resources that wait for the preflight
	resChangedAPIs = resultKey[*logicalSet]{"changedAPIs", newLogicalSet} // REST APIs whose policy or endpoint changed
	resPrivateAPIs = resultKey[*logicalSet]{"privateAPIs", newLogicalSet} // REST APIs private after the rewrite
	resNewAPIs     = resultKey[*logicalSet]{"newAPIs", newLogicalSet}     // REST APIs made private: they get a new logical id
	resMoved       = resultKey[*logicalSet]{"moved", newLogicalSet}       // functions and canaries put into the VPC
	resUsedParams  = resultKey[*logicalSet]{"usedParams", newLogicalSet}  // parameters the passes refer to
	resNeedSG      = resultKey[*fact]{"needSG", newFact}                  // a moved function or canary uses the security group
	resRenamed     = resultKey[*renames]{"renamed", newRenames}           // old logical id -> new
	resWalkers     = resultKey[*walkerList]{"walkers", newWalkerList}     // node rewriters of the one shared walk (references)
)

// resultRef is any result key, as a pass declares it.
type resultRef interface{ resultName() result }

func (k resultKey[T]) resultName() result { return k.name }

// of returns the run's value of the result, empty until a pass writes it.
func (k resultKey[T]) of(st *state) T {
	v, ok := st.results[k.name]
	if !ok {
		v = k.make(guard{st: st, name: k.name})
		st.results[k.name] = v
	}
	return v.(T)
}

// guard ties a result's value to its run: each method of the value calls
// reading or writing first, which records a bug (state.bug, returned by
// the driver) when the running pass does not declare the result: a read
// in its reads or writes, a write in its writes. Between the passes only
// the driver reads results (Result.Renamed); it writes none.
type guard struct {
	st   *state
	name result
}

func (g guard) reading() { g.st.use(g.name, false) }
func (g guard) writing() { g.st.use(g.name, true) }

// use checks that the running pass declared the result it reads or writes.
func (st *state) use(r result, write bool) {
	p := st.pass
	if p == nil {
		if write && st.bug == nil {
			st.bug = fmt.Errorf("transform: result %s is written outside a pass; this is a bug in QuiltPrivateEndpoints", r)
		}
		return
	}
	if declares(p.writes, r) || !write && declares(p.reads, r) {
		return
	}
	if st.bug == nil {
		verb, where := "reads", "reads or writes"
		if write {
			verb, where = "writes", "writes"
		}
		st.bug = fmt.Errorf("transform: pass %s %s result %s, which it does not declare in its %s; this is a bug in QuiltPrivateEndpoints", p.name, verb, r, where)
	}
}

func declares(l []resultRef, r result) bool {
	for _, d := range l {
		if d.resultName() == r {
			return true
		}
	}
	return false
}

// logicalSet is a set of logical ids (of resources or parameters); it
// lists them sorted, never in map order.
type logicalSet struct {
	g guard
	m map[string]bool
}

func newLogicalSet(g guard) *logicalSet { return &logicalSet{g: g, m: map[string]bool{}} }

// Add adds id.
func (s *logicalSet) Add(id string) { s.g.writing(); s.m[id] = true }

// Remove removes id.
func (s *logicalSet) Remove(id string) { s.g.writing(); delete(s.m, id) }

// Has reports whether id is in the set.
func (s *logicalSet) Has(id string) bool { s.g.reading(); return s.m[id] }

// Len is the number of ids.
func (s *logicalSet) Len() int { s.g.reading(); return len(s.m) }

// Sorted returns the ids, sorted.
func (s *logicalSet) Sorted() []string { s.g.reading(); return sortedSet(s.m) }

// fact is a yes/no result: no until a pass establishes it.
type fact struct {
	g  guard
	on bool
}

func newFact(g guard) *fact { return &fact{g: g} }

// Set establishes the fact.
func (f *fact) Set() { f.g.writing(); f.on = true }

// IsSet reports whether a pass established the fact.
func (f *fact) IsSet() bool { f.g.reading(); return f.on }

// renames maps the old logical ids of renamed resources to their new
// ones; a resource renamed twice keeps one entry, from its first id.
type renames struct {
	g guard
	m map[string]string
}

func newRenames(g guard) *renames { return &renames{g: g, m: map[string]string{}} }

// Add records that old is now nu: the entry of a resource renamed before
// (to old) follows it.
func (r *renames) Add(old, nu string) {
	r.g.writing()
	again := false
	for first, cur := range r.m {
		if cur == old {
			r.m[first], again = nu, true
		}
	}
	if !again {
		r.m[old] = nu
	}
}

// Get returns the new id of old.
func (r *renames) Get(old string) (string, bool) {
	r.g.reading()
	nu, ok := r.m[old]
	return nu, ok
}

// Len is the number of renamed resources.
func (r *renames) Len() int { r.g.reading(); return len(r.m) }

// Olds returns the old ids, sorted.
func (r *renames) Olds() []string {
	r.g.reading()
	out := make([]string, 0, len(r.m))
	for k := range r.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsNew reports whether id is the new id of a renamed resource.
func (r *renames) IsNew(id string) bool { r.g.reading(); return taken2(r.m, id) }

// Map returns a copy of the renames (old -> new), nil when there are none.
func (r *renames) Map() map[string]string {
	r.g.reading()
	if len(r.m) == 0 {
		return nil
	}
	out := make(map[string]string, len(r.m))
	for k, v := range r.m {
		out[k] = v
	}
	return out
}

// walkerList is the node rewriters of the one shared walk, in the order
// the passes registered them.
type walkerList struct {
	g guard
	l []nodeRewriter
}

func newWalkerList(g guard) *walkerList { return &walkerList{g: g} }

// Add registers a rewriter, after those registered before it.
func (w *walkerList) Add(n nodeRewriter) { w.g.writing(); w.l = append(w.l, n) }

// All returns the rewriters in registration order.
func (w *walkerList) All() []nodeRewriter { w.g.reading(); return w.l }
