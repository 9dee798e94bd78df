package client

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// sequence answers the n-th request (0-based) with steps[n], and the last
// step for every request after that.
func sequence(steps ...func(w http.ResponseWriter)) func(http.ResponseWriter, *http.Request, []byte) {
	var n atomic.Int64
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		i := int(n.Add(1) - 1)
		steps[min(i, len(steps)-1)](w)
	}
}

func status(code int, retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeMessage(w, code, http.StatusText(code))
	}
}

func okPartner(code int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { writeJSON(w, code, fullPartnerJSON) }
}

func TestRetryAfter429ThenSuccess(t *testing.T) {
	cases := map[string]string{
		"zero":             "0",
		"past HTTP date":   time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat),
		"unparseable":      "soon",
		"no header at all": "",
	}
	for name, header := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newAPIServer(t, sequence(status(http.StatusTooManyRequests, header), status(http.StatusTooManyRequests, header), okPartner(http.StatusOK)))
			c := newTestClient(t, fastConfig(srv.URL))
			start := time.Now()
			p, err := c.GetPartner(context.Background(), "p1")
			if err != nil {
				t.Fatalf("GetPartner: %v", err)
			}
			wantPartnerP1(t, p)
			if n := srv.count(http.MethodGet, "/network/partners/p1"); n != 3 {
				t.Errorf("server saw %d GETs, want 3", n)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %s; the waits should have been a few milliseconds", d)
			}
		})
	}
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	srv := newAPIServer(t, sequence(status(http.StatusTooManyRequests, "1"), okPartner(http.StatusOK)))
	c := newTestClient(t, fastConfig(srv.URL))
	start := time.Now()
	if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
		t.Fatalf("GetPartner: %v", err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %s, want about the 1s of Retry-After", d)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 10, 21, 7, 28, 0, 0, time.UTC)
	cases := []struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"120", 2 * time.Minute, true},
		{"-1", 0, false},
		{"", 0, false},
		{"1.5", 0, false},
		{"later", 0, false},
		{"Tue, 21 Oct 2025 07:28:30 GMT", 30 * time.Second, true},
		{"Tue, 21 Oct 2025 07:27:00 GMT", 0, true}, // in the past: go now
		{"Tuesday, 21-Oct-25 07:29:00 GMT", time.Minute, true},
	}
	for _, tc := range cases {
		got, ok := retryAfter(tc.value, now)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("retryAfter(%q) = %s, %v; want %s, %v", tc.value, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	p := retryPolicy{budget: time.Minute, minBackoff: 10 * time.Millisecond, maxBackoff: 80 * time.Millisecond}
	for attempt := 1; attempt <= 70; attempt++ {
		wantCap := min(p.minBackoff<<min(attempt-1, 20), p.maxBackoff)
		for range 20 {
			got := p.backoff(attempt, nil)
			if got < wantCap/2 || got > wantCap {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", attempt, got, wantCap/2, wantCap)
			}
		}
	}
	resp := &http.Response{Header: http.Header{"Retry-After": {"3"}}}
	if got := p.backoff(1, resp); got != 3*time.Second {
		t.Errorf("backoff with Retry-After: 3 = %s, want 3s (Retry-After wins over the cap)", got)
	}
}

func TestServerErrorsRetriedForIdempotentMethods(t *testing.T) {
	in := PartnerInput{Name: "Dealer", Code: "IT01"}
	calls := map[string]func(c *Client) error{
		http.MethodGet: func(c *Client) error { _, err := c.GetPartner(context.Background(), "p1"); return err },
		http.MethodPut: func(c *Client) error { _, err := c.UpdatePartner(context.Background(), "p1", in); return err },
		http.MethodDelete: func(c *Client) error {
			return c.DeletePartner(context.Background(), "p1")
		},
	}
	for method, call := range calls {
		t.Run(method, func(t *testing.T) {
			srv := newAPIServer(t, sequence(status(http.StatusInternalServerError, ""), status(http.StatusBadGateway, ""),
				status(http.StatusServiceUnavailable, ""), okPartner(http.StatusOK)))
			c := newTestClient(t, fastConfig(srv.URL))
			if err := call(c); err != nil {
				t.Fatalf("%s: %v", method, err)
			}
			reqs := srv.requests()
			if len(reqs) != 4 {
				t.Fatalf("server saw %d requests, want 4", len(reqs))
			}
			for _, r := range reqs {
				if r.Method != method {
					t.Errorf("method = %s, want %s", r.Method, method)
				}
				if !bytes.Equal(r.Body, reqs[0].Body) {
					t.Errorf("retried body %q differs from the first %q", r.Body, reqs[0].Body)
				}
			}
			if method == http.MethodPut && len(reqs[3].Body) == 0 {
				t.Error("PUT retried without its body")
			}
		})
	}
}

func TestNotImplementedIsNotRetried(t *testing.T) {
	srv := newAPIServer(t, sequence(status(http.StatusNotImplemented, "")))
	c := newTestClient(t, fastConfig(srv.URL))
	_, err := c.GetPartner(context.Background(), "p1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotImplemented {
		t.Errorf("error = %v, want *APIError 501", err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, code := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound} {
		srv := newAPIServer(t, sequence(status(code, "")))
		c := newTestClient(t, fastConfig(srv.URL))
		if _, err := c.GetPartner(context.Background(), "p1"); err == nil {
			t.Errorf("%d: no error", code)
		}
		if n := srv.count(http.MethodGet, "/network/partners/p1"); n != 1 {
			t.Errorf("%d: server saw %d requests, want 1", code, n)
		}
	}
}

func TestPostIsNotResentAfterServerError(t *testing.T) {
	for _, code := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		srv := newAPIServer(t, sequence(status(code, ""), okPartner(http.StatusCreated)))
		c := newTestClient(t, fastConfig(srv.URL))
		var out Partner
		err := c.do(context.Background(), request{method: http.MethodPost, path: "/network/partners", body: map[string]string{"name": "x"}}, &out)
		var unknown *OutcomeUnknownError
		if !errors.As(err, &unknown) {
			t.Fatalf("%d: error = %T %v, want *OutcomeUnknownError", code, err, err)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != code || apiErr.Attempts != 1 {
			t.Errorf("%d: wrapped error = %v, want the *APIError of the one attempt", code, err)
		}
		if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
			t.Errorf("%d: server saw %d POSTs, want exactly 1", code, n)
		}
	}
}

func TestPostRetriedAfter429(t *testing.T) {
	srv := newAPIServer(t, sequence(status(http.StatusTooManyRequests, "0"), okPartner(http.StatusCreated)))
	c := newTestClient(t, fastConfig(srv.URL))
	p, _, err := c.CreatePartner(context.Background(), PartnerInput{Name: "Dealer", Code: "IT01"})
	if err != nil {
		t.Fatalf("CreatePartner: %v", err)
	}
	wantPartnerP1(t, p)
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[0].Method != http.MethodPost || reqs[1].Method != http.MethodPost {
		t.Fatalf("requests = %+v, want two POSTs", reqs)
	}
	if !bytes.Equal(reqs[0].Body, reqs[1].Body) || len(reqs[1].Body) == 0 {
		t.Errorf("the retried POST body %q differs from the first %q", reqs[1].Body, reqs[0].Body)
	}
}

func TestPostConnectionLostAfterSendIsOutcomeUnknown(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) { hangUp(t, w) })
	c := newTestClient(t, fastConfig(srv.URL))
	err := c.do(context.Background(), request{method: http.MethodPost, path: "/network/partners", body: map[string]string{"name": "x"}}, nil)
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) {
		t.Fatalf("error = %T %v, want *OutcomeUnknownError", err, err)
	}
	if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
		t.Errorf("server saw %d POSTs, want exactly 1", n)
	}
}

func TestRetryBudget(t *testing.T) {
	t.Run("persistent 429 ends with the last answer", func(t *testing.T) {
		srv := newAPIServer(t, sequence(status(http.StatusTooManyRequests, "")))
		cfg := fastConfig(srv.URL)
		cfg.RetryMaxWait = 60 * time.Millisecond
		c := newTestClient(t, cfg)
		start := time.Now()
		_, err := c.GetPartner(context.Background(), "p1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("error = %T %v, want *APIError 429", err, err)
		}
		if apiErr.Attempts < 2 || apiErr.Attempts != len(srv.requests()) {
			t.Errorf("Attempts = %d, server saw %d; want equal and > 1", apiErr.Attempts, len(srv.requests()))
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %s with a 60ms budget", d)
		}
	})

	t.Run("Retry-After beyond the budget gives up at once", func(t *testing.T) {
		srv := newAPIServer(t, sequence(status(http.StatusTooManyRequests, "3600")))
		c := newTestClient(t, fastConfig(srv.URL))
		start := time.Now()
		_, err := c.GetPartner(context.Background(), "p1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || apiErr.Attempts != 1 {
			t.Errorf("error = %v, want *APIError 429 after 1 attempt", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %s", d)
		}
	})

	t.Run("context deadline caps the budget", func(t *testing.T) {
		srv := newAPIServer(t, sequence(status(http.StatusTooManyRequests, "2")))
		cfg := fastConfig(srv.URL)
		cfg.RetryMaxWait = time.Hour
		c := newTestClient(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.GetPartner(ctx, "p1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
			t.Errorf("error = %v, want *APIError 429", err)
		}
		if d := time.Since(start); d > 400*time.Millisecond {
			t.Errorf("took %s; a wait past the deadline should not even start", d)
		}
	})

	t.Run("a refused connection before any answer fails at once", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		url := dead.URL
		dead.Close() // connection refused from now on
		cfg := fastConfig(url)
		cfg.RetryMaxWait = time.Hour
		c := newTestClient(t, cfg)
		start := time.Now()
		_, err := c.GetPartner(context.Background(), "p1")
		if !errors.Is(err, syscall.ECONNREFUSED) || time.Since(start) > 5*time.Second {
			t.Fatalf("error = %v after %s, want connection refused at once (a wrong base_url or a server that is down)", err, time.Since(start))
		}
	})

	t.Run("network errors end with RetryBudgetError", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		url := dead.URL
		dead.Close() // connection refused from now on
		cfg := fastConfig(url)
		cfg.RetryMaxWait = 30 * time.Millisecond
		c := newTestClient(t, cfg)
		c.proven.Store(true) // it answered before: a refusal may be a restart
		_, err := c.GetPartner(context.Background(), "p1")
		var budget *RetryBudgetError
		if !errors.As(err, &budget) {
			t.Fatalf("error = %T %v, want *RetryBudgetError", err, err)
		}
		if budget.Attempts < 2 || budget.Last == nil || budget.Budget != 30*time.Millisecond {
			t.Errorf("RetryBudgetError = %+v", budget)
		}
	})

	t.Run("a POST that never connected is retried", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		url := dead.URL
		dead.Close()
		cfg := fastConfig(url)
		cfg.RetryMaxWait = 30 * time.Millisecond
		c := newTestClient(t, cfg)
		c.proven.Store(true)
		err := c.do(context.Background(), request{method: http.MethodPost, path: "/network/partners", body: map[string]string{}}, nil)
		var budget *RetryBudgetError
		if !errors.As(err, &budget) || budget.Attempts < 2 {
			t.Errorf("error = %T %v, want *RetryBudgetError after several attempts (dial errors are safe to retry)", err, err)
		}
		var unknown *OutcomeUnknownError
		if errors.As(err, &unknown) {
			t.Errorf("a POST that never connected is not of unknown outcome: %v", err)
		}
	})
}

func TestContextCancellationStopsWaiting(t *testing.T) {
	srv := newAPIServer(t, sequence(status(http.StatusTooManyRequests, "30")))
	cfg := fastConfig(srv.URL)
	cfg.RetryMaxWait = time.Hour
	c := newTestClient(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetPartner(ctx, "p1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %s, want promptly after the cancellation", d)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestAlreadyCancelledContextSendsNothing(t *testing.T) {
	srv := newAPIServer(t, sequence(okPartner(http.StatusOK)))
	c := newTestClient(t, fastConfig(srv.URL))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetPartner(ctx, "p1"); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

func TestMaxRequestsPerMinutePaces(t *testing.T) {
	srv := newAPIServer(t, sequence(okPartner(http.StatusOK)))
	cfg := fastConfig(srv.URL)
	cfg.MaxRequestsPerMinute = 60 * 50 // one request every 20ms
	c := newTestClient(t, cfg)
	start := time.Now()
	for range 4 {
		if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 55*time.Millisecond {
		t.Errorf("4 requests at 50/s took %s, want at least 60ms", d)
	}
}

func TestCertificateErrorsAreNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
	}))
	t.Cleanup(srv.Close)
	// The default transport does not trust the test server's certificate.
	c, err := New(Config{BaseURL: srv.URL, Tenant: "demo", Token: "t", MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPartner(context.Background(), "p1")
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("want a certificate error, got %v", err)
	}
	var budget *RetryBudgetError
	if errors.As(err, &budget) {
		t.Fatalf("a certificate error must not be retried until the budget runs out: %v", err)
	}
	if hits.Load() != 0 {
		t.Fatalf("the handler must never run, ran %d times", hits.Load())
	}
}

// A POST that the pacing refused to send (its wait would pass the deadline)
// certainly did not reach the server: it must not be reported as a create
// of unknown outcome, nor trigger the lookup by code.
func TestPacedPostThatWasNeverSent(t *testing.T) {
	srv := newAPIServer(t, sequence(okPartner(http.StatusOK)))
	cfg := fastConfig(srv.URL)
	cfg.MaxRequestsPerMinute = 1
	c := newTestClient(t, cfg)
	if _, err := c.GetPartner(context.Background(), "p1"); err != nil { // uses the one token
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, _, err := c.CreatePartner(ctx, PartnerInput{Name: "Dealer", Code: "IT01"})
	if err == nil {
		t.Fatal("CreatePartner succeeded")
	}
	var unknown *OutcomeUnknownError
	var createUnknown *CreateOutcomeUnknownError
	if errors.As(err, &unknown) || errors.As(err, &createUnknown) {
		t.Errorf("error = %v; a request that was never sent has a known outcome", err)
	}
	if reqs := srv.requests(); len(reqs) != 1 {
		t.Errorf("requests = %v, want only the first GET", methods(reqs))
	}
}
