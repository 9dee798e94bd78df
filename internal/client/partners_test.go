package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// createServer fakes POST /network/partners and the lookup by code.
// post answers the n-th POST (1-based); list answers every lookup, and a
// partner's GET answers its entry in the list.
func createServer(t *testing.T, post func(w http.ResponseWriter, n int), list func(w http.ResponseWriter, r *http.Request)) *apiServer {
	var posts atomic.Int64
	return newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/network/partners":
			post(w, int(posts.Add(1)))
		case r.Method == http.MethodGet && r.URL.Path == "/v2/network/partners":
			list(w, r)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/network/partners/"):
			rec := httptest.NewRecorder()
			list(rec, r)
			var page Page[json.RawMessage]
			_ = json.Unmarshal(rec.Body.Bytes(), &page)
			for _, entry := range page.Content {
				var p Partner
				if json.Unmarshal(entry, &p) == nil && p.ID == strings.TrimPrefix(r.URL.Path, "/network/partners/") {
					writeJSON(w, http.StatusOK, string(entry))
					return
				}
			}
			writeMessage(w, http.StatusNotFound, "Resource not found")
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusTeapot)
		}
	})
}

// failFirstPost answers the first POST with 500, as if the server had
// committed the partner and then failed, and later POSTs with 201.
func failFirstPost(w http.ResponseWriter, n int) {
	if n == 1 {
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	writeJSON(w, http.StatusCreated, `{"id":"p2","name":"Dealer","code":"IT01"}`)
}

func listOf(partners ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"content":[`+strings.Join(partners, ",")+`],"last":true}`)
	}
}

var dealerInput = PartnerInput{Name: "Dealer", Code: "IT01", Country: "Italy", Timezone: "Europe/Rome",
	Properties: map[string]string{"region": "north"}, Organization: &Ref{ID: "o1"}}

func TestCreatePartnerRecovery(t *testing.T) {
	ctx := context.Background()

	t.Run("adopts the single matching partner", func(t *testing.T) {
		srv := createServer(t, failFirstPost, listOf(fullPartnerJSON))
		c := newTestClient(t, fastConfig(srv.URL))
		p, _, err := c.CreatePartner(ctx, dealerInput)
		if err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		wantPartnerP1(t, p)
		if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
			t.Errorf("server saw %d POSTs, want exactly 1", n)
		}
		var lookups []seen
		for _, r := range srv.requests() {
			if r.Method == http.MethodGet {
				lookups = append(lookups, r)
			}
		}
		if len(lookups) != 1 {
			t.Fatalf("server saw %d lookups, want 1", len(lookups))
		}
		assertQuery(t, lookups[0].Query, map[string]string{"code": "eq;IT01", "page": "0", "size": "200"})
		assertHeaders(t, lookups[0], false)
	})

	t.Run("also after the connection broke", func(t *testing.T) {
		srv := createServer(t, func(w http.ResponseWriter, _ int) { hangUp(t, w) }, listOf(fullPartnerJSON))
		c := newTestClient(t, fastConfig(srv.URL))
		p, _, err := c.CreatePartner(ctx, dealerInput)
		if err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		wantPartnerP1(t, p)
		if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
			t.Errorf("server saw %d POSTs, want exactly 1", n)
		}
	})

	for name, body := range map[string]string{
		"without an id":  `{"name":"Dealer","code":"IT01"}`,
		"truncated JSON": `{"id":"p1","na`,
		"HTML":           `<html>created</html>`,
	} {
		t.Run("a 201 "+name+" is an unknown outcome too", func(t *testing.T) {
			srv := createServer(t, func(w http.ResponseWriter, _ int) { writeJSON(w, http.StatusCreated, body) }, listOf(fullPartnerJSON))
			c := newTestClient(t, fastConfig(srv.URL))
			p, _, err := c.CreatePartner(ctx, dealerInput)
			if err != nil {
				t.Fatalf("CreatePartner: %v", err)
			}
			wantPartnerP1(t, p)
			if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
				t.Errorf("server saw %d POSTs, want exactly 1", n)
			}
		})
	}

	t.Run("no match sends the POST again", func(t *testing.T) {
		srv := createServer(t, failFirstPost, listOf())
		c := newTestClient(t, fastConfig(srv.URL))
		p, _, err := c.CreatePartner(ctx, dealerInput)
		if err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		if p.ID != "p2" {
			t.Errorf("partner = %+v, want the one the second POST created", p)
		}
		reqs := srv.requests()
		if len(reqs) != 4 || reqs[0].Method != http.MethodPost || reqs[1].Method != http.MethodGet || reqs[2].Method != http.MethodGet || reqs[3].Method != http.MethodPost {
			t.Fatalf("requests = %v, want POST, GET (filtered), GET (unfiltered walk), POST", methods(reqs))
		}
		if url.Values(reqs[1].Query).Get("code") != "eq;IT01" || url.Values(reqs[2].Query).Has("code") {
			t.Errorf("lookups = %v then %v, want the code filter, then the unfiltered list", reqs[1].Query, reqs[2].Query)
		}
		if string(reqs[0].Body) != string(reqs[3].Body) {
			t.Errorf("second POST body %s differs from the first %s", reqs[3].Body, reqs[0].Body)
		}
	})

	t.Run("a server ignoring the code filter is filtered again", func(t *testing.T) {
		other := `{"id":"x9","name":"Dealer","code":"IT011","country":"Italy","timezone":"Europe/Rome","properties":{"region":"north"},"organization":{"id":"o1"}}`
		srv := createServer(t, failFirstPost, listOf(other))
		c := newTestClient(t, fastConfig(srv.URL))
		p, _, err := c.CreatePartner(ctx, dealerInput)
		if err != nil {
			t.Fatalf("CreatePartner: %v", err)
		}
		if p.ID != "p2" {
			t.Errorf("adopted %+v, which has another code", p)
		}
		if n := srv.count(http.MethodPost, "/network/partners"); n != 2 {
			t.Errorf("server saw %d POSTs, want 2", n)
		}
	})

	t.Run("gives up after a bounded number of POSTs", func(t *testing.T) {
		srv := createServer(t, func(w http.ResponseWriter, _ int) {
			writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		}, listOf())
		c := newTestClient(t, fastConfig(srv.URL))
		_, _, err := c.CreatePartner(ctx, dealerInput)
		var unknown *CreateOutcomeUnknownError
		if !errors.As(err, &unknown) || len(unknown.Candidates) != 0 {
			t.Fatalf("error = %v, want *CreateOutcomeUnknownError without candidates", err)
		}
		if n := srv.count(http.MethodPost, "/network/partners"); n != maxCreateAttempts {
			t.Errorf("server saw %d POSTs, want %d", n, maxCreateAttempts)
		}
	})

	t.Run("two matches are not adopted", func(t *testing.T) {
		second := strings.Replace(fullPartnerJSON, `"id":"p1"`, `"id":"p3"`, 1)
		srv := createServer(t, failFirstPost, listOf(fullPartnerJSON, second))
		c := newTestClient(t, fastConfig(srv.URL))
		p, _, err := c.CreatePartner(ctx, dealerInput)
		var unknown *CreateOutcomeUnknownError
		if !errors.As(err, &unknown) {
			t.Fatalf("CreatePartner = %+v, %v; want *CreateOutcomeUnknownError", p, err)
		}
		if len(unknown.Candidates) != 2 || unknown.Candidates[0].ID != "p1" || unknown.Candidates[1].ID != "p3" {
			t.Errorf("Candidates = %+v, want p1 and p3", unknown.Candidates)
		}
		if !strings.Contains(err.Error(), `2 partners with code "IT01"`) {
			t.Errorf("error text %q", err)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
			t.Errorf("the POST's 500 should stay reachable with errors.As: %v", err)
		}
		if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
			t.Errorf("server saw %d POSTs, want exactly 1", n)
		}
	})

	for field, mismatch := range map[string]string{
		"name":         strings.Replace(fullPartnerJSON, `"name":"Dealer"`, `"name":"Someone else"`, 1),
		"country":      strings.Replace(fullPartnerJSON, `"country":"Italy"`, `"country":"France"`, 1),
		"timezone":     strings.Replace(fullPartnerJSON, `"Europe/Rome"`, `"Europe/Paris"`, 1),
		"properties":   strings.Replace(fullPartnerJSON, `"north"`, `"south"`, 1),
		"organization": strings.Replace(fullPartnerJSON, `{"id":"o1"}`, `{"id":"o2"}`, 1),
	} {
		t.Run("a match with another "+field+" is not adopted", func(t *testing.T) {
			srv := createServer(t, failFirstPost, listOf(mismatch))
			c := newTestClient(t, fastConfig(srv.URL))
			_, _, err := c.CreatePartner(ctx, dealerInput)
			var unknown *CreateOutcomeUnknownError
			if !errors.As(err, &unknown) || len(unknown.Candidates) != 1 || unknown.Candidates[0].ID != "p1" {
				t.Fatalf("error = %v, want *CreateOutcomeUnknownError with the one candidate", err)
			}
			if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
				t.Errorf("server saw %d POSTs, want exactly 1", n)
			}
		})
	}

	t.Run("without a code there is no lookup", func(t *testing.T) {
		srv := createServer(t, failFirstPost, listOf(fullPartnerJSON))
		c := newTestClient(t, fastConfig(srv.URL))
		in := dealerInput
		in.Code = ""
		_, _, err := c.CreatePartner(ctx, in)
		var unknown *CreateOutcomeUnknownError
		if !errors.As(err, &unknown) || unknown.Candidates != nil || unknown.LookupErr != nil {
			t.Fatalf("error = %v, want *CreateOutcomeUnknownError without candidates", err)
		}
		if !strings.Contains(err.Error(), "no code") {
			t.Errorf("error text %q should say the partner has no code", err)
		}
		reqs := srv.requests()
		if len(reqs) != 1 || reqs[0].Method != http.MethodPost {
			t.Errorf("requests = %v, want the one POST", methods(reqs))
		}
	})

	t.Run("a failed lookup is reported", func(t *testing.T) {
		srv := createServer(t, failFirstPost, func(w http.ResponseWriter, _ *http.Request) {
			writeMessage(w, http.StatusForbidden, "User not authorized")
		})
		c := newTestClient(t, fastConfig(srv.URL))
		_, _, err := c.CreatePartner(ctx, dealerInput)
		var unknown *CreateOutcomeUnknownError
		if !errors.As(err, &unknown) || !IsStatus(unknown.LookupErr, http.StatusForbidden) {
			t.Fatalf("error = %v, want *CreateOutcomeUnknownError with the lookup's 403", err)
		}
		if !strings.Contains(err.Error(), "User not authorized") {
			t.Errorf("error text %q should include the lookup's failure", err)
		}
		if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
			t.Errorf("server saw %d POSTs, want exactly 1", n)
		}
	})

	t.Run("a 4xx on create is returned as is, without lookup", func(t *testing.T) {
		srv := createServer(t, func(w http.ResponseWriter, _ int) {
			writeMessage(w, http.StatusNotFound, "Resource not found")
		}, listOf(fullPartnerJSON))
		c := newTestClient(t, fastConfig(srv.URL))
		_, _, err := c.CreatePartner(ctx, dealerInput)
		if !IsStatus(err, http.StatusNotFound) || IsNotFound(err) {
			t.Errorf("error = %v, want a plain 404 (a create's 404 never means a partner is gone)", err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

func methods(reqs []seen) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Method + " " + r.Path
	}
	return out
}

// An update answered without the partner (204, or 200 with no body) is read
// back, so state still comes from the API.
func TestUpdatePartnerWithoutBodyReadsBack(t *testing.T) {
	for _, status := range []int{http.StatusOK, http.StatusNoContent} {
		var gets atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodPut:
				w.WriteHeader(status)
			case http.MethodGet:
				gets.Add(1)
				_, _ = w.Write([]byte(`{"id":"p1","name":"Renamed"}`))
			}
		}))
		c, err := New(Config{BaseURL: srv.URL, Tenant: "demo", Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.UpdatePartner(context.Background(), "p1", PartnerInput{Name: "Renamed"})
		srv.Close()
		if err != nil || p.Name != "Renamed" || gets.Load() != 1 {
			t.Errorf("status %d: partner %+v, err %v, %d GETs; want the partner read back with one GET", status, p, err, gets.Load())
		}
	}
}
