package emulator

import (
	"cmp"
	"maps"
	"net/http"
	"strconv"
)

// Stats counts what the server has seen since New or the last ResetStats.
type Stats struct {
	Requests    int            // all requests received, injected faults included
	ByRoute     map[string]int // by "METHOD /route/pattern", e.g. "GET /network/partners/{id}"; unknown routes are not counted
	Logins      int            // successful login and patLogin calls
	Renewals    int            // successful renewToken calls
	Injected429 int
	Injected500 int // includes CreateCommitThenError
	Hung        int // requests held unanswered by Faults.HungGETPercent or HungPercent
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByRoute = maps.Clone(s.stats.ByRoute)
	return st
}

// ResetStats sets every counter to zero.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{ByRoute: make(map[string]int)}
}

func (s *Server) countRequest(rt *route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Requests++
	if rt != nil {
		s.stats.ByRoute[rt.method+" "+rt.pattern]++
	}
}

// statusRecorder remembers the status written, for the request log. Every
// answer here sets its status explicitly, so Write needs no wrapper.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = cmp.Or(r.status, status)
	r.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection, to drop it.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) outcome() string {
	if r.status == 0 {
		return "no answer"
	}
	return strconv.Itoa(r.status)
}
