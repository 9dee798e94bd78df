package emulator

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"
)

// listPartners fetches one page and returns its wrapper.
func (h *harness) listPartners(query string) page[partnerJSON] {
	h.t.Helper()
	r := h.call("GET", "/v2/network/partners?"+query, "")
	r.expect(h.t, 200)
	var p page[partnerJSON]
	r.decode(h.t, &p)
	return p
}

func names(p page[partnerJSON]) []string {
	var out []string
	for _, item := range p.Content {
		out = append(out, item.Name)
	}
	return out
}

func TestListPaging(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now})
	var created []string
	for i := range 45 {
		created = append(created, h.createPartner(fmt.Sprintf(`{"name":"p%02d"}`, i)).ID)
		clock.Advance(time.Millisecond)
	}

	var seen []string
	for number, wantLen := range []int{20, 20, 5} {
		p := h.listPartners(fmt.Sprintf("page=%d&size=20", number))
		if p.Number != number || p.Size != 20 || p.NumberOfElements != wantLen || len(p.Content) != wantLen ||
			p.TotalElements != 45 || p.TotalPages != 3 || p.First != (number == 0) || p.Last != (number == 2) ||
			p.Sort != "creationTimestamp,ASC" {
			t.Errorf("page %d: %+v", number, pageHeader(p))
		}
		for _, item := range p.Content {
			seen = append(seen, item.ID)
		}
	}
	if !slices.Equal(seen, created) {
		t.Error("pages do not list every partner once, in creation order")
	}

	past := h.listPartners("page=3&size=20")
	if len(past.Content) != 0 || !past.Last || past.First {
		t.Errorf("past the end: %+v", pageHeader(past))
	}
	if p := h.listPartners(""); p.Size != 20 || len(p.Content) != 20 {
		t.Errorf("default page: %+v", pageHeader(p))
	}
}

func pageHeader(p page[partnerJSON]) page[partnerJSON] {
	p.Content = nil
	return p
}

func TestListEmpty(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.call("GET", "/v2/network/partners", "")
	r.expect(t, 200)
	var p page[partnerJSON]
	r.decode(t, &p)
	if p.Content == nil || len(p.Content) != 0 || p.TotalPages != 0 || !p.Last || !p.First || p.TotalElements != 0 {
		t.Errorf("empty list: %s", r.body)
	}
}

func TestListSizeAndPageParameters(t *testing.T) {
	h := newHarness(t, Options{MaxPageSize: 5})
	for range 7 {
		h.srv.AddPartner(Partner{Name: "p"})
	}
	if p := h.listPartners("size=100"); p.Size != 5 || len(p.Content) != 5 || p.TotalPages != 2 {
		t.Errorf("size is not clamped to MaxPageSize: %+v", pageHeader(p))
	}
	for _, query := range []string{"size=0", "size=-3", "size=ten", "page=-1", "page=x", "page=9223372036854775808"} {
		t.Run(query, func(t *testing.T) {
			h.call("GET", "/v2/network/partners?"+query, "").expect(t, 400)
		})
	}
	if p := h.listPartners("page=9223372036854775807&size=5"); len(p.Content) != 0 || !p.Last {
		t.Errorf("huge page: %+v", pageHeader(p))
	}
}

func TestListSort(t *testing.T) {
	h := newHarness(t, Options{})
	for i, name := range []string{"beta", "alpha", "gamma"} {
		h.srv.AddPartner(Partner{Name: name, Code: fmt.Sprint(3 - i), CreationTimestamp: int64(100 + i)})
	}
	for query, want := range map[string][]string{
		"":                            {"beta", "alpha", "gamma"},
		"sort=name,ASC":               {"alpha", "beta", "gamma"},
		"sort=name":                   {"alpha", "beta", "gamma"},
		"sort=name,desc":              {"gamma", "beta", "alpha"},
		"sort=code,ASC":               {"gamma", "alpha", "beta"},
		"sort=creationTimestamp,DESC": {"gamma", "alpha", "beta"},
	} {
		if got := names(h.listPartners(query)); !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", query, got, want)
		}
	}
	if got := h.listPartners("sort=name,DESC").Sort; got != "name,DESC" {
		t.Errorf("sort echoed as %q", got)
	}
	h.call("GET", "/v2/network/partners?sort=country,ASC", "").expectError(t, 400, `Request data not valid: cannot sort by "country"`)
	h.call("GET", "/v2/network/partners?sort=name,UP", "").expect(t, 400)
}

func TestListSearchText(t *testing.T) {
	h := newHarness(t, Options{})
	for _, p := range []Partner{
		{Name: "Acme Service", Code: "AC-1", Country: "Italy", CreationTimestamp: 1},
		{Name: "Service Point", Code: "SP-2", Country: "France", CreationTimestamp: 2},
		{Name: "Fast Acme", Code: "FA-3", Country: "italy", CreationTimestamp: 3},
	} {
		h.srv.AddPartner(p)
	}
	for query, want := range map[string][]string{
		"acme*":         {"Acme Service"},
		"*acme":         {"Fast Acme"},
		"*ACME*":        {"Acme Service", "Fast Acme"},
		"*service*":     {"Acme Service", "Service Point"},
		"service point": {"Service Point"},
		"service":       nil,
		"a*e*e":         {"Acme Service"},
	} {
		got := names(h.listPartners("searchField=name&searchText=" + url.QueryEscape(query)))
		if !slices.Equal(got, want) {
			t.Errorf("name %q: got %v, want %v", query, got, want)
		}
	}
	if got := names(h.listPartners("searchField=code&searchText=sp*")); !slices.Equal(got, []string{"Service Point"}) {
		t.Errorf("code search: %v", got)
	}
	if got := names(h.listPartners("searchField=country&searchText=ITALY")); len(got) != 2 {
		t.Errorf("country search is not case-insensitive: %v", got)
	}
	h.call("GET", "/v2/network/partners?searchText=acme", "").expectError(t, 400, "Request data not valid: searchText needs searchField")
	h.call("GET", "/v2/network/partners?searchText=acme&searchField=timezone", "").expect(t, 400)
}

func TestListFieldFilters(t *testing.T) {
	h := newHarness(t, Options{})
	for _, p := range []Partner{
		{Name: "One", Code: "C1", Country: "Italy", CreationTimestamp: 1},
		{Name: "Two", Code: "C2", Country: "Italy", CreationTimestamp: 2},
		{Name: "Three", Code: "C3", Country: "Spain", CreationTimestamp: 3},
	} {
		h.srv.AddPartner(p)
	}
	for query, want := range map[string][]string{
		"code=C2":                      {"Two"},
		"code=eq;C2":                   {"Two"},
		"code=c2":                      nil, // exact and case-sensitive
		"name=eq;Three":                {"Three"},
		"name=thr":                     nil,
		"country=Italy":                {"One", "Two"},
		"country=eq;Italy&code=C1":     {"One"},
		"country=Spain&name=One":       nil,
		"country=Italy&sort=name,DESC": {"Two", "One"},
		"searchField=name&searchText=t*&country=Italy": {"Two"},
	} {
		if got := names(h.listPartners(query)); !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", query, got, want)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true}, {"abc", "abcd", false},
		{"ab*", "abcd", true}, {"ab*", "xab", false},
		{"*cd", "abcd", true}, {"*cd", "cdx", false},
		{"*bc*", "abcd", true}, {"*bc*", "acbd", false},
		{"*", "", true}, {"ab*b", "ab", false}, {"a*b*c", "aXbYc", true}, {"a*b*c", "acb", false},
	} {
		if got := wildcardPattern(tc.pattern).MatchString(tc.s); got != tc.want {
			t.Errorf("wildcardPattern(%q).MatchString(%q) = %v", tc.pattern, tc.s, got)
		}
	}
}
