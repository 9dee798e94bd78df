package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccOrganizationDataSource_lookupAndUse finds organizations by name
// and by id, and places a partner under one without copying its id.
func TestAccOrganizationDataSource_lookupAndUse(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{OrganizationName: "Acme Manufacturing"})
	root := emu.RootOrganizationID()
	dealers := emu.AddOrganization(emulator.Organization{Name: "Acme Dealers", Country: "Italy", Timezone: "Europe/Rome", ParentID: root})
	emu.AddOrganization(emulator.Organization{Name: "Acme Dealers Italy", ParentID: dealers.ID})

	rootAddr := "data.servitly_organization.root"
	byID := "data.servitly_organization.by_id"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkNoPartners,
		Steps: []resource.TestStep{{
			Config: emu.tokenProvider() + fmt.Sprintf(`
data "servitly_organization" "root" {
  name = "Acme Manufacturing"
}

data "servitly_organization" "by_id" {
  id = %q
}

data "servitly_organization" "dealers" {
  name = "Acme Dealers"
}

resource "servitly_partner" "test" {
  name            = "Rossi"
  organization_id = data.servitly_organization.dealers.id
}
`, dealers.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				stateString(rootAddr, "id", root),
				statecheck.ExpectKnownValue(rootAddr, tfjsonpath.New("parent_id"), knownvalue.Null()),
				stateString(rootAddr, "country", "Italy"),
				stateString(byID, "name", "Acme Dealers"),
				stateString(byID, "parent_id", root),
				stateString(byID, "timezone", "Europe/Rome"),
				stateString(partnerAddr, "organization_id", dealers.ID),
			},
			Check: func(s *terraform.State) error {
				p, _ := emu.Partner(s.RootModule().Resources[partnerAddr].Primary.ID)
				if p.OrganizationID != dealers.ID {
					return fmt.Errorf("the partner's organization on the server is %q, want %q", p.OrganizationID, dealers.ID)
				}
				return nil
			},
		}},
	})
}

func TestAccOrganizationDataSource_errors(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	first := emu.AddOrganization(emulator.Organization{Name: "Twin", ParentID: emu.RootOrganizationID()})
	second := emu.AddOrganization(emulator.Organization{Name: "Twin", ParentID: emu.RootOrganizationID()})
	forbidden := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_ORGANIZATION"}})
	step := func(e *testEmulator, body, pattern string) resource.TestStep {
		return resource.TestStep{Config: e.tokenProvider() + body, ExpectError: expectError(pattern)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(emu, `data "servitly_organization" "x" { name = "Nobody" }`, `(?s)Organization not found.*No organization visible to the caller is named "Nobody"`),
			step(emu, `data "servitly_organization" "x" { name = "Twin" }`,
				fmt.Sprintf(`(?s)Several organizations have this name.*2 organizations have name "Twin".*(%[1]s.*%[2]s|%[2]s.*%[1]s).*Set id instead`,
					first.ID, second.ID)),
			step(emu, `data "servitly_organization" "x" { id = "0123456789abcdef01234567" }`,
				`(?s)Organization not found.*HTTP 404: Resource not found: no organization has id\s+"0123456789abcdef01234567"`),
			step(emu, fmt.Sprintf(`data "servitly_organization" "x" {
  id   = %q
  name = "Twin"
}`, first.ID), `(?s)Invalid Attribute Combination.*Exactly one of these attributes must be configured: \[id,name\]`),
			step(forbidden, `data "servitly_organization" "x" { name = "Demo Manufacturing" }`,
				`(?s)Error listing organizations.*HTTP 403.*needs READ_ALL_ORGANIZATIONS`),
		},
	})
}
