package emulator

import (
	"encoding/json"
	"maps"
	"net/http"
	"testing"
	"time"
)

func TestPartnerRoundTrip(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now})
	root := h.srv.RootOrganizationID()

	created := h.createPartner(`{"name":"Acme","code":"P-1","country":"Italy","timezone":"Europe/Rome",
		"properties":{"tier":"gold"},"organization":{"id":"` + root + `"}}`)
	if !hex24.MatchString(created.ID) {
		t.Errorf("id %q is not 24 hex characters", created.ID)
	}
	if created.CreationTimestamp != clock.Now().UnixMilli() || created.CustomerCount != 0 {
		t.Errorf("server-managed fields: %+v", created)
	}
	want := partnerJSON{
		ID: created.ID, Name: "Acme", Code: "P-1", Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, Organization: &reference{root},
		CreationTimestamp: created.CreationTimestamp,
	}
	path := "/network/partners/" + created.ID
	assertPartner(t, h.call("GET", path, ""), want)

	// Out of band, customers get attached; an update must keep the count.
	stored, _ := h.srv.Partner(created.ID)
	stored.CustomerCount = 7
	if !h.srv.UpdatePartner(stored) {
		t.Fatal("UpdatePartner did not find the partner")
	}
	clock.Advance(time.Minute)

	// PUT replaces everything the client manages: omitted fields are cleared.
	want = partnerJSON{
		ID: created.ID, Name: "Acme Srl", Properties: map[string]string{},
		CustomerCount: 7, CreationTimestamp: created.CreationTimestamp,
	}
	assertPartner(t, h.call("PUT", path, `{"name":"Acme Srl"}`), want)
	assertPartner(t, h.call("GET", path, ""), want)

	r := h.call("DELETE", path, "")
	r.expect(t, 204)
	if len(r.body) != 0 {
		t.Errorf("204 with body %q", r.body)
	}
	h.call("GET", path, "").expectError(t, 404, "Resource not found")
	h.call("DELETE", path, "").expectError(t, 404, "Resource not found")
	h.call("PUT", path, `{"name":"x"}`).expectError(t, 404, "Resource not found")
}

func assertPartner(t *testing.T, r reply, want partnerJSON) {
	t.Helper()
	r.expect(t, http.StatusOK)
	var got partnerJSON
	r.decode(t, &got)
	if got.ID != want.ID || got.Name != want.Name || got.Code != want.Code || got.Country != want.Country ||
		got.Timezone != want.Timezone || !maps.Equal(got.Properties, want.Properties) ||
		got.Organization.id() != want.Organization.id() || got.CustomerCount != want.CustomerCount ||
		got.CreationTimestamp != want.CreationTimestamp {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestPartnerWireShape(t *testing.T) {
	h := newHarness(t, Options{})
	p := h.createPartner(`{"name":"Bare"}`)
	var fields map[string]json.RawMessage
	h.call("GET", "/network/partners/"+p.ID, "").decode(t, &fields)
	if string(fields["properties"]) != "{}" {
		t.Errorf("properties = %s, want {}", fields["properties"])
	}
	for _, absent := range []string{"code", "country", "timezone", "organization"} {
		if v, ok := fields[absent]; ok {
			t.Errorf("%s = %s, want it omitted", absent, v)
		}
	}
}

func TestDeleteStatus200ReturnsPartner(t *testing.T) {
	h := newHarness(t, Options{DeleteStatus: http.StatusOK})
	p := h.createPartner(`{"name":"Doomed","code":"D"}`)
	assertPartner(t, h.call("DELETE", "/network/partners/"+p.ID, ""), p)
	if _, ok := h.srv.Partner(p.ID); ok {
		t.Error("partner still stored after DELETE")
	}
}

func TestStrictDecoding(t *testing.T) {
	h := newHarness(t, Options{})
	// A misspelt field name must be refused, not ignored.
	const misspelt = "nmae" //nolint:misspell // the typo is the point of the test
	h.call("POST", "/network/partners", `{"name":"x","`+misspelt+`":"typo"}`).
		expectError(t, 400, `Request data not valid: unknown field "`+misspelt+`"`)
	for name, body := range map[string]string{
		"malformed":     `{"name":`,
		"empty":         ``,
		"trailing data": `{"name":"x"} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			h.call("POST", "/network/partners", body).expectError(t, 400, "Bad request")
		})
	}
	h.call("POST", "/network/partners", `{"name":7}`).
		expectError(t, 400, `Request data not valid: wrong type in field "name": expected string`)
	h.call("POST", "/network/partners", `{"name":"x","properties":{"a":1}}`).
		expectError(t, 400, `Request data not valid: wrong type in field "properties": expected string`)
	if n := len(h.srv.Partners()); n != 0 {
		t.Errorf("%d partners stored by rejected requests", n)
	}

	// Server-managed fields are accepted and ignored.
	p := h.createPartner(`{"id":"mine","name":"x","customerCount":99,"creationTimestamp":1}`)
	if p.ID == "mine" || p.CustomerCount != 0 || p.CreationTimestamp == 1 {
		t.Errorf("server-managed fields taken from the request: %+v", p)
	}
}

func TestPartnerValidation(t *testing.T) {
	h := newHarness(t, Options{})
	existing := h.createPartner(`{"name":"Existing"}`)
	cases := []struct {
		name, body string
		status     int
		message    string
	}{
		{"no name", `{"code":"x"}`, 400, "Request data not valid: name is required"},
		{"blank name", `{"name":"  "}`, 400, "Request data not valid: name is required"},
		{"unknown timezone", `{"name":"x","timezone":"Mars/Olympus"}`, 400, `Request data not valid: unknown timezone "Mars/Olympus"`},
		{"Local timezone", `{"name":"x","timezone":"Local"}`, 400, `Request data not valid: unknown timezone "Local"`},
		{"empty property key", `{"name":"x","properties":{"":"v"}}`, 400, "Request data not valid: property keys must not be empty"},
		{"unknown organization", `{"name":"x","organization":{"id":"0123456789abcdef01234567"}}`, 404, "Resource not found"},
	}
	for _, tc := range cases {
		t.Run("POST "+tc.name, func(t *testing.T) {
			h.call("POST", "/network/partners", tc.body).expectError(t, tc.status, tc.message)
		})
		t.Run("PUT "+tc.name, func(t *testing.T) {
			h.call("PUT", "/network/partners/"+existing.ID, tc.body).expectError(t, tc.status, tc.message)
		})
	}
	if n := len(h.srv.Partners()); n != 1 {
		t.Errorf("%d partners stored, want 1", n)
	}
	// Country is free text, and any IANA zone is fine.
	h.createPartner(`{"name":"x","country":"Repubblica Italiana","timezone":"America/Argentina/Buenos_Aires"}`)
}

func TestOutOfBandChangesAreVisible(t *testing.T) {
	h := newHarness(t, Options{})
	p := h.srv.AddPartner(Partner{Name: "Console", Properties: map[string]string{"a": "1"}})
	p.Properties["a"] = "changed by caller" // must not reach the store
	got := h.call("GET", "/network/partners/"+p.ID, "")
	assertPartner(t, got, partnerJSON{ID: p.ID, Name: "Console", Properties: map[string]string{"a": "1"}, CreationTimestamp: p.CreationTimestamp})

	if !h.srv.DeletePartner(p.ID) || h.srv.DeletePartner(p.ID) {
		t.Error("DeletePartner should succeed once")
	}
	h.call("GET", "/network/partners/"+p.ID, "").expect(t, 404)
	if h.srv.UpdatePartner(p) {
		t.Error("UpdatePartner of a deleted partner reported success")
	}
}

func TestConcurrentCreates(t *testing.T) {
	h := newHarness(t, Options{})
	const n = 20
	done := make(chan int, n)
	for range n {
		go func() {
			resp, err := h.sendRaw("POST", "/network/partners", `{"name":"p"}`, http.Header{
				"X-Servitly-Tenant": {"demo"}, "Authorization": {"Bearer " + h.token},
			})
			if err != nil {
				done <- 0
				return
			}
			_ = resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	for range n {
		if status := <-done; status != 201 {
			t.Errorf("status %d, want 201", status)
		}
	}
	if got := len(h.srv.Partners()); got != n {
		t.Errorf("%d partners stored, want %d", got, n)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	h := newHarness(t, Options{})
	h.call("GET", "/network/partners/", "").expectError(t, 404, "Resource not found")
	h.call("GET", "/network/things", "").expectError(t, 404, "Resource not found")
	r := h.call("PATCH", "/network/partners/abc", "{}")
	r.expectError(t, 405, "Method PATCH not allowed")
	if allow := r.header.Get("Allow"); allow != "GET, PUT, DELETE" {
		t.Errorf("Allow %q", allow)
	}
}
