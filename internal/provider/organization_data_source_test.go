package provider

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

func init() {
	registerAccType("servitly_organization", accType{routes: []string{"GET /network/organizations/{id}", "GET /v2/network/organizations"}})
	exampleCases["data-sources/servitly_organization/data-source.tf"] = func(a *accTarget) exampleRun {
		dealers := a.organization(emulator.Organization{Name: "Acme Dealers", ParentID: a.rootOrganizationID()})
		return exampleRun{replace: []string{"P000200", a.code("P000200"), `"Acme Dealers"`, fmt.Sprintf("%q", dealers.Name)},
			state: []statecheck.StateCheck{stateString("servitly_partner.bianchi", "organization_id", dealers.ID)}}
	}
}

// TestAccOrganizationDataSource_lookupAndUse finds organizations by name
// and by id, and places a partner under one without copying its id. A live
// run uses the tenant's organizations: it makes none.
func TestAccOrganizationDataSource_lookupAndUse(t *testing.T) {
	target := newAccTarget(t, emulator.Options{OrganizationName: "Acme Manufacturing"})
	root := target.rootOrganization()
	dealers := target.organization(emulator.Organization{Name: "Acme Dealers", Country: "Italy", Timezone: "Europe/Rome", ParentID: root.ID})
	if !target.live() { // a name that starts with the one looked up
		target.emu.AddOrganization(emulator.Organization{Name: "Acme Dealers Italy", ParentID: dealers.ID})
	}

	rootAddr := "data.servitly_organization.root"
	byID := "data.servitly_organization.by_id"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: target.provider() + fmt.Sprintf(`
data "servitly_organization" "root" {
  name = %q
}

data "servitly_organization" "by_id" {
  id = %q
}

data "servitly_organization" "dealers" {
  name = %q
}

resource "servitly_partner" "test" {
  name            = "Rossi"
  code            = %q
  organization_id = data.servitly_organization.dealers.id
}
`, root.Name, dealers.ID, dealers.Name, target.code("R1")),
			ConfigStateChecks: []statecheck.StateCheck{
				stateString(rootAddr, "id", root.ID),
				statecheck.ExpectKnownValue(rootAddr, tfjsonpath.New("parent_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(rootAddr, tfjsonpath.New("country"), textValue(root.Country)),
				stateString(byID, "name", dealers.Name),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("parent_id"), textValue(dealers.ParentID)),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("timezone"), textValue(dealers.Timezone)),
				stateString(partnerAddr, "organization_id", dealers.ID),
			},
			Check: func(s *terraform.State) error {
				p, _, err := target.partner(s.RootModule().Resources[partnerAddr].Primary.ID)
				if p.OrganizationID != dealers.ID {
					return fmt.Errorf("the partner's organization on the server is %q, want %q (%w)", p.OrganizationID, dealers.ID, err)
				}
				return nil
			},
		}},
	})
}

func TestAccOrganizationDataSource_errors(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	step := func(body, pattern string) resource.TestStep {
		return resource.TestStep{Config: target.provider() + body, ExpectError: expectError(pattern)}
	}
	nobody := target.code("Nobody")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(fmt.Sprintf(`data "servitly_organization" "x" { name = %q }`, nobody),
				`(?s)Organization not found.*No organization visible to the caller is named "`+nobody+`"`),
			step(`data "servitly_organization" "x" { id = "0123456789abcdef01234567" }`,
				`(?s)Organization not found.*`+target.serverSaid(404, "Resource not found")+`: no organization has id\s+"0123456789abcdef01234567"`),
			step(fmt.Sprintf(`data "servitly_organization" "x" {
  id   = %q
  name = "Twin"
}`, target.rootOrganizationID()), `(?s)Invalid Attribute Combination.*Exactly one of these attributes must be configured: \[id,name\]`),
		},
	})
}

// TestAccOrganizationDataSource_ambiguousOrForbidden: a name that several
// organizations have, and a login without READ_ALL_ORGANIZATIONS, fail
// saying so.
func TestAccOrganizationDataSource_ambiguousOrForbidden(t *testing.T) {
	emulatorOnly(t, "it needs two organizations of one name and a login without READ_ALL_ORGANIZATIONS; a live run makes no organizations")
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
			step(emu, `data "servitly_organization" "x" { name = "Twin" }`,
				fmt.Sprintf(`(?s)Several organizations have this name.*2 organizations have name "Twin".*(%[1]s.*%[2]s|%[2]s.*%[1]s).*Set id instead`,
					first.ID, second.ID)),
			step(forbidden, `data "servitly_organization" "x" { name = "Demo Manufacturing" }`,
				`(?s)Error listing organizations.*HTTP 403.*needs READ_ALL_ORGANIZATIONS`),
		},
	})
}

// organizations lists the organizations the test may place partners in:
// the emulator's, or the tenant's.
func (a *accTarget) organizations() []emulator.Organization {
	a.t.Helper()
	if !a.live() {
		return a.emu.Organizations()
	}
	ctx, cancel := a.ctx()
	defer cancel()
	orgs, err := a.api.ListOrganizations(ctx, "")
	if err != nil {
		a.t.Fatalf("listing the tenant's organizations (needs READ_ALL_ORGANIZATIONS): %v", err)
	}
	out := make([]emulator.Organization, len(orgs))
	for i, o := range orgs {
		out[i] = emulator.Organization{ID: o.ID, Name: o.Name, Country: o.Country, Timezone: o.Timezone}
		if o.Parent != nil {
			out[i].ParentID = o.Parent.ID
		}
	}
	return out
}

// organization returns an organization to place the test's partners in:
// o, added to the emulator, or in a live run one of the tenant's, which are
// not the tests' to make. Each call takes another organization whose name
// no other has, those with a parent first, while the tenant has more.
func (a *accTarget) organization(o emulator.Organization) emulator.Organization {
	a.t.Helper()
	if !a.live() {
		return a.emu.AddOrganization(o)
	}
	orgs := a.organizations()
	named := map[string]int{}
	for _, o := range orgs {
		named[o.Name]++
	}
	orgs = slices.DeleteFunc(orgs, func(o emulator.Organization) bool { return named[o.Name] > 1 })
	slices.SortStableFunc(orgs, func(x, y emulator.Organization) int { return cmp.Compare(y.ParentID, x.ParentID) }) // roots last
	if len(orgs) == 0 {
		a.t.Fatal("the tenant has no organization with a name of its own")
	}
	a.orgsTaken++
	return orgs[(a.orgsTaken-1)%len(orgs)]
}

// rootOrganization is an organization without a parent.
func (a *accTarget) rootOrganization() emulator.Organization {
	a.t.Helper()
	for _, o := range a.organizations() {
		if o.ParentID == "" {
			return o
		}
	}
	a.t.Fatal("no organization without a parent")
	return emulator.Organization{}
}

func (a *accTarget) rootOrganizationID() string { return a.rootOrganization().ID }
