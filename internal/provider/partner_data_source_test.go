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

// partnerValues checks every attribute of a partner in a data source
// against what the emulator holds.
func partnerValues(p emulator.Partner) map[string]knownvalue.Check {
	text := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
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
		"code":               text(p.Code),
		"country":            text(p.Country),
		"timezone":           text(p.Timezone),
		"properties":         props,
		"organization_id":    text(p.OrganizationID),
		"customer_count":     knownvalue.Int64Exact(p.CustomerCount),
		"creation_timestamp": knownvalue.Int64Exact(p.CreationTimestamp),
	}
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
	emu := newTestEmulator(t, emulator.Options{})
	full := emu.AddPartner(emulator.Partner{Name: "Rossi Macchine", Code: "P000123", Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, OrganizationID: emu.RootOrganizationID(), CustomerCount: 4})
	bare := emu.AddPartner(emulator.Partner{Name: "No code, no properties"})
	emu.AddPartner(emulator.Partner{Name: "Decoy", Code: "P0001234"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: emu.tokenProvider() + fmt.Sprintf(`
data "servitly_partner" "by_code" {
  code = "P000123"
}
data "servitly_partner" "by_id" {
  id = %q
}
`, bare.ID),
			ConfigStateChecks: append(expectPartner("data.servitly_partner.by_code", full),
				expectPartner("data.servitly_partner.by_id", bare)...),
		}},
	})
}

// TestAccPartnerDataSource_errors: zero or several matches, and a wrong
// combination of id and code, fail with a message saying which.
func TestAccPartnerDataSource_errors(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	first := emu.AddPartner(emulator.Partner{Name: "Twin A", Code: "DUP"})
	second := emu.AddPartner(emulator.Partner{Name: "Twin B", Code: "DUP"})
	step := func(body, pattern string) resource.TestStep {
		return resource.TestStep{Config: emu.tokenProvider() + body, ExpectError: expectError(pattern)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`data "servitly_partner" "x" { code = "NOPE" }`, `(?s)Partner not found.*No partner has code "NOPE"`),
			step(`data "servitly_partner" "x" { code = "dup" }`, `(?s)Partner not found.*No partner has code "dup"`),
			step(`data "servitly_partner" "x" { code = "DUP" }`,
				fmt.Sprintf(`(?s)Several partners have this code.*2 partners have code "DUP".*(%[1]s.*%[2]s|%[2]s.*%[1]s)`,
					`id `+first.ID+`, name "Twin A"`, `id `+second.ID+`, name "Twin B"`)),
			step(`data "servitly_partner" "x" { id = "0123456789abcdef01234567" }`,
				`(?s)Partner not found.*No partner has id "0123456789abcdef01234567"`),
			step(fmt.Sprintf(`data "servitly_partner" "x" {
  id   = %q
  code = "DUP"
}`, first.ID), `(?s)Invalid Attribute Combination.*Exactly one of these attributes must be configured: \[id,code\]`),
			step(`data "servitly_partner" "x" {}`, `(?s)Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[id,code\]`),
			step(`data "servitly_partner" "x" { code = " " }`, `code must not be empty`),
		},
	})
}

func TestAccPartnerDataSource_forbidden(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER"}})
	emu.AddPartner(emulator.Partner{Name: "Verdi", Code: "P9"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      emu.tokenProvider() + `data "servitly_partner" "x" { code = "P9" }`,
			ExpectError: expectError(`(?s)Error listing partners.*HTTP 403.*needs READ_ALL_PARTNERS`),
		}},
	})
}
