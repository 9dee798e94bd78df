package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Shared test helpers: a recording httptest server and client constructors.

const (
	testTenant = "acme"
	testToken  = "static-token-123"
	testUA     = "terraform-provider-servitly/test"
)

// seen is one request as the test server received it.
type seen struct {
	Method      string
	Path        string // decoded
	EscapedPath string
	Query       map[string][]string
	Header      http.Header
	Body        []byte
}

// apiServer is an httptest server that records every request and answers
// with handler.
type apiServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newAPIServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, body []byte)) *apiServer {
	t.Helper()
	s := &apiServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(),
			Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		handler(w, r, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// count returns how many requests had this method and path.
func (s *apiServer) count(method, path string) int {
	n := 0
	for _, r := range s.requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func (s *apiServer) only(t *testing.T) seen {
	t.Helper()
	reqs := s.requests()
	if len(reqs) != 1 {
		t.Fatalf("server saw %d requests, want exactly 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}

// fastConfig is a Config with back-off of a few milliseconds.
func fastConfig(baseURL string) Config {
	return Config{
		BaseURL:      baseURL,
		Tenant:       testTenant,
		Token:        testToken,
		UserAgent:    testUA,
		RetryMaxWait: 2 * time.Second,
		MinBackoff:   time.Millisecond,
		MaxBackoff:   4 * time.Millisecond,
	}
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if s, ok := v.(string); ok {
		_, _ = io.WriteString(w, s)
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// hangUp closes the connection without answering, after the request (and
// its body) reached the server.
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

const fullPartnerJSON = `{"id":"p1","name":"Dealer","code":"IT01","country":"Italy","timezone":"Europe/Rome",` +
	`"properties":{"region":"north"},"organization":{"id":"o1"},"customerCount":3,"creationTimestamp":1700000000000}`

func wantPartnerP1(t *testing.T, p *Partner) {
	t.Helper()
	if p == nil {
		t.Fatal("partner is nil")
	}
	want := Partner{ID: "p1", Name: "Dealer", Code: "IT01", Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"region": "north"}, Organization: &Ref{ID: "o1"}, CustomerCount: 3, CreationTimestamp: 1700000000000}
	if p.ID != want.ID || p.Name != want.Name || p.Code != want.Code || p.Country != want.Country ||
		p.Timezone != want.Timezone || p.OrganizationID() != "o1" || p.CustomerCount != 3 ||
		p.CreationTimestamp != want.CreationTimestamp || len(p.Properties) != 1 || p.Properties["region"] != "north" {
		t.Errorf("partner = %+v, want %+v", *p, want)
	}
}

// assertJSON compares a request body with the expected JSON document,
// ignoring formatting but not fields: a missing or extra field fails.
func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("body = %s, want %s", gb, wb)
	}
}

func assertHeaders(t *testing.T, r seen, withBody bool) {
	t.Helper()
	if got := r.Header.Get(TenantHeader); got != testTenant {
		t.Errorf("%s = %q, want %q", TenantHeader, got, testTenant)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q, want Bearer token", got)
	}
	if got := r.Header.Get("User-Agent"); got != testUA {
		t.Errorf("User-Agent = %q, want %q", got, testUA)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q, want application/json", got)
	}
	ct := r.Header.Get("Content-Type")
	if withBody && ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !withBody && (ct != "" || len(r.Body) != 0) {
		t.Errorf("request without body has Content-Type %q and body %q", ct, r.Body)
	}
}

func TestPartnerCalls(t *testing.T) {
	ctx := context.Background()

	t.Run("create", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusCreated, fullPartnerJSON)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		p, _, err := c.CreatePartner(ctx, PartnerInput{Name: "Dealer", Code: "IT01", Country: "Italy", Timezone: "Europe/Rome",
			Properties: map[string]string{"region": "north"}, Organization: &Ref{ID: "o1"}})
		if err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		wantPartnerP1(t, p)
		r := srv.only(t)
		if r.Method != http.MethodPost || r.Path != "/network/partners" || len(r.Query) != 0 {
			t.Errorf("request = %s %s ?%v, want POST /network/partners", r.Method, r.Path, r.Query)
		}
		assertHeaders(t, r, true)
		assertJSON(t, r.Body, `{"name":"Dealer","code":"IT01","country":"Italy","timezone":"Europe/Rome",`+
			`"properties":{"region":"north"},"organization":{"id":"o1"}}`)
	})

	t.Run("create leaves unset fields out", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusCreated, fullPartnerJSON)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		if _, _, err := c.CreatePartner(ctx, PartnerInput{Name: "Dealer"}); err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		if body := string(srv.only(t).Body); body != `{"name":"Dealer","properties":{}}` {
			t.Errorf("body = %s, want only the name and empty properties", body)
		}
	})

	t.Run("get", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusOK, fullPartnerJSON)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		p, err := c.GetPartner(ctx, "p1")
		if err != nil {
			t.Fatalf("GetPartner: %v", err)
		}
		wantPartnerP1(t, p)
		r := srv.only(t)
		if r.Method != http.MethodGet || r.Path != "/network/partners/p1" || len(r.Query) != 0 {
			t.Errorf("request = %s %s ?%v, want GET /network/partners/p1", r.Method, r.Path, r.Query)
		}
		assertHeaders(t, r, false)
	})

	t.Run("update sends every field", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusOK, fullPartnerJSON)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		p, err := c.UpdatePartner(ctx, "p1", PartnerInput{Name: "Dealer", Code: "IT01", Country: "Italy",
			Timezone: "Europe/Rome", Properties: map[string]string{"region": "north"}, Organization: &Ref{ID: "o1"}})
		if err != nil {
			t.Fatalf("UpdatePartner: %v", err)
		}
		wantPartnerP1(t, p)
		r := srv.only(t)
		if r.Method != http.MethodPut || r.Path != "/network/partners/p1" {
			t.Errorf("request = %s %s, want PUT /network/partners/p1", r.Method, r.Path)
		}
		assertHeaders(t, r, true)
		assertJSON(t, r.Body, `{"name":"Dealer","code":"IT01","country":"Italy","timezone":"Europe/Rome",`+
			`"properties":{"region":"north"},"organization":{"id":"o1"}}`)
	})

	t.Run("update sends every field, cleared ones as empty text, {} and null", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusOK, `{"id":"p1","name":"Dealer"}`)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		if _, err := c.UpdatePartner(ctx, "p1", PartnerInput{Name: "Dealer"}); err != nil {
			t.Fatalf("UpdatePartner: %v", err)
		}
		r := srv.only(t)
		// Explicit values clear a field on a server that merges updates too.
		const want = `{"name":"Dealer","code":"","country":"","timezone":"","properties":{},"organization":null}`
		if string(r.Body) != want {
			t.Errorf("body = %s, want exactly %s", r.Body, want)
		}
	})

	t.Run("delete", func(t *testing.T) {
		for _, status := range []int{http.StatusOK, http.StatusNoContent, http.StatusAccepted} {
			srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				w.WriteHeader(status)
				if status == http.StatusOK {
					_, _ = io.WriteString(w, "1")
				}
			})
			c := newTestClient(t, fastConfig(srv.URL))
			if err := c.DeletePartner(ctx, "p1"); err != nil {
				t.Errorf("DeletePartner answered %d: %v", status, err)
			}
			r := srv.only(t)
			if r.Method != http.MethodDelete || r.Path != "/network/partners/p1" {
				t.Errorf("request = %s %s, want DELETE /network/partners/p1", r.Method, r.Path)
			}
			assertHeaders(t, r, false)
		}
	})

	t.Run("delete treats the partner's own 404 as success", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			if r.Method == http.MethodGet {
				writeJSON(w, http.StatusOK, `{"content":[],"last":true}`)
				return
			}
			writeMessage(w, http.StatusNotFound, "Resource not found")
		})
		c := newTestClient(t, fastConfig(srv.URL))
		if err := c.DeletePartner(ctx, "gone"); err != nil {
			t.Errorf("DeletePartner of a missing partner: %v, want nil", err)
		}
		if got := methods(srv.requests()); len(got) != 2 || got[1] != "GET /v2/network/partners" {
			t.Errorf("requests = %v, want the DELETE and one list page proving the tenant", got)
		}
	})

	t.Run("delete reports other errors", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeMessage(w, http.StatusForbidden, "User not authorized")
		})
		c := newTestClient(t, fastConfig(srv.URL))
		err := c.DeletePartner(ctx, "p1")
		if !IsStatus(err, http.StatusForbidden) {
			t.Errorf("DeletePartner: %v, want a 403", err)
		}
	})

	t.Run("list", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusOK, `{"content":[`+fullPartnerJSON+`],"first":true,"last":true,"totalPages":1,"number":0}`)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		got, err := c.ListPartners(ctx, PartnerFilter{Name: "Dealer", Country: "Italy", SearchText: "*Deal*"})
		if err != nil {
			t.Fatalf("ListPartners: %v", err)
		}
		if len(got) != 1 {
			t.Fatalf("got %d partners, want 1", len(got))
		}
		wantPartnerP1(t, &got[0])
		r := srv.only(t)
		if r.Method != http.MethodGet || r.Path != "/v2/network/partners" {
			t.Errorf("request = %s %s, want GET /v2/network/partners", r.Method, r.Path)
		}
		assertHeaders(t, r, false)
		wantQuery := map[string]string{"page": "0", "size": "200", "name": "eq;Dealer", "country": "eq;Italy",
			"searchText": "*Deal*", "searchField": "name"}
		assertQuery(t, r.Query, wantQuery)
	})

	t.Run("get organization", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusOK, `{"id":"o1","name":"Org","country":"Italy","timezone":"Europe/Rome","parent":{"id":"root"}}`)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		o, err := c.GetOrganization(ctx, "o1")
		if err != nil {
			t.Fatalf("GetOrganization: %v", err)
		}
		if o.ID != "o1" || o.Name != "Org" || o.Parent == nil || o.Parent.ID != "root" {
			t.Errorf("organization = %+v", o)
		}
		r := srv.only(t)
		if r.Method != http.MethodGet || r.Path != "/network/organizations/o1" {
			t.Errorf("request = %s %s", r.Method, r.Path)
		}
	})
}

func assertQuery(t *testing.T, got map[string][]string, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("query = %v, want %v", got, want)
	}
	for k, v := range want {
		if len(got[k]) != 1 || got[k][0] != v {
			t.Errorf("query %s = %v, want %q", k, got[k], v)
		}
	}
}

func TestPathPrefixAndEscaping(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, `{"id":"x"}`)
	})
	c := newTestClient(t, fastConfig(srv.URL+"/api/"))
	ctx := context.Background()
	if _, err := c.GetPartner(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPartner(ctx, "a b/c%d?é"); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(reqs))
	}
	if reqs[0].Path != "/api/network/partners/p1" {
		t.Errorf("path = %q, want the base URL's prefix kept: /api/network/partners/p1", reqs[0].Path)
	}
	// The id must arrive as one path segment, escaped once: the server
	// decodes it back to the id, not to a second layer of escapes.
	if reqs[1].Path != "/api/network/partners/a b/c%d?é" {
		t.Errorf("decoded path = %q, want /api/network/partners/a b/c%%d?é", reqs[1].Path)
	}
	if want := "/api/network/partners/a%20b%2Fc%25d%3F%C3%A9"; reqs[1].EscapedPath != want {
		t.Errorf("escaped path = %q, want %q", reqs[1].EscapedPath, want)
	}
	if len(reqs[1].Query) != 0 {
		t.Errorf("query = %v, want none", reqs[1].Query)
	}
}

func TestDefaultUserAgentWhenUnset(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, `{"id":"x"}`)
	})
	cfg := fastConfig(srv.URL)
	cfg.UserAgent = ""
	c := newTestClient(t, cfg)
	if _, err := c.GetPartner(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if ua := srv.only(t).Header.Get("User-Agent"); ua == "" {
		t.Error("no User-Agent sent")
	}
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		status    int
		message   string
		notFound  bool
		forbidden bool
	}{
		{http.StatusBadRequest, "Request data not valid", false, false},
		{http.StatusUnauthorized, "User not authenticated", false, false},
		{http.StatusForbidden, "User not authorized", false, true},
		// Every path answers 404 here, the list that would prove the
		// tenant too, so this 404 cannot mean the partner is gone.
		{http.StatusNotFound, "Resource not found", false, false},
		{http.StatusTooManyRequests, "API call rate limit exeeded", false, false},
		{http.StatusInternalServerError, "Internal Server Error", false, false},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				// A long Retry-After makes 429 give up at once.
				w.Header().Set("Retry-After", "3600")
				writeMessage(w, tc.status, tc.message)
			})
			cfg := fastConfig(srv.URL)
			cfg.RetryMaxWait = time.Nanosecond // no time to retry 5xx either
			c := newTestClient(t, cfg)
			_, err := c.GetPartner(context.Background(), "p1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %T %v, want *APIError", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Message != tc.message || apiErr.Method != http.MethodGet ||
				apiErr.Path != "/network/partners/p1" || apiErr.Attempts != 1 {
				t.Errorf("APIError = %+v", apiErr)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error text %q lacks the server's message", err)
			}
			if IsNotFound(err) != tc.notFound || IsStatus(err, http.StatusForbidden) != tc.forbidden {
				t.Errorf("IsNotFound = %v, IsStatus 403 = %v", IsNotFound(err), IsStatus(err, http.StatusForbidden))
			}
		})
	}
}

// A 403 names the permission its request needs, for the provider's advice;
// a login needs none.
func TestForbiddenNamesPermission(t *testing.T) {
	ctx := context.Background()
	const write = "READ_PARTNER and WRITE_PARTNER"
	for _, tc := range []struct {
		name string
		call func(*Client) error
		want string
	}{
		{"list partners", func(c *Client) error { _, err := c.ListPartners(ctx, PartnerFilter{}); return err }, "READ_ALL_PARTNERS"},
		{"get partner", func(c *Client) error { _, err := c.GetPartner(ctx, "p1"); return err }, "READ_PARTNER"},
		{"create partner", func(c *Client) error { _, _, err := c.CreatePartner(ctx, PartnerInput{Name: "x"}); return err }, write},
		{"update partner", func(c *Client) error { _, err := c.UpdatePartner(ctx, "p1", PartnerInput{Name: "x"}); return err }, write},
		{"delete partner", func(c *Client) error { return c.DeletePartner(ctx, "p1") }, write},
		{"get organization", func(c *Client) error { _, err := c.GetOrganization(ctx, "o1"); return err }, "READ_ORGANIZATION"},
		{"list organizations", func(c *Client) error { _, err := c.ListOrganizations(ctx, "x"); return err }, "READ_ALL_ORGANIZATIONS"},
		{"login", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				writeMessage(w, http.StatusForbidden, "User not authorized")
			})
			cfg := fastConfig(srv.URL)
			if tc.call == nil { // a login refused before the partner's GET
				cfg.Token, cfg.APIKey, cfg.PAT = "", "k", "p"
				tc.call = func(c *Client) error { _, err := c.GetPartner(ctx, "p1"); return err }
			}
			err := tc.call(newTestClient(t, cfg))
			if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.StatusCode != http.StatusForbidden || apiErr.Permission != tc.want {
				t.Errorf("error = %#v, want a 403 *APIError needing %q", err, tc.want)
			}
		})
	}
}

func TestNonJSONBodies(t *testing.T) {
	const html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
	ctx := context.Background()

	t.Run("error status with an HTML page", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, html)
		})
		cfg := fastConfig(srv.URL)
		cfg.RetryMaxWait = time.Nanosecond
		c := newTestClient(t, cfg)
		_, err := c.GetPartner(ctx, "p1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
			t.Fatalf("error = %v, want *APIError 502", err)
		}
		if !strings.Contains(apiErr.Message, "Bad Gateway") || !strings.Contains(apiErr.Message, "nginx") {
			t.Errorf("message %q should give the status text and an excerpt of the body", apiErr.Message)
		}
	})

	t.Run("error status with an empty body", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.WriteHeader(http.StatusForbidden)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		_, err := c.GetPartner(ctx, "p1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Message != "Forbidden" || !IsStatus(err, http.StatusForbidden) {
			t.Errorf("error = %v, want *APIError 403 with message Forbidden", err)
		}
	})

	t.Run("error status with a JSON body without message", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusBadRequest, `{"error":"bad"}`)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		_, err := c.GetPartner(ctx, "p1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !strings.HasPrefix(apiErr.Message, "Bad Request") || !strings.Contains(apiErr.Message, `error`) {
			t.Errorf("error = %v, want *APIError 400 with the status text and body excerpt", err)
		}
	})

	for name, body := range map[string]string{
		"HTML page":      html,
		"truncated JSON": `{"id":"p1","name":"Dea`,
		"wrong type":     `{"id":"p1","customerCount":"many"}`,
		"fraction":       `{"id":"p1","customerCount":2.5}`,
	} {
		t.Run("200 with "+name, func(t *testing.T) {
			srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, body)
			})
			c := newTestClient(t, fastConfig(srv.URL))
			p, err := c.GetPartner(ctx, "p1")
			var decErr *DecodeError
			if !errors.As(err, &decErr) {
				t.Fatalf("GetPartner = %+v, %v; want *DecodeError", p, err)
			}
			if decErr.StatusCode != http.StatusOK || decErr.Method != http.MethodGet || decErr.Path != "/network/partners/p1" {
				t.Errorf("DecodeError = %+v", decErr)
			}
			if decErr.Excerpt != body {
				t.Errorf("excerpt = %q, want %q", decErr.Excerpt, body)
			}
			if !strings.Contains(err.Error(), "HTTP 200") {
				t.Errorf("error text %q should name the status", err)
			}
		})
	}

	t.Run("excerpt of a long body is cut", func(t *testing.T) {
		long := "<html>" + strings.Repeat("x", 5000)
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			_, _ = io.WriteString(w, long)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		_, err := c.GetPartner(ctx, "p1")
		var decErr *DecodeError
		if !errors.As(err, &decErr) {
			t.Fatalf("error = %v, want *DecodeError", err)
		}
		if len(decErr.Excerpt) > 210 || !strings.HasPrefix(decErr.Excerpt, "<html>") || !strings.HasSuffix(decErr.Excerpt, "...") {
			t.Errorf("excerpt has %d bytes: %q", len(decErr.Excerpt), decErr.Excerpt)
		}
	})

	for name, body := range map[string]string{"empty object": `{}`, "null": `null`, "array": `[]`} {
		t.Run("200 with "+name+" is not a partner", func(t *testing.T) {
			srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				writeJSON(w, http.StatusOK, body)
			})
			c := newTestClient(t, fastConfig(srv.URL))
			p, err := c.GetPartner(ctx, "p1")
			if err == nil || p != nil {
				t.Errorf("GetPartner = %+v, %v; want an error", p, err)
			}
		})
	}

}

func TestParseBaseURL(t *testing.T) {
	ok := []struct{ in, wantHost, wantPath string }{
		{"https://api.servitly.com", "api.servitly.com", ""},
		{"https://api.servitly.com/", "api.servitly.com", ""},
		{"  https://acme.servitly.com/api/  ", "acme.servitly.com", "/api"},
		{"https://acme.servitly.com:8443/a/b", "acme.servitly.com:8443", "/a/b"},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", ""},
		{"http://127.0.0.1:8080/prefix", "127.0.0.1:8080", "/prefix"},
		{"http://[::1]:9000", "[::1]:9000", ""},
		{"http://localhost:9000", "localhost:9000", ""},
	}
	for _, tc := range ok {
		u, err := ParseBaseURL(tc.in)
		if err != nil {
			t.Errorf("ParseBaseURL(%q): %v", tc.in, err)
			continue
		}
		if u.Host != tc.wantHost || u.Path != tc.wantPath {
			t.Errorf("ParseBaseURL(%q) = host %q path %q, want %q %q", tc.in, u.Host, u.Path, tc.wantHost, tc.wantPath)
		}
	}

	bad := []struct{ in, mention string }{
		{"http://api.servitly.com", "https"},
		{"http://10.0.0.5:8080", "https"},
		{"http://localhost.evil.example", "https"},
		{"/network/partners", "https"},
		{"api.servitly.com", "https"},
		{"ftp://api.servitly.com", "https"},
		{"garbage", "https"},
		{"", "https"},
		{"https://", "https"},
		{"https://api.servitly.com/?x=1", "query"},
		{"https://api.servitly.com/#frag", "fragment"},
		{"http://[::1", "not a valid URL"},
	}
	for _, tc := range bad {
		u, err := ParseBaseURL(tc.in)
		if err == nil {
			t.Errorf("ParseBaseURL(%q) = %v, want an error", tc.in, u)
			continue
		}
		if !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("ParseBaseURL(%q) error %q should mention %q", tc.in, err, tc.mention)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	cases := map[string]Config{
		"http to a remote host": {BaseURL: "http://api.servitly.com", Tenant: "acme", Token: "t"},
		"blank tenant":          {Tenant: "  ", Token: "t"},
		"no credentials":        {Tenant: "acme"},
		"two flows":             {Tenant: "acme", Token: "t", APIKey: "k", PAT: "p"},
	}
	for name, cfg := range cases {
		if c, err := New(cfg); err == nil {
			t.Errorf("%s: New = %v, want an error", name, c)
		}
	}
	c, err := New(Config{Tenant: "acme", Token: "t"})
	if err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
	if got := c.baseURL.String(); got != DefaultBaseURL {
		t.Errorf("default base URL = %q, want %q", got, DefaultBaseURL)
	}
}
