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

func init() {
	exampleCases["data-sources/servitly_partner/data-source.tf"] = func(a *accTarget) exampleRun {
		rossi := a.addPartner(emulator.Partner{ID: examplePartnerID, Name: "Rossi Macchine S.r.l.", Code: a.code("P000123"),
			Country: "Italy", Timezone: "Europe/Rome", CustomerCount: 12})
		return exampleRun{replace: []string{"P000123", rossi.Code, examplePartnerID, rossi.ID}, state: []statecheck.StateCheck{
			stateString("data.servitly_partner.rossi", "id", rossi.ID),
			stateString("data.servitly_partner.by_id", "code", rossi.Code),
		}}
	}
}

// partnerValues checks every attribute of a partner in a data source
// against what the emulator holds.
func partnerValues(p emulator.Partner) map[string]knownvalue.Check {
	var props knownvalue.Check = knownvalue.Null()
	if len(p.Properties) > 0 {
		m := map[string]knownvalue.Check{}
		for k, v := range p.Properties {
			m[k] = knownvalue.StringExact(v)
		}
		props = knownvalue.MapExact(m)
	}
	return map[string]knownvalue.Check{
		"id":                 knownvalue.StringExact(p.ID),
		"name":               knownvalue.StringExact(p.Name),
		"code":               textValue(p.Code),
		"country":            textValue(p.Country),
		"timezone":           textValue(p.Timezone),
		"properties":         props,
		"organization_id":    textValue(p.OrganizationID),
		"customer_count":     knownvalue.Int64Exact(p.CustomerCount),
		"creation_timestamp": knownvalue.Int64Exact(p.CreationTimestamp),
	}
}

// textValue checks an optional string attribute: null when s is empty.
func textValue(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(s)
}

// expectPartner checks every attribute of a servitly_partner data source.
func expectPartner(addr string, p emulator.Partner) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for attr, check := range partnerValues(p) {
		checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), check))
	}
	return checks
}

func TestAccPartnerDataSource_byCodeAndID(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	full := target.addPartner(emulator.Partner{Name: "Rossi Macchine", Code: target.code("P000123"), Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, OrganizationID: target.rootOrganizationID(), CustomerCount: 4})
	// No code on the emulator; live, the bare code of the test, which the
	// sweeper can find.
	bare := target.addPartner(emulator.Partner{Name: "No code, no properties", Code: target.code("")})
	target.addPartner(emulator.Partner{Name: "Decoy", Code: target.code("P0001234")})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: target.provider() + fmt.Sprintf(`
data "servitly_partner" "by_code" {
  code = %q
}
data "servitly_partner" "by_id" {
  id = %q
}
`, full.Code, bare.ID),
			ConfigStateChecks: append(expectPartner("data.servitly_partner.by_code", full),
				expectPartner("data.servitly_partner.by_id", bare)...),
		}},
	})
}

// TestAccPartnerDataSource_errors: zero or several matches, and a wrong
// combination of id and code, fail with a message saying which.
func TestAccPartnerDataSource_errors(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	dup := target.code("DUP")
	first := target.addPartner(emulator.Partner{Name: "Twin A", Code: dup})
	second := target.addPartner(emulator.Partner{Name: "Twin B", Code: dup})
	step := func(body, pattern string) resource.TestStep {
		return resource.TestStep{Config: target.provider() + body, ExpectError: expectError(pattern)}
	}
	byCode := func(code string) string { return fmt.Sprintf(`data "servitly_partner" "x" { code = %q }`, code) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(byCode(target.code("NOPE")), `(?s)Partner not found.*No partner has code "`+target.code("NOPE")+`"`),
			step(byCode(target.code("dup")), `(?s)Partner not found.*No partner has code "`+target.code("dup")+`"`),
			step(byCode(dup),
				fmt.Sprintf(`(?s)Several partners have this code.*2 partners have code "%[3]s".*(%[1]s.*%[2]s|%[2]s.*%[1]s)`,
					`id `+first.ID+`, name "Twin A"`, `id `+second.ID+`, name "Twin B"`, dup)),
			step(`data "servitly_partner" "x" { id = "0123456789abcdef01234567" }`,
				`(?s)Partner not found.*No partner has id "0123456789abcdef01234567"`),
			step(fmt.Sprintf(`data "servitly_partner" "x" {
  id   = %q
  code = %q
}`, first.ID, dup), `(?s)Invalid Attribute Combination.*Exactly one of these attributes must be configured: \[id,code\]`),
			step(`data "servitly_partner" "x" {}`, `(?s)Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[id,code\]`),
			step(`data "servitly_partner" "x" { code = " " }`, `code must not be empty`),
		},
	})
}

// TestAccPartnerDataSource_forbidden: without READ_ALL_PARTNERS neither data
// source can list, and the error names the permission.
func TestAccPartnerDataSource_forbidden(t *testing.T) {
	emulatorOnly(t, "it needs a login without READ_ALL_PARTNERS (Options.Permissions)")
	emu := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER"}})
	emu.AddPartner(emulator.Partner{Name: "Verdi", Code: "P9"})
	forbidden := expectError(`(?s)Error listing partners.*HTTP 403.*needs READ_ALL_PARTNERS`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: emu.tokenProvider() + `data "servitly_partner" "x" { code = "P9" }`, ExpectError: forbidden},
			{Config: emu.tokenProvider() + `data "servitly_partners" "x" {}`, ExpectError: forbidden},
		},
	})
}
