package client

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// apiVariants are the emulator's answers to the guesses about the list:
// each read path must give the same answer under every one of them.
var apiVariants = map[string]emulator.Options{
	"as guessed":             {},
	"filters read literally": {LiteralFilterValues: true},
	"filters ignored":        {IgnoreListFilters: true},
	"list of summaries":      {ListSummaries: true},
	"list without codes":     {ListWithoutCodes: true},
}

const (
	routePartner = "GET /network/partners/{id}"
	routeList    = "GET /v2/network/partners"
	routeOrgs    = "GET /v2/network/organizations"
)

// variantTenant is an emulator in one variant with n partners (PageSize and
// more make it a paged list): every third in Italy, each with a code, a
// property and the root organization.
func variantTenant(t *testing.T, opts emulator.Options, n int) (*emulator.Server, *Client, []emulator.Partner) {
	t.Helper()
	srv := emulator.New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	org := srv.Organizations()[0].ID
	seeded := make([]emulator.Partner, n)
	for i := range seeded {
		country := "France"
		if i%3 == 0 {
			country = "Italy"
		}
		seeded[i] = srv.AddPartner(emulator.Partner{Name: fmt.Sprintf("Dealer %03d", i), Code: fmt.Sprintf("D%03d", i), Country: country,
			Timezone: "Europe/Rome", Properties: map[string]string{"i": fmt.Sprint(i)}, OrganizationID: org, CreationTimestamp: int64(1_700_000_000_000 + i)})
	}
	cfg := fastConfig(ts.URL)
	cfg.Token = srv.IssueToken(0)
	cfg.Tenant = "demo"
	return srv, newTestClient(t, cfg), seeded
}

// wantPartners fails unless got holds exactly want, each with every field.
func wantPartners(t *testing.T, what string, got []Partner, want []emulator.Partner) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d partners, want %d", what, len(got), len(want))
	}
	byID := map[string]Partner{}
	for _, p := range got {
		byID[p.ID] = p
	}
	for _, w := range want {
		p, ok := byID[w.ID]
		if !ok || p.Name != w.Name || p.Code != w.Code || p.Country != w.Country || p.Properties["i"] != w.Properties["i"] ||
			p.OrganizationID() != w.OrganizationID || int64(p.CreationTimestamp) != w.CreationTimestamp {
			t.Fatalf("%s: partner %s is %+v, want %+v", what, w.ID, p, w)
		}
	}
}

func where(partners []emulator.Partner, keep func(emulator.Partner) bool) []emulator.Partner {
	return slices.DeleteFunc(slices.Clone(partners), func(p emulator.Partner) bool { return !keep(p) })
}

func TestFindPartnersUnderEveryVariant(t *testing.T) {
	for name, opts := range apiVariants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, c, seeded := variantTenant(t, opts, 250)
			ctx := context.Background()
			for _, tc := range []struct {
				filter PartnerFilter
				want   []emulator.Partner
			}{
				{PartnerFilter{Country: "Italy"}, where(seeded, func(p emulator.Partner) bool { return p.Country == "Italy" })},
				{PartnerFilter{Code: "D201"}, seeded[201:202]},
				{PartnerFilter{Code: "D006", Country: "France"}, nil},
				{PartnerFilter{Code: "D007", Country: "France"}, seeded[7:8]},
				{PartnerFilter{Name: "Dealer 005"}, seeded[5:6]},
				{PartnerFilter{OrganizationID: seeded[0].OrganizationID, Country: "Italy"}, where(seeded, func(p emulator.Partner) bool { return p.Country == "Italy" })},
				{PartnerFilter{OrganizationID: "elsewhere"}, nil},
				{PartnerFilter{Code: "nobody"}, nil},
				{PartnerFilter{SearchText: "dealer 24*"}, seeded[240:250]},
				{PartnerFilter{SearchText: "*9", SearchField: "code", Country: "Italy"},
					where(seeded, func(p emulator.Partner) bool { return p.Country == "Italy" && p.Code[len(p.Code)-1] == '9' })},
			} {
				got, err := c.FindPartners(ctx, tc.filter)
				if err != nil {
					t.Fatalf("%+v: %v", tc.filter, err)
				}
				wantPartners(t, fmt.Sprintf("%+v", tc.filter), got, tc.want)
			}
		})
	}
}

// A list of summaries passes the compare of an entry whose partner has no
// properties and no organization; the partners that have them still come
// back whole, since no entry shows either field. With a whole list, the
// same lookups cost no GET beyond the compare.
func TestFindPartnersDoesNotTrustAFieldNoEntryShows(t *testing.T) {
	for _, summaries := range []bool{true, false} {
		srv, c, _ := variantTenant(t, emulator.Options{ListSummaries: summaries}, 0)
		org := srv.Organizations()[0].ID
		bare := srv.AddPartner(emulator.Partner{Name: "Bare", Code: "B1", Timezone: "Europe/Rome", Country: "Italy"})
		full := srv.AddPartner(emulator.Partner{Name: "Full", Code: "F1", Timezone: "Europe/Rome", Country: "Italy",
			Properties: map[string]string{"i": "7"}, OrganizationID: org})
		ctx := context.Background()
		got, err := c.FindPartners(ctx, PartnerFilter{Code: "B1"}) // its GET is the compare: nothing lacking
		if err != nil {
			t.Fatal(err)
		}
		wantPartners(t, "B1", got, []emulator.Partner{bare})
		got, err = c.FindPartners(ctx, PartnerFilter{Code: "F1"})
		if err != nil {
			t.Fatal(err)
		}
		wantPartners(t, "F1", got, []emulator.Partner{full})
		var listed []Partner
		for p, err := range c.Partners(ctx, PartnerFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, p)
		}
		wantPartners(t, "Partners", listed, []emulator.Partner{bare, full})
		wantGETs := map[bool]int{true: 2, false: 1}[summaries]
		if got := srv.Stats().ByRoute[routePartner]; got != wantGETs {
			t.Errorf("summaries %v: %d GETs, want %d", summaries, got, wantGETs)
		}
	}
}

func TestFindOrganizationsUnderEveryVariant(t *testing.T) {
	for name, opts := range apiVariants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := variantTenant(t, opts, 0)
			dealers := srv.AddOrganization(emulator.Organization{Name: "Dealers One"})
			for range 2 {
				got, err := c.FindOrganizations(context.Background(), "Dealers One")
				if err != nil || len(got) != 1 || got[0].ID != dealers.ID {
					t.Fatalf("FindOrganizations = %+v, %v; want %s", got, err, dealers.ID)
				}
			}
			if got, err := c.FindOrganizations(context.Background(), "Nobody"); err != nil || len(got) != 0 {
				t.Fatalf("FindOrganizations(Nobody) = %+v, %v; want none", got, err)
			}
			// A filter that misread the name is not asked again: the list walked once serves.
			lists := srv.Stats().ByRoute[routeOrgs]
			want := 3 // one a lookup
			if opts.LiteralFilterValues {
				want = 2 // the filtered miss, then the list walked once
			}
			if lists != want {
				t.Errorf("three lookups cost %d list requests, want %d", lists, want)
			}
		})
	}
}

// On a server whose filters work, a lookup is one request, plus one GET a
// process to learn that list entries are whole; a server whose filters
// misbehave is walked once, not once a lookup.
func TestFindPartnersCost(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts emulator.Options
		// lists and gets for three lookups by code (two found, one not)
		lists, gets int
	}{
		// three lookups: the first, found, shows the filter honoured
		{"as guessed", emulator.Options{}, 3, 1},
		// the first lookup's miss, the filter's test (page 0, a filtered request), pages 1 and 2
		{"filters read literally", emulator.Options{LiteralFilterValues: true}, 1 + 2 + 2, 1},
		// the first lookup's page, which shows other codes, then pages 0 to 2
		{"filters ignored", emulator.Options{IgnoreListFilters: true}, 1 + 3, 1},
		// as guessed, and a GET for each found partner: entries are summaries
		{"list of summaries", emulator.Options{ListSummaries: true}, 3, 2},
		// as guessed, and a GET for each entry found, to read its code
		{"list without codes", emulator.Options{ListWithoutCodes: true}, 3, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c, _ := variantTenant(t, tc.opts, 450)
			for _, code := range []string{"D420", "nobody", "D003"} {
				got, err := c.FindPartners(context.Background(), PartnerFilter{Code: code})
				if err != nil || (code != "nobody") != (len(got) == 1) {
					t.Fatalf("FindPartners(%s) = %+v, %v", code, got, err)
				}
			}
			st := srv.Stats().ByRoute
			if st[routeList] != tc.lists || st[routePartner] != tc.gets {
				t.Errorf("three lookups cost %d list requests and %d GETs, want %d and %d", st[routeList], st[routePartner], tc.lists, tc.gets)
			}
		})
	}
}

func TestPartnerFilterMatches(t *testing.T) {
	p := Partner{Name: "Rossi Macchine", Code: "P1", Country: "Italy", Organization: &Ref{ID: "org1"}}
	for _, tc := range []struct {
		name   string
		filter PartnerFilter
		want   bool
	}{
		{"no filter", PartnerFilter{}, true},
		{"every filter matches", PartnerFilter{Name: "Rossi Macchine", Code: "P1", Country: "Italy"}, true},
		{"another letter case of the name", PartnerFilter{Name: "rossi macchine"}, false},
		{"another code", PartnerFilter{Code: "P2"}, false},
		{"another country", PartnerFilter{Country: "France"}, false},
		{"a prefix search, in any letter case", PartnerFilter{SearchText: "rossi*"}, true},
		{"a suffix search", PartnerFilter{SearchText: "*macchine"}, true},
		{"a substring search", PartnerFilter{SearchText: "*SSI MAC*"}, true},
		{"a search without wildcard is whole", PartnerFilter{SearchText: "Rossi"}, false},
		{"a search of another field", PartnerFilter{SearchText: "p*", SearchField: "code"}, true},
		{"a search that fails", PartnerFilter{SearchText: "*zzz*"}, false},
		{"a search of a field the client cannot read stands", PartnerFilter{SearchText: "*zzz*", SearchField: "timezone"}, true},
		{"regular expression characters are text", PartnerFilter{SearchText: "Rossi.Macchine"}, false},
		{"its organization", PartnerFilter{OrganizationID: "org1"}, true},
		{"another organization", PartnerFilter{OrganizationID: "org2"}, false},
	} {
		if got := tc.filter.Matches(p); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", tc.name, got, tc.want)
		}
	}
	if (PartnerFilter{OrganizationID: "org1"}).Matches(Partner{Name: "Orphan"}) {
		t.Error("a partner without an organization matches an organization_id filter")
	}
	if q := (PartnerFilter{Code: "P1", OrganizationID: "org1"}).filter().query(); q.Has("organization_id") || q.Get("code") != "eq;P1" {
		t.Errorf("query %v: organization_id is not an API filter", q)
	}
}

// A partner refreshed before the list is loaded is pointed out by the
// refresh that loads it, once; so is that refresh's own partner.
func TestSharedCodesPointsOutEarlierRefreshes(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	cfg := fastConfig(ts.URL)
	cfg.Token, cfg.Tenant, cfg.BatchRefresh = srv.IssueToken(0), "demo", true
	c := newTestClient(t, cfg)
	first := srv.AddPartner(emulator.Partner{Name: "First", Code: "A"})
	second := srv.AddPartner(emulator.Partner{Name: "Second", Code: "B"})
	twinA := srv.AddPartner(emulator.Partner{Name: "Twin A", Code: "A"})
	srv.AddPartner(emulator.Partner{Name: "Twin B", Code: "B"})
	ctx := context.Background()
	var groups [][]Partner
	for _, p := range []emulator.Partner{first, second} {
		got, _, err := c.RefreshPartner(ctx, p.ID, &Partner{Name: p.Name, Code: p.Code})
		if err != nil {
			t.Fatal(err)
		}
		shared := c.SharedCodes(*got)
		if p.ID == first.ID && len(shared) > 0 {
			t.Fatalf("the first refresh, before any list page, pointed out %+v", shared)
		}
		groups = append(groups, shared...)
	}
	if len(groups) != 2 {
		t.Fatalf("groups %+v; want the first partner's and the second's", groups)
	}
	for _, g := range groups {
		if g[0].ID == first.ID && (len(g) != 2 || g[1].ID != twinA.ID) {
			t.Errorf("group %+v; want First, then Twin A", g)
		}
	}
	if again := c.SharedCodes(Partner{ID: first.ID, Code: "A"}); len(again) != 1 {
		t.Errorf("a refresh of First again: %+v; want it pointed out again, as a new read", again)
	}
}
