package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestPartnerPagesReadsEachPage(t *testing.T) {
	for _, tc := range []struct {
		name       string
		page       int
		body       string
		wantIDs    string
		wantLast   bool
		wantTotals int
	}{
		{"a middle page", 1, `{"content":[{"id":"c"},{"id":"d"}],"last":false,"totalPages":3,"number":1}`, "cd", false, 3},
		{"the last page by flag", 2, `{"content":[{"id":"e"}],"last":true,"totalPages":3}`, "e", true, 3},
		{"the last page by count", 2, `{"content":[{"id":"e"}],"totalPages":3}`, "e", true, 3},
		{"an empty page", 4, `{"content":[],"last":false}`, "", true, 0},
		{"a plain array holds everything", 0, `[{"id":"a"},{"id":"b"}]`, "ab", true, 1},
		{"entries without an id are dropped", 0, `{"content":[{"id":"a"},{"name":"no id"}],"last":true,"totalPages":1}`, "a", true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				writeJSON(w, http.StatusOK, tc.body)
			})
			c := newTestClient(t, fastConfig(srv.URL))
			var p PartnerPage
			for page, err := range c.PartnerPages(context.Background(), tc.page, 0) {
				if err != nil {
					t.Fatal(err)
				}
				p = page
				break
			}
			ids := ""
			for _, partner := range p.Partners {
				ids += partner.ID
			}
			if ids != tc.wantIDs || p.Last != tc.wantLast || p.TotalPages != tc.wantTotals {
				t.Errorf("got ids %q, last %v, totalPages %d; want %q, %v, %d", ids, p.Last, p.TotalPages, tc.wantIDs, tc.wantLast, tc.wantTotals)
			}
			reqs := srv.requests()
			if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/v2/network/partners" {
				t.Fatalf("requests %+v, want one GET /v2/network/partners", reqs)
			}
			assertQuery(t, reqs[0].Query, map[string]string{"page": strconv.Itoa(tc.page), "size": "200"})
		})
	}
}

func TestPartnerPagesRefused(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusForbidden, `{"message":"User not authorized"}`)
	})
	c := newTestClient(t, fastConfig(srv.URL))
	for _, err := range c.PartnerPages(context.Background(), 0, 0) {
		if !IsStatus(err, http.StatusForbidden) {
			t.Errorf("err = %v, want a 403 APIError", err)
		}
	}
}

// TestPartnerPagesAnnouncedAtOnce: the pages an earlier answer announced
// are requested several at a time; pages past them, of a tenant that has
// grown since, one by one until the last.
func TestPartnerPagesAnnouncedAtOnce(t *testing.T) {
	var inFlight, most atomic.Int32
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		inFlight.Add(-1)
		number, _ := strconv.Atoi(r.URL.Query().Get("page"))
		total := 6 // as announced before; from page 5 on, the tenant has grown
		if number >= 5 {
			total = 8
		}
		writeJSON(w, http.StatusOK, partnerPage([]string{"p" + strconv.Itoa(number)}, false, fmt.Sprintf(`,"totalPages":%d`, total)))
	})
	c := newTestClient(t, fastConfig(srv.URL))
	ids := ""
	for page, err := range c.PartnerPages(context.Background(), 1, 6) {
		if err != nil {
			t.Fatal(err)
		}
		ids += page.Partners[0].ID
	}
	if ids != "p1p2p3p4p5p6p7" {
		t.Errorf("pages %s, want p1 to p7 in order", ids)
	}
	if m := most.Load(); m != listConcurrency {
		t.Errorf("at most %d pages were requested at once, want %d", m, listConcurrency)
	}
}
