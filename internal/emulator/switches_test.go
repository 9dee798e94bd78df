package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fieldsOf decodes an object keeping numbers as json.Number.
func fieldsOf(t *testing.T, data []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return fields
}

// object is v as a JSON object, or nil when it is something else.
func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// listEntries returns the raw content entries of one partner list page.
func (h *harness) listEntries(query string) []map[string]any {
	h.t.Helper()
	r := h.call("GET", "/v2/network/partners?"+query, "")
	r.expect(h.t, 200)
	var entries []map[string]any
	content, _ := fieldsOf(h.t, r.body)["content"].([]any)
	for _, item := range content {
		entries = append(entries, object(item))
	}
	return entries
}

func TestListSummaries(t *testing.T) {
	seed := func(h *harness) string {
		return h.createPartner(`{"name":"Acme","code":"P1","properties":{"tier":"gold"},"organization":{"id":"` +
			h.srv.RootOrganizationID() + `"}}`).ID
	}
	t.Run("list entries omit properties and organization", func(t *testing.T) {
		h := newHarness(t, Options{ListSummaries: true})
		seed(h)
		entries := h.listEntries("")
		if len(entries) != 1 {
			t.Fatalf("%d entries, want 1", len(entries))
		}
		for _, absent := range []string{"properties", "organization"} {
			if v, ok := entries[0][absent]; ok {
				t.Errorf("%s = %v, want it omitted", absent, v)
			}
		}
		if entries[0]["name"] != "Acme" || entries[0]["code"] != "P1" || entries[0]["id"] == nil {
			t.Errorf("summary lost other fields: %v", entries[0])
		}
	})
	t.Run("GET by id still answers the full object", func(t *testing.T) {
		h := newHarness(t, Options{ListSummaries: true})
		id := seed(h)
		fields := fieldsOf(t, h.call("GET", "/network/partners/"+id, "").body)
		if fields["properties"] == nil || fields["organization"] == nil {
			t.Errorf("GET answer %v lacks properties or organization", fields)
		}
	})
	t.Run("by default list entries are full", func(t *testing.T) {
		h := newHarness(t, Options{})
		seed(h)
		entry := h.listEntries("")[0]
		if entry["properties"] == nil || entry["organization"] == nil {
			t.Errorf("list entry %v lacks properties or organization", entry)
		}
	})
}

func TestListWithoutCodes(t *testing.T) {
	h := newHarness(t, Options{ListWithoutCodes: true})
	id := h.createPartner(`{"name":"Acme","code":"P1"}`).ID
	for query, want := range map[string]int{"": 1, "code=P1": 1, "code=P2": 0} {
		entries := h.listEntries(query)
		if len(entries) != want {
			t.Fatalf("list %q: %d entries, want %d (the code filter still applies)", query, len(entries), want)
		}
		if want == 1 && (entries[0]["id"] != id || entries[0]["code"] != nil) {
			t.Errorf("list %q entry %v, want id %s and no code", query, entries[0], id)
		}
	}
	if code := fieldsOf(t, h.call("GET", "/network/partners/"+id, "").body)["code"]; code != "P1" {
		t.Errorf("GET by id answers code %v, want P1", code)
	}
}

func TestMergingUpdate(t *testing.T) {
	setup := func(t *testing.T, opts Options) (*harness, string) {
		h := newHarness(t, opts)
		p := h.createPartner(`{"name":"Acme","code":"P1","country":"Italy","timezone":"Europe/Rome",
			"properties":{"tier":"gold"},"organization":{"id":"` + h.srv.RootOrganizationID() + `"}}`)
		return h, "/network/partners/" + p.ID
	}
	stored := func(h *harness, path string) Partner {
		p, _ := h.srv.Partner(strings.TrimPrefix(path, "/network/partners/"))
		return p
	}
	t.Run("absent fields keep their value", func(t *testing.T) {
		h, path := setup(t, Options{MergingUpdate: true})
		r := h.call("PUT", path, `{"name":"Acme Srl"}`)
		r.expect(t, 200)
		got := fieldsOf(t, r.body)
		if got["name"] != "Acme Srl" || got["code"] != "P1" || got["country"] != "Italy" ||
			got["timezone"] != "Europe/Rome" || object(got["properties"])["tier"] != "gold" || got["organization"] == nil {
			t.Errorf("answer %v", got)
		}
		if p := stored(h, path); p.Country != "Italy" || p.OrganizationID == "" {
			t.Errorf("stored %+v", p)
		}
	})
	t.Run("null fields keep their value", func(t *testing.T) {
		h, path := setup(t, Options{MergingUpdate: true})
		h.call("PUT", path, `{"name":null,"code":null,"country":null,"timezone":null,"properties":null,"organization":null}`).expect(t, 200)
		if p := stored(h, path); p.Name != "Acme" || p.Code != "P1" || p.Country != "Italy" || p.Timezone != "Europe/Rome" ||
			p.Properties["tier"] != "gold" || p.OrganizationID != h.srv.RootOrganizationID() {
			t.Errorf("stored %+v", p)
		}
	})
	t.Run("empty values replace", func(t *testing.T) {
		h, path := setup(t, Options{MergingUpdate: true})
		r := h.call("PUT", path, `{"name":"Acme","code":"","country":"","timezone":"","properties":{},"organization":null}`)
		r.expect(t, 200)
		got := fieldsOf(t, r.body)
		for _, cleared := range []string{"code", "country", "timezone"} {
			if _, ok := got[cleared]; ok {
				t.Errorf("%s still in the answer: %v", cleared, got)
			}
		}
		if props := object(got["properties"]); props == nil || len(props) != 0 {
			t.Errorf("properties %v, want {}", props)
		}
		if got["organization"] == nil {
			t.Error(`"organization": null removed the organization; a merge keeps it`)
		}
	})
	t.Run("a merged partner is validated", func(t *testing.T) {
		h, path := setup(t, Options{MergingUpdate: true})
		h.call("PUT", path, `{"name":""}`).expectError(t, 400, "Request data not valid: name is required")
		h.call("PUT", path, `{"organization":{"id":"0123456789abcdef01234567"}}`).expectError(t, 404, "Resource not found")
		h.call("PUT", "/network/partners/0123456789abcdef01234567", `{}`).expectError(t, 404, "Resource not found")
	})
	t.Run("by default PUT replaces", func(t *testing.T) {
		h, path := setup(t, Options{})
		h.call("PUT", path, `{"name":"Acme","organization":null}`).expect(t, 200)
		if p := stored(h, path); p.Code != "" || p.Country != "" || len(p.Properties) != 0 || p.OrganizationID != "" {
			t.Errorf("stored %+v, want every omitted field cleared", p)
		}
	})
}

func TestFilterValues(t *testing.T) {
	seed := func(h *harness) {
		h.srv.AddPartner(Partner{Name: "Plain", Code: "P1", Country: "Italy", CreationTimestamp: 1})
		h.srv.AddPartner(Partner{Name: "eq;Prefixed", Code: "eq;P1", Country: "eq;Italy", CreationTimestamp: 2})
	}
	cases := map[string]struct {
		opts Options
		want map[string][]string
	}{
		"by default one leading eq; is stripped": {Options{}, map[string][]string{
			"code=eq;P1":          {"Plain"},
			"code=P1":             {"Plain"},
			"code=eq;eq;P1":       {"eq;Prefixed"},
			"name=eq;eq;Prefixed": {"eq;Prefixed"},
			"country=eq;Italy":    {"Plain"},
		}},
		"LiteralFilterValues compares the raw value": {Options{LiteralFilterValues: true}, map[string][]string{
			"code=eq;P1":       {"eq;Prefixed"},
			"code=P1":          {"Plain"},
			"code=eq;eq;P1":    nil,
			"name=eq;Plain":    nil,
			"country=eq;Italy": {"eq;Prefixed"},
			"country=Italy":    {"Plain"},
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, tc.opts)
			seed(h)
			for query, want := range tc.want {
				if got := names(h.listPartners(query)); !slices.Equal(got, want) {
					t.Errorf("%q: got %v, want %v", query, got, want)
				}
			}
		})
	}
	t.Run("LiteralFilterValues applies to organizations", func(t *testing.T) {
		h := newHarness(t, Options{LiteralFilterValues: true, OrganizationName: "Root"})
		for query, want := range map[string]int{"name=eq;Root": 0, "name=Root": 1} {
			var p page[organizationJSON]
			h.call("GET", "/v2/network/organizations?"+query, "").decode(t, &p)
			if len(p.Content) != want {
				t.Errorf("%q: %d organizations, want %d", query, len(p.Content), want)
			}
		}
	})
}

func TestIgnoreListFilters(t *testing.T) {
	h := newHarness(t, Options{IgnoreListFilters: true})
	h.srv.AddPartner(Partner{Name: "One", Code: "C1", Country: "Italy", CreationTimestamp: 1})
	h.srv.AddPartner(Partner{Name: "Two", Code: "C2", Country: "Spain", CreationTimestamp: 2})
	for _, query := range []string{
		"code=eq;C1", "code=C1", "name=eq;One", "country=Italy",
		"searchText=one&searchField=name", "searchText=one", // not even the missing searchField is noticed
		"code=none&name=none&country=none",
	} {
		t.Run(query, func(t *testing.T) {
			if got := names(h.listPartners(query)); !slices.Equal(got, []string{"One", "Two"}) {
				t.Errorf("got %v, want every partner", got)
			}
		})
	}
	t.Run("paging and sorting still apply", func(t *testing.T) {
		if got := names(h.listPartners("code=C1&sort=name,DESC&size=1")); !slices.Equal(got, []string{"Two"}) {
			t.Errorf("got %v", got)
		}
	})
}

func TestTypedPropertyValues(t *testing.T) {
	const props = `{"int":"1","neg":"-2.5e3","yes":"true","no":"false","nil":"null","text":"x",` +
		`"zero-led":"01","spaced":" 1","word":"True","empty":"","quoted":"\"q\"","obj":"{}"}`
	want := map[string]any{
		"int": json.Number("1"), "neg": json.Number("-2.5e3"), "yes": true, "no": false, "nil": nil, "text": "x",
		"zero-led": "01", "spaced": " 1", "word": "True", "empty": "", "quoted": `"q"`, "obj": "{}",
	}
	check := func(t *testing.T, what string, fields map[string]any) {
		t.Helper()
		got, _ := fields["properties"].(map[string]any)
		if len(got) != len(want) {
			t.Fatalf("%s: properties %v", what, fields["properties"])
		}
		for key, value := range want {
			if v, ok := got[key]; !ok || v != value {
				t.Errorf("%s: %q = %#v, want %#v", what, key, v, value)
			}
		}
	}
	h := newHarness(t, Options{TypedPropertyValues: true})
	r := h.call("POST", "/network/partners", `{"name":"Typed","properties":`+props+`}`)
	r.expect(t, 201)
	created := fieldsOf(t, r.body)
	id, _ := created["id"].(string)
	path := "/network/partners/" + id

	t.Run("POST", func(t *testing.T) { check(t, "POST", created) })
	t.Run("GET", func(t *testing.T) { check(t, "GET", fieldsOf(t, h.call("GET", path, "").body)) })
	t.Run("list", func(t *testing.T) { check(t, "list", h.listEntries("")[0]) })
	t.Run("PUT", func(t *testing.T) {
		r := h.call("PUT", path, `{"name":"Typed","properties":`+props+`}`)
		r.expect(t, 200)
		check(t, "PUT", fieldsOf(t, r.body))
	})
	t.Run("stored values stay strings", func(t *testing.T) {
		p, _ := h.srv.Partner(id)
		if p.Properties["int"] != "1" || p.Properties["yes"] != "true" || p.Properties["nil"] != "null" {
			t.Errorf("stored %v", p.Properties)
		}
	})
	t.Run("by default values are strings", func(t *testing.T) {
		h := newHarness(t, Options{})
		p := h.createPartner(`{"name":"Plain","properties":{"int":"1","yes":"true"}}`)
		got := object(fieldsOf(t, h.call("GET", "/network/partners/"+p.ID, "").body)["properties"])
		if got["int"] != "1" || got["yes"] != "true" {
			t.Errorf("properties %v", got)
		}
	})
}

// sendAsync sends a request whose context the caller controls; the result
// arrives on the returned channel.
func (h *harness) sendAsync(ctx context.Context, method, path, body string) <-chan error {
	h.t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header = http.Header{"X-Servitly-Tenant": {"demo"}, "Authorization": {"Bearer " + h.token}}
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode >= 300 {
				err = errors.New(resp.Status)
			}
		}
		done <- err
	}()
	return done
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHungGET(t *testing.T) {
	t.Run("a hung GET returns only when the client cancels", func(t *testing.T) {
		h := newHarness(t, Options{})
		p := h.createPartner(`{"name":"x"}`)
		h.srv.SetFaults(Faults{HungGETPercent: 100})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := h.sendAsync(ctx, "GET", "/network/partners/"+p.ID, "")
		waitFor(t, "the GET to hang", func() bool { return h.srv.Stats().Hung == 1 })
		select {
		case err := <-done:
			t.Fatalf("hung GET returned before the client cancelled: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("got %v, want the client's cancellation", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the hung GET did not end when the client cancelled")
		}
	})
	t.Run("other methods are not held", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.srv.SetFaults(Faults{HungGETPercent: 100})
		p := h.createPartner(`{"name":"x"}`)
		h.call("PUT", "/network/partners/"+p.ID, `{"name":"y"}`).expect(t, 200)
		h.call("DELETE", "/network/partners/"+p.ID, "").expect(t, 204)
		if st := h.srv.Stats(); st.Hung != 0 {
			t.Errorf("Stats.Hung = %d, want 0", st.Hung)
		}
	})
	t.Run("HungPercent holds every method, before anything is stored", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.srv.SetFaults(Faults{HungPercent: 100})
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		if err := <-h.sendAsync(ctx, "POST", "/network/partners", `{"name":"x"}`); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hung POST: got %v, want the client's deadline", err)
		}
		if st := h.srv.Stats(); st.Hung != 1 || len(h.srv.Partners()) != 0 {
			t.Errorf("Stats.Hung = %d and %d partners stored, want 1 and 0", st.Hung, len(h.srv.Partners()))
		}
	})
	t.Run("the dice are rolled only for GETs", func(t *testing.T) {
		// The same seed gives the same GET outcomes whether or not other
		// requests come in between.
		outcomes := func(interleave bool) []bool {
			h := newHarness(t, Options{})
			h.srv.SetFaults(Faults{HungGETPercent: 50, Seed: 3})
			var hung []bool
			for range 8 {
				if interleave {
					h.createPartner(`{"name":"x"}`)
				}
				before := h.srv.Stats().Hung
				ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
				err := <-h.sendAsync(ctx, "GET", "/v2/network/partners", "")
				cancel()
				hung = append(hung, h.srv.Stats().Hung > before)
				if (err != nil) != hung[len(hung)-1] {
					t.Fatalf("error %v, hung %v", err, hung)
				}
			}
			return hung
		}
		plain, mixed := outcomes(false), outcomes(true)
		if !slices.Equal(plain, mixed) || !slices.Contains(plain, true) || !slices.Contains(plain, false) {
			t.Errorf("hung GETs %v alone, %v with POSTs in between", plain, mixed)
		}
	})
}

func TestCreateAnswerDelay(t *testing.T) {
	t.Run("the partner exists before the answer arrives", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.srv.SetFaults(Faults{CreateAnswerDelay: 500 * time.Millisecond})
		start := time.Now()
		done := h.sendAsync(t.Context(), "POST", "/network/partners", `{"name":"Slow"}`)
		waitFor(t, "the partner to be stored", func() bool { return len(h.srv.Partners()) == 1 })
		select {
		case err := <-done:
			t.Fatalf("answer arrived (%v) as the partner was stored", err)
		default:
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if elapsed := time.Since(start); elapsed < 500*time.Millisecond {
			t.Errorf("answered after %v", elapsed)
		}
	})
	t.Run("nothing is written when the client went away", func(t *testing.T) {
		var mu sync.Mutex
		var lines []string
		h := newHarness(t, Options{Logf: func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, fmt.Sprintf(format, args...))
		}})
		h.srv.SetFaults(Faults{CreateAnswerDelay: time.Hour, CreateCommitThenError: 1})
		ctx, cancel := context.WithCancel(t.Context())
		done := h.sendAsync(ctx, "POST", "/network/partners", `{"name":"Abandoned"}`)
		waitFor(t, "the partner to be stored", func() bool { return len(h.srv.Partners()) == 1 })
		cancel()
		if err := <-done; err == nil {
			t.Error("the cancelled request got an answer")
		}
		waitFor(t, "the handler to end", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(lines) == 1
		})
		if !strings.HasSuffix(lines[0], " no answer") {
			t.Errorf("logged %q, want no answer", lines[0])
		}
		// The commit fault was not spent on the abandoned request.
		h.srv.SetFaults(Faults{CreateCommitThenError: 1})
		h.call("POST", "/network/partners", `{"name":"x"}`).expect(t, 500)
	})
	t.Run("commit faults apply after the delay", func(t *testing.T) {
		h := newHarness(t, Options{})
		h.srv.SetFaults(Faults{CreateAnswerDelay: 200 * time.Millisecond, CreateCommitThenError: 1})
		start := time.Now()
		h.call("POST", "/network/partners", `{"name":"Lost"}`).expectError(t, 500, "Internal Server Error")
		if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
			t.Errorf("answered after %v", elapsed)
		}
		if n := len(h.srv.Partners()); n != 1 {
			t.Errorf("%d partners stored, want 1", n)
		}
	})
}
