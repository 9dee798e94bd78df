package emulator

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadSeed(t *testing.T) {
	clock := newFakeClock()
	s := New(Options{Now: clock.Now})
	orgs, partners, err := s.LoadSeed([]byte(`{
		"organization": "Acme",
		"organizations": [
			{"name": "Acme Italy", "country": "Italy", "timezone": "Europe/Rome"},
			{"name": "Acme Milan", "parent": "Acme Italy"}
		],
		"partners": [
			{"id": "65f1c0ffee0000000000a123", "name": "Rossi", "code": "P1", "country": "Italy",
			 "timezone": "Europe/Rome", "properties": {"tier": "gold"}, "organization": "Acme Milan",
			 "customerCount": 12, "creationTimestamp": 1700000000000},
			{"name": "Verdi", "organization": "Acme"}
		]
	}`))
	if err != nil || orgs != 2 || partners != 2 {
		t.Fatalf("LoadSeed = %d, %d, %v; want 2 organizations, 2 partners", orgs, partners, err)
	}

	all := s.Organizations()
	if len(all) != 3 {
		t.Fatalf("want the root and 2 seeded organizations, got %+v", all)
	}
	root, italy, milan := all[0], all[1], all[2]
	if root.ID != s.RootOrganizationID() || root.Name != "Acme" || root.ParentID != "" {
		t.Errorf("the seed should rename the root organization to Acme: %+v", root)
	}
	if italy != (Organization{ID: italy.ID, Name: "Acme Italy", Country: "Italy", Timezone: "Europe/Rome", ParentID: root.ID}) {
		t.Errorf("an organization without parent is a child of the root: %+v", italy)
	}
	if milan.Name != "Acme Milan" || milan.ParentID != italy.ID {
		t.Errorf("parent names an organization listed before: %+v", milan)
	}

	rossi, ok := s.Partner("65f1c0ffee0000000000a123")
	if !ok {
		t.Fatalf("partner with the seed's id is missing: %+v", s.Partners())
	}
	want := Partner{ID: rossi.ID, Name: "Rossi", Code: "P1", Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, OrganizationID: milan.ID, CustomerCount: 12, CreationTimestamp: 1700000000000}
	if !reflect.DeepEqual(rossi, want) {
		t.Errorf("partner\n got %+v\nwant %+v", rossi, want)
	}
	verdi := s.Partners()[1]
	if verdi.Name != "Verdi" || !hex24.MatchString(verdi.ID) || verdi.CreationTimestamp != clock.Now().UnixMilli() || verdi.OrganizationID != root.ID {
		t.Errorf("a partner without id and creationTimestamp gets them assigned, and may name the root: %+v", verdi)
	}
}

func TestLoadSeedErrors(t *testing.T) {
	for _, tc := range []struct{ name, seed, want string }{
		{"unknown top-level field", `{"partner": []}`, `unknown field "partner"`},
		{"unknown organization field", `{"organizations": [{"name": "A", "parentName": "Acme"}]}`,
			`organizations[0]: json: unknown field "parentName"`},
		{"unknown partner field", `{"partners": [{"name": "A"}, {"name": "B", "customer_count": 3}]}`,
			`partners[1]: json: unknown field "customer_count"`},
		{"wrong type", `{"partners": [{"name": "A", "customerCount": "3"}]}`, `partners[0]: json: cannot unmarshal string`},
		{"unknown organization", `{"partners": [{"name": "Rossi", "organization": "Nowhere"}]}`,
			`partners[0] "Rossi": organization: no organization is named "Nowhere"`},
		{"parent listed later", `{"organizations": [{"name": "Milan", "parent": "Italy"}, {"name": "Italy"}]}`,
			`organizations[0] "Milan": parent: no organization is named "Italy"`},
		{"ambiguous organization", `{"organizations": [{"name": "Dealers"}, {"name": "Dealers"}], "partners": [{"name": "P", "organization": "Dealers"}]}`,
			`partners[0] "P": organization: 2 organizations are named "Dealers"`},
		{"organization without name", `{"organizations": [{"country": "Italy"}]}`, `organizations[0]: "name" is required`},
		{"partner without name", `{"partners": [{"code": "P1"}]}`, `partners[0]: "name" is required`},
		{"trailing data", `{"partners": []} {}`, `data after the JSON value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The root gets renamed first, so a bad seed must not keep even that.
			seed := `{"organization": "Renamed", ` + strings.TrimPrefix(tc.seed, "{")
			s := New(Options{Now: newFakeClock().Now})
			_, _, err := s.LoadSeed([]byte(seed))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadSeed error = %v, want one containing %s", err, tc.want)
			}
			if orgs := s.Organizations(); len(orgs) != 1 || orgs[0].Name != "Demo Manufacturing" || len(s.Partners()) != 0 {
				t.Errorf("a bad seed changed the server: %+v, %+v", orgs, s.Partners())
			}
		})
	}
}

func TestLoadSeedAddsToWhatIsThere(t *testing.T) {
	s := New(Options{})
	first := s.AddPartner(Partner{Name: "Made by a test", Code: "T1", CreationTimestamp: 1})
	if _, _, err := s.LoadSeed([]byte(`{"partners": [{"name": "Seeded", "code": "T1"}]}`)); err != nil {
		t.Fatal(err)
	}
	if all := s.Partners(); len(all) != 2 || all[0].ID != first.ID || all[1].Name != "Seeded" {
		t.Errorf("seeding keeps existing partners and allows a second one with the same code: %+v", all)
	}
}
