package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccExamplesDataSources applies each data source example against an
// emulator holding what the example looks for.
func TestAccExamplesDataSources(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	useEmulatorEnv(t, emu)
	rossi := emu.AddPartner(emulator.Partner{ID: "6616689a0de6d87b47cd6308", Name: "Rossi Macchine S.r.l.", Code: "P000123",
		Country: "Italy", Timezone: "Europe/Rome", CustomerCount: 12})
	emu.AddPartner(emulator.Partner{Name: "Verdi Macchine", Code: "P000124", Country: "Italy"})
	emu.AddPartner(emulator.Partner{Name: "Dupont", Code: "F01", Country: "France"})
	dealers := emu.AddOrganization(emulator.Organization{Name: "Acme Dealers", ParentID: emu.RootOrganizationID()})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: readExample(t, "data-sources/servitly_partner/data-source.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					stateString("data.servitly_partner.rossi", "id", rossi.ID),
					stateString("data.servitly_partner.by_id", "code", "P000123"),
				},
			},
			{
				Config: readExample(t, "data-sources/servitly_partners/data-source.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("partner_count", knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("data.servitly_partners.italy", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.servitly_partners.macchine", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.servitly_partners.p_codes", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
				},
			},
			{
				Config: readExample(t, "data-sources/servitly_organization/data-source.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					stateString("servitly_partner.bianchi", "organization_id", dealers.ID),
				},
			},
		},
	})
}
