package stackfake

import "time"

// EditStack changes the stack between two calls, under the double's lock,
// the way something outside the code under test would: an operation that
// left it in another status, a template deployed by hand.
func (s *Server) EditStack(f func(*Stack)) {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	s.advanceLocked(time.Now())
	f(&s.scn.Stack)
}
