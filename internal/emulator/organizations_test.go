package emulator

import (
	"slices"
	"testing"
)

func TestOrganizations(t *testing.T) {
	h := newHarness(t, Options{OrganizationName: "Root Co"})
	root := h.srv.RootOrganizationID()
	child := h.srv.AddOrganization(Organization{Name: "Branch", Country: "Spain", Timezone: "Europe/Madrid", ParentID: root})
	if !hex24.MatchString(child.ID) {
		t.Errorf("organization id %q", child.ID)
	}

	r := h.call("GET", "/network/organizations/"+root, "")
	r.expect(t, 200)
	if want := `{"id":"` + root + `","name":"Root Co","country":"Italy","timezone":"Europe/Rome","parent":null}`; string(r.body) != want {
		t.Errorf("root organization %s, want %s", r.body, want)
	}
	var got organizationJSON
	h.call("GET", "/network/organizations/"+child.ID, "").decode(t, &got)
	if got.Parent.id() != root || got.Name != "Branch" {
		t.Errorf("child organization %+v", got)
	}
	h.call("GET", "/network/organizations/0123456789abcdef01234567", "").expectError(t, 404, "Resource not found")

	list := func(query string) []string {
		r := h.call("GET", "/v2/network/organizations?"+query, "")
		r.expect(t, 200)
		var p page[organizationJSON]
		r.decode(t, &p)
		var out []string
		for _, o := range p.Content {
			out = append(out, o.Name)
		}
		return out
	}
	for query, want := range map[string][]string{
		"":                                {"Branch", "Root Co"},
		"name=eq;Root%20Co":               {"Root Co"},
		"name=Branch":                     {"Branch"},
		"searchField=name&searchText=ro*": {"Root Co"},
		"size=1&page=1":                   {"Root Co"},
	} {
		if got := list(query); !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", query, got, want)
		}
	}
	h.call("GET", "/v2/network/organizations?searchField=country&searchText=x", "").expect(t, 400)

	// A partner may now reference the child organization.
	p := h.createPartner(`{"name":"Dealer","organization":{"id":"` + child.ID + `"}}`)
	if p.Organization.id() != child.ID {
		t.Errorf("partner organization %+v", p.Organization)
	}
}
