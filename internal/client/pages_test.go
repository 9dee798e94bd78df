package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

func partnerPage(ids []string, last bool, extra string) string {
	content := ""
	for i, id := range ids {
		if i > 0 {
			content += ","
		}
		content += fmt.Sprintf(`{"id":%q,"name":"n-%s","code":"c-%s"}`, id, id, id)
	}
	return fmt.Sprintf(`{"content":[%s],"last":%v%s}`, content, last, extra)
}

func TestListWalksPages(t *testing.T) {
	pages := []string{
		partnerPage([]string{"a", "b"}, false, `,"first":true,"number":0,"size":200`),
		partnerPage([]string{"c", "d"}, false, `,"first":false,"number":1,"size":200`),
		partnerPage([]string{"e"}, true, `,"first":false,"number":2,"size":200`),
	}
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		n, err := strconv.Atoi(r.URL.Query().Get("page"))
		if err != nil || n >= len(pages) {
			t.Errorf("page %q requested", r.URL.Query().Get("page"))
			writeJSON(w, http.StatusOK, `{"content":[],"last":true}`)
			return
		}
		writeJSON(w, http.StatusOK, pages[n])
	})
	c := newTestClient(t, fastConfig(srv.URL))
	got, err := c.ListPartners(context.Background(), PartnerFilter{Code: "X"})
	if err != nil {
		t.Fatalf("ListPartners: %v", err)
	}
	var ids string
	for _, p := range got {
		ids += p.ID
	}
	if ids != "abcde" {
		t.Errorf("ids = %q, want abcde in page order", ids)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		assertQuery(t, r.Query, map[string]string{"page": strconv.Itoa(i), "size": "200", "code": "eq;X"})
	}
}

func TestListStopsWithoutLastFlag(t *testing.T) {
	t.Run("totalPages", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			writeJSON(w, http.StatusOK, partnerPage([]string{"p" + r.URL.Query().Get("page")}, false, `,"totalPages":2`))
		})
		c := newTestClient(t, fastConfig(srv.URL))
		got, err := c.ListPartners(context.Background(), PartnerFilter{})
		if err != nil || len(got) != 2 {
			t.Fatalf("ListPartners = %d partners, %v; want 2", len(got), err)
		}
		if n := len(srv.requests()); n != 2 {
			t.Errorf("server saw %d requests, want 2", n)
		}
	})

	t.Run("empty page", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			if r.URL.Query().Get("page") == "0" {
				writeJSON(w, http.StatusOK, `{"content":[{"id":"a"}]}`)
				return
			}
			writeJSON(w, http.StatusOK, `{"content":[]}`)
		})
		c := newTestClient(t, fastConfig(srv.URL))
		got, err := c.ListPartners(context.Background(), PartnerFilter{})
		if err != nil || len(got) != 1 {
			t.Fatalf("ListPartners = %d partners, %v; want 1", len(got), err)
		}
		if n := len(srv.requests()); n != 2 {
			t.Errorf("server saw %d requests, want 2", n)
		}
	})
}

func TestListAcceptsPlainArray(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, ` [{"id":"a","code":"x"},{"id":"b","code":"y"}]`)
	})
	c := newTestClient(t, fastConfig(srv.URL))
	got, err := c.ListPartners(context.Background(), PartnerFilter{})
	if err != nil {
		t.Fatalf("ListPartners: %v", err)
	}
	if len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Errorf("got %+v", got)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1 (a plain array has no further pages)", n)
	}
}

func TestListErrors(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("page") == "0" {
			writeJSON(w, http.StatusOK, partnerPage([]string{"a"}, false, ""))
			return
		}
		writeJSON(w, http.StatusOK, `{"content":"nope"}`)
	})
	c := newTestClient(t, fastConfig(srv.URL))
	_, err := c.ListPartners(context.Background(), PartnerFilter{})
	var decErr *DecodeError
	if !errors.As(err, &decErr) || decErr.Path != "/v2/network/partners" {
		t.Errorf("ListPartners error = %v, want a *DecodeError for the second page", err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

func TestListOrganizations(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, `{"content":[{"id":"o1","name":"Org"},{"name":"no id"}],"last":true}`) // the pager drops the id-less entry
	})
	c := newTestClient(t, fastConfig(srv.URL))
	got, err := c.ListOrganizations(context.Background(), "Org")
	if err != nil || len(got) != 1 || got[0].ID != "o1" {
		t.Fatalf("ListOrganizations = %+v, %v", got, err)
	}
	r := srv.only(t)
	if r.Path != "/v2/network/organizations" {
		t.Errorf("path = %q", r.Path)
	}
	assertQuery(t, r.Query, map[string]string{"name": "eq;Org", "page": "0", "size": "200"})
}

func TestPartnerFilterQuery(t *testing.T) {
	cases := []struct {
		f    PartnerFilter
		want map[string]string
	}{
		{PartnerFilter{}, map[string]string{}},
		{PartnerFilter{Code: "a;b"}, map[string]string{"code": "eq;a;b"}},
		{PartnerFilter{Code: "eq;LOST", Country: "Italy", Name: "N"}, map[string]string{"code": "eq;eq;LOST", "country": "eq;Italy", "name": "eq;N"}},
		{PartnerFilter{SearchText: "foo*"}, map[string]string{"searchText": "foo*", "searchField": "name"}},
		{PartnerFilter{SearchText: "*x*", SearchField: "code"}, map[string]string{"searchText": "*x*", "searchField": "code"}},
		{PartnerFilter{SearchField: "code"}, map[string]string{}},
	}
	for _, tc := range cases {
		assertQuery(t, tc.f.filter().query(), tc.want)
	}
}

func TestPageUnmarshal(t *testing.T) {
	cases := []struct {
		in        string
		wantIDs   int
		wantLast  bool
		wantTotal int
	}{
		{`{"content":[{"id":"a"}],"last":true,"totalPages":1}`, 1, true, 1},
		{`  [{"id":"a"},{"id":"b"}]`, 2, true, 1}, // a plain array is the only page
		{`[]`, 0, true, 1},
		{`{}`, 0, false, 0},
		{`null`, 0, false, 0},
	}
	for _, tc := range cases {
		var p Page[Partner]
		if err := json.Unmarshal([]byte(tc.in), &p); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if len(p.Content) != tc.wantIDs || p.Last != tc.wantLast || p.TotalPages != tc.wantTotal {
			t.Errorf("%s: decoded %+v", tc.in, p)
		}
	}
	for _, bad := range []string{`{"content":{}}`, `[1,2]`, `{"content":[`, `"x"`, `{"last":"yes"}`} {
		var p Page[Partner]
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("%s decoded without error: %+v", bad, p)
		}
	}
}
