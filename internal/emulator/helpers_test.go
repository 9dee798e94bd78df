package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// harness runs a Server behind a real HTTP listener, as the provider sees it.
type harness struct {
	t     *testing.T
	srv   *Server
	url   string
	token string // sent as Bearer by call
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	srv := New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &harness{t: t, srv: srv, url: ts.URL, token: srv.IssueToken(0)}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request with the tenant header and the harness's token.
func (h *harness) call(method, path, body string) reply {
	h.t.Helper()
	return h.send(method, path, body, http.Header{
		"X-Servitly-Tenant": {"demo"},
		"Authorization":     {"Bearer " + h.token},
	})
}

// send sends exactly the given headers.
func (h *harness) send(method, path, body string, header http.Header) reply {
	h.t.Helper()
	resp, err := h.sendRaw(method, path, body, header)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

func (h *harness) sendRaw(method, path, body string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(h.t.Context(), method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header = header
	return http.DefaultClient.Do(req)
}

// patLogin logs in with the default demo credentials.
func (h *harness) patLogin() loginResponse {
	h.t.Helper()
	r := h.send("POST", "/identity/users/patLogin", `{"apiKey":"demo-api-key","pat":"demo-pat"}`,
		http.Header{"X-Servitly-Tenant": {"demo"}})
	r.expect(h.t, http.StatusOK)
	var login loginResponse
	r.decode(h.t, &login)
	return login
}

// createPartner posts body and returns the created partner.
func (h *harness) createPartner(body string) partnerJSON {
	h.t.Helper()
	r := h.call("POST", "/network/partners", body)
	r.expect(h.t, http.StatusCreated)
	var p partnerJSON
	r.decode(h.t, &p)
	return p
}

func (r reply) expect(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
}

// expectError checks the status and the {"message": ...} body.
func (r reply) expectError(t *testing.T, status int, message string) {
	t.Helper()
	r.expect(t, status)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var body struct{ Message string }
	r.decode(t, &body)
	if body.Message != message {
		t.Errorf("message %q, want %q", body.Message, message)
	}
}

func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// fakeClock is an Options.Now that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
