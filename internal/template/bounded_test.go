package template

import (
	"runtime"
	"testing"
	"time"
)

// decodeBudget is what one Decode may cost: a deadline, generous for a
// shared machine, and a memory budget proportional to the input, far below
// what any expansion of aliases would need.
type decodeBudget struct {
	deadline     time.Duration
	bytesPerByte uint64 // allocated bytes allowed per input byte
	baseBytes    uint64
}

var defaultBudget = decodeBudget{deadline: 2 * time.Second, bytesPerByte: 2000, baseBytes: 1 << 20}

// decodeBounded runs Decode within the budget and fails the test when it
// overruns the deadline or allocates more than its share. The measure is
// runtime.MemStats.TotalAlloc, which counts every allocation of the process
// while Decode runs: the budget leaves room for the test runtime's own.
func decodeBounded(t testing.TB, data []byte, b decodeBudget) (map[string]any, error) {
	t.Helper()
	type result struct {
		doc   map[string]any
		err   error
		alloc uint64
	}
	done := make(chan result, 1)
	go func() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		doc, err := Decode(data)
		runtime.ReadMemStats(&after)
		done <- result{doc, err, after.TotalAlloc - before.TotalAlloc}
	}()
	select {
	case r := <-done:
		if limit := b.baseBytes + b.bytesPerByte*uint64(len(data)); r.alloc > limit {
			t.Fatalf("Decode of %d bytes allocated %d bytes, budget %d", len(data), r.alloc, limit)
		}
		return r.doc, r.err
	case <-time.After(b.deadline):
		t.Fatalf("Decode of %d bytes ran past its %v deadline", len(data), b.deadline)
		return nil, nil
	}
}

// valueCount counts the values of a decoded document (objects, lists and
// scalars).
func valueCount(v any) int {
	n := 1
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			n += valueCount(e)
		}
	case []any:
		for _, e := range t {
			n += valueCount(e)
		}
	}
	return n
}
