package client

import (
	"context"
	"net/http"
	"strconv"
	"testing"
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
			var p *Page[Partner]
			for page, err := range c.PartnerPages(context.Background(), tc.page, 0) {
				if err != nil {
					t.Fatal(err)
				}
				p = page
				break
			}
			ids := ""
			for _, partner := range p.Content {
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
