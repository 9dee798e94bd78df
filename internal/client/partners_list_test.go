package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// pagedPartners answers GET /v2/network/partners with total partners p0,
// p1, ... split into pages of size, as the /v2 wrapper.
func pagedPartners(total int) func(w http.ResponseWriter, r *http.Request, _ []byte) {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		number, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		pages := (total + size - 1) / size
		var items []string
		for i := number * size; i < min(total, (number+1)*size); i++ {
			items = append(items, fmt.Sprintf(`{"id":"p%d","name":"Partner %d"}`, i, i))
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"content":[%s],"last":%v,"totalPages":%d,"number":%d}`,
			strings.Join(items, ","), number >= pages-1, pages, number))
	}
}

func TestStreamPartners(t *testing.T) {
	t.Run("yields every partner of every page, in order", func(t *testing.T) {
		srv := newAPIServer(t, pagedPartners(2*PageSize+3))
		c := newTestClient(t, fastConfig(srv.URL))
		n := 0
		for p, err := range c.StreamPartners(context.Background(), PartnerFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("p%d", n); p.ID != want {
				t.Fatalf("partner %d has id %q, want %q", n, p.ID, want)
			}
			n++
		}
		if n != 2*PageSize+3 {
			t.Errorf("got %d partners, want %d", n, 2*PageSize+3)
		}
		if got := srv.count(http.MethodGet, "/v2/network/partners"); got != 3 {
			t.Errorf("%d page requests, want 3", got)
		}
	})

	t.Run("stopping the loop stops the paging", func(t *testing.T) {
		srv := newAPIServer(t, pagedPartners(10*PageSize))
		c := newTestClient(t, fastConfig(srv.URL))
		n := 0
		for _, err := range c.StreamPartners(context.Background(), PartnerFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if n == PageSize+1 { // the first partner of the second page
				break
			}
		}
		if got := srv.count(http.MethodGet, "/v2/network/partners"); got != 2 {
			t.Errorf("%d page requests after stopping on page 2, want 2", got)
		}
	})

	t.Run("sends the filter on every page", func(t *testing.T) {
		srv := newAPIServer(t, pagedPartners(PageSize+1))
		c := newTestClient(t, fastConfig(srv.URL))
		for _, err := range c.StreamPartners(context.Background(), PartnerFilter{Name: "Acme", Code: "P1", Country: "Italy", SearchText: "*cm*"}) {
			if err != nil {
				t.Fatal(err)
			}
		}
		reqs := srv.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests, want 2", len(reqs))
		}
		for i, r := range reqs {
			assertQuery(t, r.Query, map[string]string{"page": strconv.Itoa(i), "size": strconv.Itoa(PageSize),
				"name": "eq;Acme", "code": "eq;P1", "country": "eq;Italy", "searchText": "*cm*", "searchField": "name"})
		}
	})

	t.Run("skips entries without an id", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusOK, `[{"id":"a"},{"name":"no id"},{"id":"b"}]`)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		var ids string
		for p, err := range c.StreamPartners(context.Background(), PartnerFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			ids += p.ID
		}
		if ids != "ab" {
			t.Errorf("ids %q, want %q", ids, "ab")
		}
	})

	t.Run("a refused page ends the stream with the error", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeJSON(w, http.StatusForbidden, `{"message":"User not authorized"}`)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		var errs []error
		for p, err := range c.StreamPartners(context.Background(), PartnerFilter{}) {
			if err == nil {
				t.Fatalf("got partner %+v, want an error", p)
			}
			errs = append(errs, err)
		}
		if len(errs) != 1 || !IsStatus(errs[0], http.StatusForbidden) {
			t.Errorf("errors %v, want one 403 APIError", errs)
		}
	})
}
