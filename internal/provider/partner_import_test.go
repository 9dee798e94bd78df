package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccPartnerResource_importByCode adopts a partner by its code, with an
// import block and with the import command, and checks that only the
// canonical id reaches the state.
// importLeavesUnset are the attributes an import leaves null: deletion_protection is the
// provider's until the next plan settles it, so that configuration generated from the import
// does not hard-code it (partnerResource.Read).
var importLeavesUnset = []string{"deletion_protection"}

func TestAccPartnerResource_importByCode(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	code := target.code("P000123")
	existing := target.addPartner(emulator.Partner{Name: "Verdi", Code: code, Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, CustomerCount: 2})
	target.addPartner(emulator.Partner{Name: "Other", Code: target.code("P000124")})
	config := partnerConfig("Verdi", code, `{ tier = "gold" }`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: target.provider() + fmt.Sprintf(`
import {
  to = servitly_partner.test
  id = "code:%s"
}
`, code) + config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stateString(partnerAddr, "id", existing.ID),
					serverCheck(func() error {
						if n := len(target.partners()); n != 2 {
							return fmt.Errorf("importing must not create or delete partners: the server holds %d, want 2", n)
						}
						return nil
					}),
				},
			},
			{
				// The import command, same code, same partner and same attributes.
				Config:            target.provider() + config,
				ResourceName:      partnerAddr,
				ImportState:       true,
				ImportStateId:     "code:" + code,
				ImportStateVerify: true,

				ImportStateVerifyIgnore: importLeavesUnset,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].ID != existing.ID {
						return fmt.Errorf("import by code should give exactly partner %s, got %+v", existing.ID, states)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPartnerResource_importByCodeErrors: a code that matches no partner
// or several, and an empty code, are refused with what to do instead.
func TestAccPartnerResource_importByCodeErrors(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	dup := target.code("DUP")
	first := target.addPartner(emulator.Partner{Name: "Twin A", Code: dup})
	second := target.addPartner(emulator.Partner{Name: "Twin B", Code: dup})
	target.addPartner(emulator.Partner{Name: "Lower", Code: target.code("p1")})
	importStep := func(id, pattern string) resource.TestStep {
		return resource.TestStep{
			Config:        target.provider() + `resource "servitly_partner" "test" { name = "x" }`,
			ResourceName:  partnerAddr,
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   expectError(pattern),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			importStep("code:"+target.code("P1"), `(?s)Partner not found.*No partner has code "`+target.code("P1")+`"`),
			importStep("code:"+dup, fmt.Sprintf(`(?s)Several partners have this code.*2 partners have code "%s".*(%[2]s.*%[3]s|%[3]s.*%[2]s)`,
				dup, first.ID, second.ID)),
			importStep("code:", `(?s)Invalid import ID.*no code after "code:"`),
		},
	})
}

// TestAccPartnerResource_importByCodeForbidden: without READ_ALL_PARTNERS
// the code cannot be looked up, and the error names the permission.
func TestAccPartnerResource_importByCodeForbidden(t *testing.T) {
	emulatorOnly(t, "it needs a login without READ_ALL_PARTNERS (Options.Permissions)")
	emu := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER"}})
	existing := emu.AddPartner(emulator.Partner{Name: "Verdi", Code: "P9"})
	config := emu.tokenProvider() + `resource "servitly_partner" "test" { name = "Verdi" }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        config,
				ResourceName:  partnerAddr,
				ImportState:   true,
				ImportStateId: "code:P9",
				ExpectError:   expectError(`(?s)Error importing partner.*HTTP 403.*needs READ_ALL_PARTNERS`),
			},
			{
				// Import by id needs no listing, so it still works.
				Config:        config,
				ResourceName:  partnerAddr,
				ImportState:   true,
				ImportStateId: existing.ID,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["code"] != "P9" {
						return fmt.Errorf("import by id should read partner %s, got %+v", existing.ID, states)
					}
					return nil
				},
			},
		},
	})
}
