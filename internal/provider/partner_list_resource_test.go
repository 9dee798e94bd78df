package provider

import (
	"context"
	"fmt"
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

// TestAccPartnerListResource_query lists partners with every filter and
// checks the results' number, identities, display names and, with
// include_resource, their attributes.
func TestAccPartnerListResource_query(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	root := emu.RootOrganizationID()
	rossi := emu.AddPartner(emulator.Partner{Name: "Rossi Macchine", Code: "P000123", Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, OrganizationID: root, CustomerCount: 4})
	bianchi := emu.AddPartner(emulator.Partner{Name: "Bianchi Service", Code: "P000124", Country: "Italy", OrganizationID: root})
	dupont := emu.AddPartner(emulator.Partner{Name: "Dupont Services", Code: "F000001", Country: "France"})
	bare := emu.AddPartner(emulator.Partner{Name: "Bare"})

	query := listBlock("all", "", "") +
		listBlock("full", "", "include_resource = true") +
		listBlock("by_name", `name = "Rossi Macchine"`, "") +
		listBlock("by_code", `code = "P000124"`, "") +
		listBlock("by_country", `country = "Italy"`, "") +
		listBlock("by_organization", fmt.Sprintf("organization_id = %q", root), "") +
		listBlock("by_search", `search_text = "*servic*"`, "") +
		listBlock("by_code_search", `
    search_text  = "F*"
    search_field = "code"`, "") +
		listBlock("none", `country = "Atlantis"`, "")

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: emu.tokenProvider()},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("servitly_partner.all", 4),
					querycheck.ExpectIdentity("servitly_partner.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(rossi.ID)}),
					querycheck.ExpectIdentity("servitly_partner.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(bare.ID)}),
					querycheck.ExpectResourceDisplayName("servitly_partner.all", byID(rossi.ID), knownvalue.StringExact("Rossi Macchine (P000123)")),
					querycheck.ExpectResourceDisplayName("servitly_partner.all", byID(bare.ID), knownvalue.StringExact("Bare")),

					querycheck.ExpectLength("servitly_partner.full", 4),
					querycheck.ExpectResourceKnownValues("servitly_partner.full", byID(rossi.ID), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(rossi.ID)},
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("Rossi Macchine")},
						{Path: tfjsonpath.New("code"), KnownValue: knownvalue.StringExact("P000123")},
						{Path: tfjsonpath.New("country"), KnownValue: knownvalue.StringExact("Italy")},
						{Path: tfjsonpath.New("timezone"), KnownValue: knownvalue.StringExact("Europe/Rome")},
						{Path: tfjsonpath.New("properties"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})},
						{Path: tfjsonpath.New("organization_id"), KnownValue: knownvalue.StringExact(root)},
						{Path: tfjsonpath.New("customer_count"), KnownValue: knownvalue.Int64Exact(4)},
						{Path: tfjsonpath.New("creation_timestamp"), KnownValue: knownvalue.Int64Exact(rossi.CreationTimestamp)},
					}),
					querycheck.ExpectResourceKnownValues("servitly_partner.full", byID(bare.ID), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("code"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("properties"), KnownValue: knownvalue.MapSizeExact(0)}, // as the resource's state holds it
						{Path: tfjsonpath.New("organization_id"), KnownValue: knownvalue.Null()},
					}),

					querycheck.ExpectLength("servitly_partner.by_name", 1),
					querycheck.ExpectIdentity("servitly_partner.by_name", map[string]knownvalue.Check{"id": knownvalue.StringExact(rossi.ID)}),
					querycheck.ExpectLength("servitly_partner.by_code", 1),
					querycheck.ExpectIdentity("servitly_partner.by_code", map[string]knownvalue.Check{"id": knownvalue.StringExact(bianchi.ID)}),
					querycheck.ExpectLength("servitly_partner.by_country", 2),
					querycheck.ExpectIdentity("servitly_partner.by_country", map[string]knownvalue.Check{"id": knownvalue.StringExact(rossi.ID)}),
					querycheck.ExpectIdentity("servitly_partner.by_country", map[string]knownvalue.Check{"id": knownvalue.StringExact(bianchi.ID)}),
					querycheck.ExpectLength("servitly_partner.by_organization", 2),
					querycheck.ExpectIdentity("servitly_partner.by_organization", map[string]knownvalue.Check{"id": knownvalue.StringExact(bianchi.ID)}),
					querycheck.ExpectLength("servitly_partner.by_search", 2),
					querycheck.ExpectIdentity("servitly_partner.by_search", map[string]knownvalue.Check{"id": knownvalue.StringExact(dupont.ID)}),
					querycheck.ExpectLength("servitly_partner.by_code_search", 1),
					querycheck.ExpectIdentity("servitly_partner.by_code_search", map[string]knownvalue.Check{"id": knownvalue.StringExact(dupont.ID)}),
					querycheck.ExpectLength("servitly_partner.none", 0),
				},
			},
		},
	})
}

// TestAccPartnerListResource_limit: the list block's limit stops the paging,
// not only the output. 1000 partners are five pages; a limit of 250 needs two.
func TestAccPartnerListResource_limit(t *testing.T) {
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
	emu := newTestEmulator(t, emulator.Options{})
	rossi := emu.AddPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: "P000123", Country: "Italy",
		OrganizationID: "5f0c8a1b2c3d4e5f6a7b8c9d"})
	emu.AddPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: "P000999", Country: "Italy"}) // another organization
	dealer := emu.AddPartner(emulator.Partner{Name: "North Dealer Srl", Code: "D1", Country: "France"})
	emu.AddPartner(emulator.Partner{Name: "Service Centre", Code: "S1"})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: emu.tokenProvider()},
			{
				Query:  true,
				Config: readExample(t, "list-resources/servitly_partner/list-resource.tfquery.hcl"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("servitly_partner.all", 4),
				},
			},
			{
				Query:  true,
				Config: readExample(t, "list-resources/servitly_partner/list-resource-filters.tfquery.hcl"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("servitly_partner.italy", 2),
					querycheck.ExpectLength("servitly_partner.dealers", 1),
					querycheck.ExpectIdentity("servitly_partner.dealers", map[string]knownvalue.Check{"id": knownvalue.StringExact(dealer.ID)}),
					querycheck.ExpectLength("servitly_partner.p0_codes", 2),
					querycheck.ExpectLength("servitly_partner.one", 1),
					querycheck.ExpectLength("servitly_partner.emea", 1),
					querycheck.ExpectIdentity("servitly_partner.emea", map[string]knownvalue.Check{"id": knownvalue.StringExact(rossi.ID)}),
				},
			},
		},
	})
}
