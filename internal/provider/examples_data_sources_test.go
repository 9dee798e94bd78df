package provider

import (
	"fmt"

	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccExamplesDataSources applies each data source example against a
// server holding what the example looks for. A live tenant has partners of
// its own, which the lists may hold too: the checks count the test's.
func TestAccExamplesDataSources(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	target.useEnv()
	rossi := target.addPartner(emulator.Partner{ID: "6616689a0de6d87b47cd6308", Name: "Rossi Macchine S.r.l.", Code: target.code("P000123"),
		Country: "Italy", Timezone: "Europe/Rome", CustomerCount: 12})
	target.addPartner(emulator.Partner{Name: "Verdi Macchine", Code: target.code("P000124"), Country: "Italy"})
	target.addPartner(emulator.Partner{Name: "Dupont", Code: target.code("F01"), Country: "France"})
	dealers := target.organization(emulator.Organization{Name: "Acme Dealers", ParentID: target.rootOrganizationID()})
	seeded := ids(target.partners())
	listed := func(name string, n int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.servitly_partners."+name, tfjsonpath.New("ids"), own(seeded, knownvalue.ListSizeExact(n)))
	}
	listChecks := []statecheck.StateCheck{listed("all", 3), listed("italy", 2), listed("macchine", 2), listed("p_codes", 2)}
	if !target.live() { // a tenant has partners of its own
		listChecks = append(listChecks, statecheck.ExpectKnownOutputValue("partner_count", knownvalue.Int64Exact(3)))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: target.example("data-sources/servitly_partner/data-source.tf", "P000123", rossi.Code,
					"6616689a0de6d87b47cd6308", rossi.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					stateString("data.servitly_partner.rossi", "id", rossi.ID),
					stateString("data.servitly_partner.by_id", "code", rossi.Code),
				},
			},
			{
				Config:            target.example("data-sources/servitly_partners/data-source.tf", `"P00*"`, fmt.Sprintf("%q", target.code("P00*"))),
				ConfigStateChecks: listChecks,
			},
			{
				Config: target.example("data-sources/servitly_organization/data-source.tf", "P000200", target.code("P000200"),
					`"Acme Dealers"`, fmt.Sprintf("%q", dealers.Name)),
				ConfigStateChecks: []statecheck.StateCheck{
					stateString("servitly_partner.bianchi", "organization_id", dealers.ID),
				},
			},
		},
	})
}
