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

func init() {
	// A live tenant has partners of its own, which the lists may hold too:
	// the checks count the test's.
	exampleCases["data-sources/servitly_partners/data-source.tf"] = func(a *accTarget) exampleRun {
		a.addPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: a.code("P000123"), Country: "Italy", Timezone: "Europe/Rome"})
		a.addPartner(emulator.Partner{Name: "Verdi Macchine", Code: a.code("P000124"), Country: "Italy"})
		a.addPartner(emulator.Partner{Name: "Dupont", Code: a.code("F01"), Country: "France"})
		seeded := ids(a.partners())
		listed := func(name string, n int) statecheck.StateCheck {
			return statecheck.ExpectKnownValue("data.servitly_partners."+name, tfjsonpath.New("ids"), own(seeded, knownvalue.ListSizeExact(n)))
		}
		run := exampleRun{replace: []string{`"P00*"`, fmt.Sprintf("%q", a.code("P00*"))},
			state: []statecheck.StateCheck{listed("all", 3), listed("italy", 2), listed("macchine", 2), listed("p_codes", 2)}}
		if !a.live() { // a tenant has partners of its own
			run.state = append(run.state, statecheck.ExpectKnownOutputValue("partner_count", knownvalue.Int64Exact(3)))
		}
		return run
	}
}

// expectPartnerList checks a servitly_partners data source: of the partners
// in keep, partners holds exactly want, with every attribute, sorted by name
// then id, and ids lists the same partners in the same order.
func expectPartnerList(addr string, keep map[string]bool, want []emulator.Partner) []statecheck.StateCheck {
	want = slices.Clone(want)
	slices.SortFunc(want, func(a, b emulator.Partner) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	partners := make([]knownvalue.Check, len(want))
	ids := make([]knownvalue.Check, len(want))
	for i, p := range want {
		partners[i] = knownvalue.ObjectExact(partnerValues(p))
		ids[i] = knownvalue.StringExact(p.ID)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("partners"), own(keep, knownvalue.ListExact(partners))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids"), own(keep, knownvalue.ListExact(ids))),
	}
}

func partnersWhere(all []emulator.Partner, keep func(emulator.Partner) bool) []emulator.Partner {
	return slices.DeleteFunc(slices.Clone(all), func(p emulator.Partner) bool { return !keep(p) })
}

// TestAccPartnersDataSource_pagingAndFilters lists more partners than fit
// in two pages, and checks each filter against the server's own data. A
// live run makes SERVITLY_ACC_LIVE_MAX_PARTNERS dealers (30 by default):
// there the lists page through the tenant's own partners.
func TestAccPartnersDataSource_pagingAndFilters(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	dealers := target.scale(450) // more than two pages of client.PageSize
	for i := range dealers {
		country := "Italy"
		if i%3 == 0 {
			country = "France"
		}
		target.addPartner(emulator.Partner{Name: fmt.Sprintf("Dealer %03d", i), Code: target.code(fmt.Sprintf("D%03d", i)), Country: country,
			Properties: map[string]string{"n": fmt.Sprint(i)}})
	}
	root := target.rootOrganizationID()
	target.addPartner(emulator.Partner{Name: "Rossi Macchine", Code: target.code("P1"), Country: "Italy", Timezone: "Europe/Rome",
		OrganizationID: root, CustomerCount: 9})
	target.addPartner(emulator.Partner{Name: "Bianchi MACCHINE agricole", Code: target.code("P2")})
	all := target.partners()
	if !target.live() && len(all) <= 2*client.PageSize {
		t.Fatalf("seed more than two pages: %d partners", len(all))
	}

	config := target.provider() + fmt.Sprintf(`
data "servitly_partners" "all" {}

data "servitly_partners" "france" {
  country = "France"
}

data "servitly_partners" "contains" {
  search_text = "*macchine*"
}

data "servitly_partners" "code_prefix" {
  search_text  = %[1]q
  search_field = "code"
}

data "servitly_partners" "name_and_country" {
  name    = "Dealer 003"
  country = "France"
}

data "servitly_partners" "nothing" {
  code = %[2]q
}

data "servitly_partners" "nothing_either" {
  name    = "Dealer 004"
  country = "France"
}

data "servitly_partners" "organization" {
  organization_id = %[3]q
}
`, target.code("D01*"), target.code("NO-SUCH-CODE"), root)
	var checks []statecheck.StateCheck
	keep := ids(all)
	add := func(name string, want []emulator.Partner) {
		checks = append(checks, expectPartnerList("data.servitly_partners."+name, keep, want)...)
	}
	add("all", all) // 452 partners on the emulator: only walking three pages of 200 returns them all
	add("france", partnersWhere(all, func(p emulator.Partner) bool { return p.Country == "France" }))
	add("contains", partnersWhere(all, func(p emulator.Partner) bool { return p.Code == target.code("P1") || p.Code == target.code("P2") }))
	add("code_prefix", partnersWhere(all, func(p emulator.Partner) bool { return strings.HasPrefix(p.Code, target.code("D01")) }))
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
	target := newAccTarget(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      target.provider() + `data "servitly_partners" "x" { search_field = "code" }`,
				ExpectError: expectError(`(?s)Invalid Attribute Combination.*search_text.*must be specified when.*search_field`),
			},
			{
				Config:      target.provider() + `data "servitly_partners" "x" { name = "" }`,
				ExpectError: expectError(`name must not be empty`),
			},
		},
	})
}
