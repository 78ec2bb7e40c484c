package fanout

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// TestLimit: never more than limit tasks run at once, and every task runs.
func TestLimit(t *testing.T) {
	for _, limit := range []int{1, 3, 0} {
		g := New[int](context.Background(), limit)
		var running, peak, ran atomic.Int64
		for i := range 20 {
			g.Go(i, func(context.Context) error {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
				ran.Add(1)
				return nil
			})
		}
		if failed := g.Wait(); len(failed) != 0 {
			t.Errorf("limit %d: failed %v", limit, failed)
		}
		if ran.Load() != 20 {
			t.Errorf("limit %d: %d tasks ran, want 20", limit, ran.Load())
		}
		if limit > 0 && peak.Load() > int64(limit) {
			t.Errorf("limit %d: %d ran at once", limit, peak.Load())
		}
	}
}

// TestPanicAndErrors: a panic is its task's error; every failed key is
// kept, the first error of a key wins; other tasks are not disturbed.
func TestPanicAndErrors(t *testing.T) {
	g := New[string](context.Background(), 2)
	boom := errors.New("boom")
	g.Go("panics", func(context.Context) error { panic("nil map") })
	g.Go("fails", func(context.Context) error { return boom })
	g.Go("ok", func(context.Context) error { return nil })
	failed := g.Wait()
	slices.Sort(failed)
	if !slices.Equal(failed, []string{"fails", "panics"}) {
		t.Fatalf("failed %v", failed)
	}
	var pe *PanicError
	if err := g.Err("panics"); !errors.As(err, &pe) || pe.Value != "nil map" || err.Error() != "internal error (panic): nil map" {
		t.Errorf("panic error %v", err)
	}
	if !errors.Is(g.Err("fails"), boom) || g.Err("ok") != nil {
		t.Errorf("errors %v %v", g.Err("fails"), g.Err("ok"))
	}
}

// TestFollowUps: a task holding the only slot starts follow-up tasks and
// returns; Wait waits for them (no deadlock on the limit).
func TestFollowUps(t *testing.T) {
	g := New[string](context.Background(), 1)
	var ran atomic.Int64
	g.Go("parent", func(context.Context) error {
		for _, k := range []string{"a", "b", "c"} {
			g.Go(k, func(context.Context) error { ran.Add(1); return nil })
		}
		return nil
	})
	done := make(chan struct{})
	go func() { g.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return")
	}
	if ran.Load() != 3 {
		t.Errorf("%d follow-ups ran, want 3", ran.Load())
	}
}

// TestGate: a task waits at its gate without a slot; a gate's error is the
// task's and the task does not run.
func TestGate(t *testing.T) {
	g := New[string](context.Background(), 1)
	release := make(chan struct{})
	var order []string
	g.GoAfter("gated", func(context.Context) error { <-release; return nil }, func(context.Context) error {
		order = append(order, "gated")
		return nil
	})
	g.Go("free", func(context.Context) error {
		order = append(order, "free")
		close(release)
		return nil
	})
	shut := errors.New("closed")
	var ranShut bool
	g.GoAfter("shut", func(context.Context) error { return shut }, func(context.Context) error { ranShut = true; return nil })
	g.Wait()
	if !slices.Equal(order, []string{"free", "gated"}) || ranShut || !errors.Is(g.Err("shut"), shut) {
		t.Errorf("order %v, shut ran %v, err %v", order, ranShut, g.Err("shut"))
	}
}

// TestCancelled: a task waiting for a slot when the context ends gets the
// context's error and does not run; Pending lists unfinished keys.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := New[string](ctx, 1)
	hold, held := make(chan struct{}), make(chan struct{})
	g.Go("holder", func(context.Context) error { close(held); <-hold; return nil })
	<-held // the only slot is taken
	var ran atomic.Bool
	g.Go("waiter", func(context.Context) error { ran.Store(true); return nil })
	p := g.Pending()
	slices.Sort(p)
	if !slices.Equal(p, []string{"holder", "waiter"}) {
		t.Errorf("pending %v", p)
	}
	cancel()
	for deadline := time.Now().Add(5 * time.Second); slices.Contains(g.Pending(), "waiter"); {
		if time.Now().After(deadline) {
			t.Fatal("the waiter did not give up")
		}
		time.Sleep(time.Millisecond)
	}
	close(hold)
	g.Wait()
	if ran.Load() || !errors.Is(g.Err("waiter"), context.Canceled) || g.Err("holder") != nil {
		t.Errorf("waiter ran %v err %v, holder err %v", ran.Load(), g.Err("waiter"), g.Err("holder"))
	}
	if len(g.Pending()) != 0 {
		t.Errorf("pending after Wait: %v", g.Pending())
	}
}
