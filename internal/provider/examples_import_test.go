package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccExamplesImportByCode applies the import-by-code example with the
// resource example: the partner the console made is adopted unchanged.
func TestAccExamplesImportByCode(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	target.useEnv()
	existing := target.addPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: target.code("P000123"), Country: "Italy",
		Timezone: "Europe/Rome", Properties: map[string]string{"tier": "gold", "channel": "dealer"}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: target.example("resources/servitly_partner/import-by-code.tf", "P000123", existing.Code) +
				target.example("resources/servitly_partner/resource.tf", "P000123", existing.Code),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("servitly_partner.rossi", plancheck.ResourceActionNoop)},
			},
			ConfigStateChecks: []statecheck.StateCheck{stateString("servitly_partner.rossi", "id", existing.ID)},
		}},
	})
}
