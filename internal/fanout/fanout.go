// Package fanout is the one bounded concurrent reader of the project's
// inventories (preflight's, verify's and provision's): tasks run
// concurrently, at most Limit at a time; a task's panic becomes its error
// (a panic in a goroutine would end the process, the custom resource's
// before it answers); every error is kept under the task's key, the one
// place callers look results up; and Wait returns once every task, and
// every task a task started, is done.
//
// It is errgroup-style with SetLimit, with three differences the readers
// need: Go never blocks the caller (a task waits for its slot in its own
// goroutine, so a task may start follow-up tasks without deadlocking the
// limit); a task may wait at a gate (a rate pacer) before it takes a slot;
// and every error is kept, not just the first, because each one becomes a
// finding of its own.
package fanout

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// Group runs keyed tasks with a bound on how many run at once. The zero
// value is not usable: call New.
type Group[K comparable] struct {
	ctx     context.Context
	slots   chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	errs    map[K]error
	order   []K // keys with an error, in the order they failed first
	pending map[K]int
}

// New returns a group whose tasks run under ctx, at most limit at a time
// (limit <= 0: no bound).
func New[K comparable](ctx context.Context, limit int) *Group[K] {
	g := &Group[K]{ctx: ctx, errs: map[K]error{}, pending: map[K]int{}}
	if limit > 0 {
		g.slots = make(chan struct{}, limit)
	}
	return g
}

// PanicError is a task's panic, turned into its error.
type PanicError struct {
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("internal error (panic): %v", e.Value) }

// Go starts f under key and returns at once. f runs holding one slot of the
// limit; it gets the group's context. Its error (or panic) is kept under
// key; when several tasks share a key, the first error is kept.
func (g *Group[K]) Go(key K, f func(ctx context.Context) error) {
	g.GoAfter(key, nil, f)
}

// GoAfter is Go with a gate: gate (a rate pacer, say) runs before f takes
// its slot, so a task waiting for its turn does not hold one. A gate's
// error is the task's error, and f does not run.
func (g *Group[K]) GoAfter(key K, gate func(ctx context.Context) error, f func(ctx context.Context) error) {
	g.wg.Add(1)
	g.mu.Lock()
	g.pending[key]++
	g.mu.Unlock()
	go func() {
		defer g.wg.Done()
		g.finish(key, g.run(gate, f))
	}()
}

// run runs one task: the gate, a slot, f; a panic becomes the error.
func (g *Group[K]) run(gate, f func(ctx context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p}
		}
	}()
	if gate != nil {
		if err := gate(g.ctx); err != nil {
			return err
		}
	}
	if g.slots != nil {
		select {
		case g.slots <- struct{}{}:
		case <-g.ctx.Done():
			return g.ctx.Err()
		}
		defer func() { <-g.slots }()
	}
	return f(g.ctx)
}

func (g *Group[K]) finish(key K, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pending[key]--; g.pending[key] <= 0 {
		delete(g.pending, key)
	}
	if err == nil {
		return
	}
	if _, seen := g.errs[key]; !seen {
		g.errs[key] = err
		g.order = append(g.order, key)
	}
}

// Wait waits for every task (and the tasks they started) and returns the
// keys whose task failed, in the order they first failed.
func (g *Group[K]) Wait() []K {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.order)
}

// Err is the error kept under key (nil when its tasks succeeded or have not
// finished).
func (g *Group[K]) Err(key K) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.errs[key]
}

// Pending lists the keys of the tasks not finished yet, in no order (for
// "still waiting for ..." progress lines).
func (g *Group[K]) Pending() []K {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]K, 0, len(g.pending))
	for k := range g.pending {
		out = append(out, k)
	}
	return out
}
