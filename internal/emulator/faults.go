package emulator

import (
	"math/rand/v2"
	"net/http"
	"time"
)

// Faults are switched on and off at run time by tests; a real tenant has no
// such switch. After Options.Latency, one roll of the seeded dice per request
// decides between 429, 500, a hung request and a normal answer; the dice are
// rolled only when some fault in force can hit the request.
type Faults struct {
	RateLimitPercent      int    // percent of requests answered 429 {"message":"API call rate limit exeeded"} before any processing
	RetryAfter            string // if non-empty, every second injected 429 carries this Retry-After header value (the others carry none)
	ServerErrorPercent    int    // percent of requests answered 500 {"message":"Internal Server Error"} before any processing
	CreateCommitThenError int    // the next N POST /network/partners store the partner, then answer 500 (response lost)
	CreateCommitThenDrop  int    // the next N POST /network/partners store the partner, then close the connection without answering
	Seed                  int64  // seed for the fault dice (deterministic per seed)

	// HungGETPercent is the percent of GET requests that are never answered:
	// the handler holds the request until the client gives up on it (cancel,
	// timeout or closed connection), so a test must end it before closing the
	// server.
	HungGETPercent int
	// HungPercent is the same for requests of every method, held before
	// anything is processed; it adds to HungGETPercent for GETs.
	HungPercent int
	// CreateAnswerDelay makes POST /network/partners store the partner at
	// once and answer only this long afterwards; if the client goes away
	// meanwhile, nothing is written. Pending CreateCommitThen* faults apply
	// after the delay, errors first, and are not spent by an abandoned create.
	CreateAnswerDelay time.Duration
}

// faultState is the Faults in force plus what they have consumed. Its zero
// value, which New starts with, has no dice: no fault can roll them.
type faultState struct {
	Faults
	dice        *rand.Rand
	injected429 int // since SetFaults, to alternate Retry-After
}

// SetFaults replaces the faults in force and reseeds the dice, so the same
// Faults always produce the same sequence of injected answers.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faultState{Faults: f, dice: rand.New(rand.NewPCG(uint64(f.Seed), 0))}
}

// rollFault says whether r is answered with a 429 or 500, or held
// unanswered, and sets the headers of that answer. One roll decides all
// three, so each percentage is exact on its own.
func (s *Server) rollFault(r *http.Request, header http.Header) (answer error, hang bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	hungPercent := f.HungPercent
	if r.Method == http.MethodGet {
		hungPercent += f.HungGETPercent
	}
	if f.RateLimitPercent <= 0 && f.ServerErrorPercent <= 0 && hungPercent <= 0 {
		return nil, false
	}
	switch roll := f.dice.IntN(100); {
	case roll < f.RateLimitPercent:
		s.stats.Injected429++
		f.injected429++
		if f.RetryAfter != "" && f.injected429%2 == 0 {
			header.Set("Retry-After", f.RetryAfter)
		}
		return errRateLimited, false
	case roll < f.RateLimitPercent+f.ServerErrorPercent:
		s.stats.Injected500++
		return errInternal, false
	case roll < f.RateLimitPercent+f.ServerErrorPercent+hungPercent:
		s.stats.Hung++
		return nil, true
	}
	return nil, false
}

// takeCommitFault consumes one pending fault for a stored partner, errors first: a 500
// to answer, as if the backend lost the response, or drop, as if the network failed.
func (s *Server) takeCommitFault() (answer error, drop bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f := &s.faults; {
	case f.CreateCommitThenError > 0:
		f.CreateCommitThenError--
		s.stats.Injected500++
		return errInternal, false
	case f.CreateCommitThenDrop > 0:
		f.CreateCommitThenDrop--
		return nil, true
	}
	return nil, false
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot hijack; aborting the handler resets the stream,
		// which the client sees the same way.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
