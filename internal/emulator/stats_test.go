package emulator

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	h := newHarness(t, Options{})
	h.token = h.patLogin().Token
	p := h.createPartner(`{"name":"x"}`)
	h.call("GET", "/network/partners/"+p.ID, "")
	h.call("GET", "/network/partners/"+p.ID, "")
	h.call("GET", "/v2/network/partners", "")
	h.call("GET", "/unknown", "")

	st := h.srv.Stats()
	want := map[string]int{
		"POST /identity/users/patLogin": 1,
		"POST /network/partners":        1,
		"GET /network/partners/{id}":    2,
		"GET /v2/network/partners":      1,
	}
	if st.Requests != 6 || st.Logins != 1 || !maps.Equal(st.ByRoute, want) {
		t.Errorf("stats %+v", st)
	}

	st.ByRoute["GET /v2/network/partners"] = 99 // a copy
	if h.srv.Stats().ByRoute["GET /v2/network/partners"] != 1 {
		t.Error("Stats returned the live map")
	}

	h.srv.ResetStats()
	if st := h.srv.Stats(); st.Requests != 0 || st.Logins != 0 || len(st.ByRoute) != 0 {
		t.Errorf("after ResetStats: %+v", st)
	}
}

func TestLogf(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	h := newHarness(t, Options{Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}})
	h.call("GET", "/network/partners/abc?secret=1", "")
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || lines[0] != "GET /network/partners/abc 404" {
		t.Errorf("log lines %q", lines)
	}
}

func TestLatency(t *testing.T) {
	h := newHarness(t, Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	h.call("GET", "/v2/network/partners", "").expect(t, 200)
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Errorf("answered after %v, want at least the latency", elapsed)
	}

	// A request whose client has gone is dropped without waiting it out.
	slow := New(Options{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/v2/network/partners", nil)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { slow.ServeHTTP(rec, req); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ServeHTTP ignored the cancelled request context")
	}
	if rec.Body.Len() != 0 {
		t.Errorf("answered a gone client: %s", rec.Body)
	}
}

func TestNewRejectsOddDeleteStatus(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted DeleteStatus 202")
		}
	}()
	New(Options{DeleteStatus: http.StatusAccepted})
}
