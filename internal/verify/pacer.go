package verify

import (
	"context"
	"sync"
	"time"
)

// pacer is a token bucket that keeps calls to one API under its rate quota
// (Lambda allows 15 GetFunctionConfiguration calls per second per account,
// not adjustable: a stack with many functions would otherwise be throttled).
type pacer struct {
	mu       sync.Mutex
	interval time.Duration // one token per interval
	burst    float64
	tokens   float64
	last     time.Time
}

// newPacer allows rate calls per second after an initial burst; rate <= 0
// means no limit (nil pacer).
func newPacer(rate float64, burst int) *pacer {
	if rate <= 0 {
		return nil
	}
	return &pacer{interval: time.Duration(float64(time.Second) / rate), burst: float64(burst), tokens: float64(burst)}
}

// wait takes a token, sleeping until one is available or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	if !p.last.IsZero() {
		p.tokens = min(p.burst, p.tokens+float64(now.Sub(p.last))/float64(p.interval))
	}
	p.last = now
	p.tokens--
	var delay time.Duration
	if p.tokens < 0 {
		delay = time.Duration(-p.tokens * float64(p.interval))
	}
	p.mu.Unlock()
	if delay == 0 {
		return nil
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
