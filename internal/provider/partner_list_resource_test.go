package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// terraform query and list blocks arrived in Terraform 1.14.
var skipBelowQuery = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// listBlock is a servitly_partner list block with the given config body.
// Query steps use the provider block of the configuration step before them
// (the harness keeps that .tf file), so they declare none of their own.
func listBlock(name, config, extra string) string {
	return fmt.Sprintf(`
list "servitly_partner" %q {
  provider = servitly
  config {
    %s
  }
  %s
}
`, name, config, extra)
}

// emulatorQueryCheck is a query check that asks the emulator.
type emulatorQueryCheck func() error

func (f emulatorQueryCheck) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

func byID(id string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
}

// expectFound is a query check: of the partners in keep, the list block
// addr found exactly want. A live tenant's other partners do not count.
func expectFound(addr string, keep map[string]bool, want ...emulator.Partner) querycheck.QueryResultCheck {
	return foundCheck{addr, keep, want}
}

type foundCheck struct {
	addr string
	keep map[string]bool
	want []emulator.Partner
}

func (f foundCheck) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	var got, want []string
	for _, found := range req.Query {
		if id, _ := found.Identity["id"].(string); strings.TrimPrefix(found.Address, "list.") == f.addr && f.keep[id] {
			got = append(got, id)
		}
	}
	for _, p := range f.want {
		want = append(want, p.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		resp.Error = fmt.Errorf("%s found the test's partners %v, want %v", f.addr, got, want)
	}
}

// displayName is the name terraform query shows for a partner.
func displayName(p emulator.Partner) string {
	if p.Code == "" {
		return p.Name
	}
	return fmt.Sprintf("%s (%s)", p.Name, p.Code)
}

// TestAccPartnerListResource_query lists partners with every filter and
// checks the results' number, identities, display names and, with
// include_resource, their attributes.
func TestAccPartnerListResource_query(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	root := target.rootOrganizationID()
	rossi := target.addPartner(emulator.Partner{Name: "Rossi Macchine", Code: target.code("P000123"), Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, OrganizationID: root, CustomerCount: 4})
	bianchi := target.addPartner(emulator.Partner{Name: "Bianchi Service", Code: target.code("P000124"), Country: "Italy", OrganizationID: root})
	dupont := target.addPartner(emulator.Partner{Name: "Dupont Services", Code: target.code("F000001"), Country: "France"})
	bare := target.addPartner(emulator.Partner{Name: "Bare", Code: target.code("")}) // live, the sweeper needs a code
	keep := ids(target.partners())

	// Terraform stops at 100 results by default; a tenant may have more.
	const all = "limit = 10000"
	query := listBlock("all", "", all) +
		listBlock("full", "", "include_resource = true\n  "+all) +
		listBlock("by_name", `name = "Rossi Macchine"`, all) +
		listBlock("by_code", fmt.Sprintf("code = %q", bianchi.Code), all) +
		listBlock("by_country", `country = "Italy"`, all) +
		listBlock("by_organization", fmt.Sprintf("organization_id = %q", root), all) +
		listBlock("by_search", `search_text = "*servic*"`, all) +
		listBlock("by_code_search", fmt.Sprintf(`
    search_text  = %q
    search_field = "code"`, target.code("F*")), all) +
		listBlock("none", `country = "Atlantis"`, all)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: target.provider()},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectFound("servitly_partner.all", keep, rossi, bianchi, dupont, bare),
					querycheck.ExpectResourceDisplayName("servitly_partner.all", byID(rossi.ID), knownvalue.StringExact(displayName(rossi))),
					querycheck.ExpectResourceDisplayName("servitly_partner.all", byID(bare.ID), knownvalue.StringExact(displayName(bare))),

					expectFound("servitly_partner.full", keep, rossi, bianchi, dupont, bare),
					querycheck.ExpectResourceKnownValues("servitly_partner.full", byID(rossi.ID), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(rossi.ID)},
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("Rossi Macchine")},
						{Path: tfjsonpath.New("code"), KnownValue: knownvalue.StringExact(rossi.Code)},
						{Path: tfjsonpath.New("country"), KnownValue: knownvalue.StringExact("Italy")},
						{Path: tfjsonpath.New("timezone"), KnownValue: knownvalue.StringExact("Europe/Rome")},
						{Path: tfjsonpath.New("properties"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})},
						{Path: tfjsonpath.New("organization_id"), KnownValue: knownvalue.StringExact(root)},
						{Path: tfjsonpath.New("customer_count"), KnownValue: knownvalue.Int64Exact(rossi.CustomerCount)},
						{Path: tfjsonpath.New("creation_timestamp"), KnownValue: knownvalue.Int64Exact(rossi.CreationTimestamp)},
					}),
					querycheck.ExpectResourceKnownValues("servitly_partner.full", byID(bare.ID), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("code"), KnownValue: textValue(bare.Code)},
						{Path: tfjsonpath.New("properties"), KnownValue: knownvalue.MapSizeExact(0)}, // as the resource's state holds it
						{Path: tfjsonpath.New("organization_id"), KnownValue: knownvalue.Null()},
					}),

					expectFound("servitly_partner.by_name", keep, rossi),
					expectFound("servitly_partner.by_code", keep, bianchi),
					expectFound("servitly_partner.by_country", keep, rossi, bianchi),
					expectFound("servitly_partner.by_organization", keep, rossi, bianchi),
					expectFound("servitly_partner.by_search", keep, bianchi, dupont),
					expectFound("servitly_partner.by_code_search", keep, dupont),
					expectFound("servitly_partner.none", keep),
				},
			},
		},
	})
}

// TestAccPartnerListResource_limit: the list block's limit stops the paging,
// not only the output. 1000 partners are five pages; a limit of 250 needs two.
func TestAccPartnerListResource_limit(t *testing.T) {
	emulatorOnly(t, "it needs a tenant of 1000 partners, five pages, and counts the pages a query requests")
	emu := newTestEmulator(t, emulator.Options{})
	for i := range 5 * client.PageSize {
		emu.AddPartner(emulator.Partner{Name: fmt.Sprintf("Partner %04d", i), Code: fmt.Sprintf("P%06d", i)})
	}
	const limit = client.PageSize + client.PageSize/4
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: emu.tokenProvider()},
			{
				PreConfig: emu.ResetStats,
				Query:     true,
				Config:    listBlock("some", "", fmt.Sprintf("limit = %d", limit)),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("servitly_partner.some", limit),
					emulatorQueryCheck(func() error {
						if pages := emu.Stats().ByRoute[listRoute]; pages != 2 {
							return fmt.Errorf("%d list pages requested for a limit of %d, want 2 of 5", pages, limit)
						}
						return nil
					}),
				},
			},
		},
	})
}

// TestAccPartnerListResource_refused: without READ_ALL_PARTNERS the query
// fails with one error that names the permission.
func TestAccPartnerListResource_refused(t *testing.T) {
	emulatorOnly(t, "it needs a login without READ_ALL_PARTNERS (Options.Permissions)")
	emu := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER"}})
	emu.AddPartner(emulator.Partner{Name: "Rossi"})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: emu.tokenProvider()},
			{
				Query:       true,
				Config:      listBlock("all", "", ""),
				ExpectError: expectError(`(?s)Error listing partners.*needs READ_ALL_PARTNERS`),
			},
		},
	})
}

// TestAccExamplesListResource runs the list-resource examples as query
// steps, so the documented blocks cannot rot.
func TestAccExamplesListResource(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	org := target.rootOrganizationID()
	rossi := target.addPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: target.code("P000123"), Country: "Italy", OrganizationID: org})
	other := target.addPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: target.code("P000999"), Country: "Italy"}) // another organization
	dealer := target.addPartner(emulator.Partner{Name: "North Dealer Srl", Code: target.code("D1"), Country: "France"})
	centre := target.addPartner(emulator.Partner{Name: "Service Centre", Code: target.code("S1")})
	keep := ids(target.partners())
	example := func(rel string, oldnew ...string) string {
		return target.example(rel, append(oldnew, "P000123", rossi.Code, `"P0*"`, fmt.Sprintf("%q", target.code("P0*")),
			"5f0c8a1b2c3d4e5f6a7b8c9d", org)...)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: target.provider()},
			{
				Query:  true,
				Config: example("list-resources/servitly_partner/list-resource.tfquery.hcl"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectFound("servitly_partner.all", keep, rossi, other, dealer, centre),
				},
			},
			{
				Query: true,
				// Terraform stops at 100 results by default; a tenant may have more.
				Config: example("list-resources/servitly_partner/list-resource-filters.tfquery.hcl",
					"provider = servitly\n", "provider = servitly\n  limit    = 10000\n"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					expectFound("servitly_partner.italy", keep, rossi, other),
					expectFound("servitly_partner.dealers", keep, dealer),
					expectFound("servitly_partner.p0_codes", keep, rossi, other),
					expectFound("servitly_partner.one", keep, rossi),
					expectFound("servitly_partner.emea", keep, rossi),
				},
			},
		},
	})
}
