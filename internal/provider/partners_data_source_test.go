package provider

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// expectPartnerList checks a servitly_partners data source: partners holds
// exactly want, with every attribute, sorted by name then id, and ids
// lists the same partners in the same order.
func expectPartnerList(addr string, want []emulator.Partner) []statecheck.StateCheck {
	want = slices.Clone(want)
	slices.SortFunc(want, func(a, b emulator.Partner) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	partners := make([]knownvalue.Check, len(want))
	ids := make([]knownvalue.Check, len(want))
	for i, p := range want {
		partners[i] = knownvalue.ObjectExact(partnerValues(p))
		ids[i] = knownvalue.StringExact(p.ID)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("partners"), knownvalue.ListExact(partners)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
	}
}

func partnersWhere(all []emulator.Partner, keep func(emulator.Partner) bool) []emulator.Partner {
	return slices.DeleteFunc(slices.Clone(all), func(p emulator.Partner) bool { return !keep(p) })
}

// TestAccPartnersDataSource_pagingAndFilters lists more partners than fit
// in two pages, and checks each filter against the emulator's own data.
func TestAccPartnersDataSource_pagingAndFilters(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	const dealers = 450 // more than two pages of client.PageSize
	for i := range dealers {
		country := "Italy"
		if i%3 == 0 {
			country = "France"
		}
		emu.AddPartner(emulator.Partner{Name: fmt.Sprintf("Dealer %03d", i), Code: fmt.Sprintf("D%03d", i), Country: country,
			Properties: map[string]string{"n": fmt.Sprint(i)}})
	}
	emu.AddPartner(emulator.Partner{Name: "Rossi Macchine", Code: "P1", Country: "Italy", Timezone: "Europe/Rome",
		OrganizationID: emu.RootOrganizationID(), CustomerCount: 9})
	emu.AddPartner(emulator.Partner{Name: "Bianchi MACCHINE agricole", Code: "P2"})
	all := emu.Partners()
	if len(all) <= 2*client.PageSize {
		t.Fatalf("seed more than two pages: %d partners", len(all))
	}

	config := emu.tokenProvider() + `
data "servitly_partners" "all" {}

data "servitly_partners" "france" {
  country = "France"
}

data "servitly_partners" "contains" {
  search_text = "*macchine*"
}

data "servitly_partners" "code_prefix" {
  search_text  = "D04*"
  search_field = "code"
}

data "servitly_partners" "name_and_country" {
  name    = "Dealer 003"
  country = "France"
}

data "servitly_partners" "nothing" {
  code = "NO-SUCH-CODE"
}

data "servitly_partners" "nothing_either" {
  name    = "Dealer 004"
  country = "France"
}

data "servitly_partners" "organization" {
  organization_id = "` + emu.RootOrganizationID() + `"
}
`
	var checks []statecheck.StateCheck
	add := func(name string, want []emulator.Partner) {
		checks = append(checks, expectPartnerList("data.servitly_partners."+name, want)...)
	}
	add("all", all) // 452 partners: only walking three pages of 200 returns them all
	add("france", partnersWhere(all, func(p emulator.Partner) bool { return p.Country == "France" }))
	add("contains", partnersWhere(all, func(p emulator.Partner) bool { return p.Code == "P1" || p.Code == "P2" }))
	add("code_prefix", partnersWhere(all, func(p emulator.Partner) bool { return strings.HasPrefix(p.Code, "D04") }))
	add("name_and_country", partnersWhere(all, func(p emulator.Partner) bool { return p.Name == "Dealer 003" }))
	add("nothing", nil)
	add("nothing_either", nil)
	add("organization", partnersWhere(all, func(p emulator.Partner) bool { return p.OrganizationID != "" }))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccPartnersDataSource_errors(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	forbidden := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER"}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      emu.tokenProvider() + `data "servitly_partners" "x" { search_field = "code" }`,
				ExpectError: expectError(`(?s)Invalid Attribute Combination.*search_text.*must be specified when.*search_field`),
			},
			{
				Config:      emu.tokenProvider() + `data "servitly_partners" "x" { name = "" }`,
				ExpectError: expectError(`name must not be empty`),
			},
			{
				Config:      forbidden.tokenProvider() + `data "servitly_partners" "x" {}`,
				ExpectError: expectError(`(?s)Error listing partners.*HTTP 403.*needs READ_ALL_PARTNERS`),
			},
		},
	})
}
