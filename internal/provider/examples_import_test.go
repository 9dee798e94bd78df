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
	emu := newTestEmulator(t, emulator.Options{})
	useEmulatorEnv(t, emu)
	existing := emu.AddPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: "P000123", Country: "Italy",
		Timezone: "Europe/Rome", Properties: map[string]string{"tier": "gold", "channel": "dealer"}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: readExample(t, "resources/servitly_partner/import-by-code.tf") +
				readExample(t, "resources/servitly_partner/resource.tf"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("servitly_partner.rossi", plancheck.ResourceActionNoop)},
			},
			ConfigStateChecks: []statecheck.StateCheck{stateString("servitly_partner.rossi", "id", existing.ID)},
		}},
	})
}
