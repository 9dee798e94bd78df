package client

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

func TestRaw(t *testing.T) {
	rateLimited := false
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.Method == http.MethodPut && !rateLimited:
			rateLimited = true
			writeMessage(w, http.StatusTooManyRequests, "slow down")
		case r.Method == http.MethodPut:
			writeJSON(w, http.StatusOK, string(body))
		default:
			writeMessage(w, http.StatusNotFound, "Partner not found")
		}
	})
	c := newTestClient(t, fastConfig(srv.URL))
	ctx := context.Background()

	// A non-2xx answer is handed back as it is, not as an error.
	status, answer, err := c.Raw(ctx, http.MethodGet, "/network/partners/p%201", url.Values{"size": {"1"}}, nil)
	if err != nil || status != http.StatusNotFound || string(answer) != `{"message":"Partner not found"}`+"\n" {
		t.Errorf("GET: %d %q %v", status, answer, err)
	}
	if r := srv.requests()[0]; r.Path != "/network/partners/p 1" || r.Query["size"][0] != "1" {
		t.Errorf("GET sent to %s %v", r.Path, r.Query)
	} else {
		assertHeaders(t, r, false)
	}

	// A 429 is retried as for every other call; the body goes as JSON.
	status, answer, err = c.Raw(ctx, http.MethodPut, "/network/partners/p1", nil, map[string]string{"name": "x"})
	if err != nil || status != http.StatusOK || string(answer) != `{"name":"x"}` {
		t.Errorf("PUT: %d %q %v", status, answer, err)
	}
	if n := srv.count(http.MethodPut, "/network/partners/p1"); n != 2 {
		t.Errorf("%d PUTs sent, want 2 (one retry after the 429)", n)
	}
	assertHeaders(t, srv.requests()[2], true)
	if c.proven.Load() {
		t.Error("a raw answer set proven")
	}

	// A POST is refused before anything is sent.
	if _, _, err := c.Raw(ctx, http.MethodPost, "/network/partners", nil, map[string]string{}); err == nil {
		t.Error("a raw POST was accepted")
	}
	if n := len(srv.requests()); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}
