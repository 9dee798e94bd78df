package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Acceptance tests of refresh batching (partner_refresh.go): the real CLI
// refreshes many partners through the provider against the emulator or a
// tenant, and the meter in front of it counts what it cost. They prove that
// batching changes the number of requests and nothing else.

// countedPartners is n partners made with count, every field set, with
// codes that start with prefix.
func countedPartners(prefix string, n int) string {
	return fmt.Sprintf(`
resource "servitly_partner" "test" {
  count      = %d
  name       = "Partner ${count.index}"
  code       = format("%sR%%04d", count.index)
  country    = "Italy"
  timezone   = "Europe/Rome"
  properties = { index = tostring(count.index) }
}
`, n, prefix)
}

// newRefreshEmulator serves an emulator behind the refreshServer wrapper,
// which can hide partners from the list, refuse it and record GETs.
func newRefreshEmulator(t *testing.T, opts emulator.Options) (*testEmulator, *refreshServer) {
	t.Helper()
	srv, opts := newEmulator(t, opts)
	rs := wrapForRefresh(srv)
	return serveEmulator(t, rs.Server, rs, opts), rs
}

// partnerIDs is a Check that records the ids of servitly_partner.test[*]
// in index order.
func partnerIDs(ids *[]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*ids = (*ids)[:0]
		for i := 0; ; i++ {
			rs, ok := s.RootModule().Resources[fmt.Sprintf("servitly_partner.test.%d", i)]
			if !ok {
				break
			}
			*ids = append(*ids, rs.Primary.ID)
		}
		if len(*ids) == 0 {
			return fmt.Errorf("no servitly_partner.test instances in state")
		}
		return nil
	}
}

// partnerReadRequests counts the requests that read partners.
func partnerReadRequests(st emulator.Stats) int {
	return st.ByRoute[routeGet] + st.ByRoute[routeList]
}

// TestAccPartnerRefresh_batchedPlanStillSeesDrift refreshes a large state
// (30 partners; live, at most SERVITLY_ACC_LIVE_MAX_PARTNERS) from the list,
// and still sees a partner edited and one deleted behind Terraform's back.
func TestAccPartnerRefresh_batchedPlanStillSeesDrift(t *testing.T) {
	onePassOnly(t, "tofu", "the refresh's batching is the provider's own")
	target := newAccTarget(t, emulator.Options{})
	n := target.scale(30)
	config := target.provider() + countedPartners(target.code(""), n)
	// The emulator holds only the test's partners; a tenant of any size
	// costs at most a GET and a list page per partner.
	budget := map[bool]int{false: n/100 + 2, true: 2*n + 2}[target.live()]
	if listDiffersFromGET() {
		budget = n + 2 // a list page, then a GET each
	}
	var ids []string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config, Check: partnerIDs(&ids)},
			{
				// One refreshing plan (PlanOnly runs one -refresh=false plan, then one with refresh).
				PreConfig: target.resetStats,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					st := target.stats()
					if got := st.Requests; got > budget {
						t.Errorf("a no-change plan of %d partners cost %d requests (%v), want at most %d", n, got, st.ByRoute, budget)
					}
					if st.ByRoute[routeList] == 0 {
						t.Errorf("the plan did not use the partner list: %v", st.ByRoute)
					}
					edited := target.mustPartner(ids[5])
					edited.Name = "Renamed in the console"
					edited.Properties = map[string]string{"index": "5", "extra": "yes"}
					if err := target.updatePartner(edited); err != nil {
						t.Fatal(err)
					}
					if err := target.deletePartner(ids[7]); err != nil {
						t.Fatal(err)
					}
					target.resetStats()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("servitly_partner.test[5]", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("servitly_partner.test[7]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("servitly_partner.test[6]", plancheck.ResourceActionNoop),
				}},
			},
			{
				PreConfig: func() {
					if got := target.meter.got(ids[7]); got != 1 {
						t.Errorf("the partner deleted out of band was read %d times with GET, want once before leaving the state", got)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					stateString("servitly_partner.test[5]", "name", "Partner 5"),
					serverCheck(func() error {
						if p, ok, err := target.partner(ids[5]); !ok || p.Name != "Partner 5" || len(p.Properties) != 1 {
							return fmt.Errorf("the out-of-band edit was not undone: %+v (%w)", p, err)
						}
						return nil
					}),
				},
			},
		},
	})
}

func TestAccPartnerRefresh_missingFromListIsConfirmedWithGet(t *testing.T) {
	onePassOnly(t, "tofu", "the refresh's batching is the provider's own")
	emulatorOnly(t, "it hides partners from the list pages (a wrapper around the emulator)")
	const n = 10
	emu, rs := newRefreshEmulator(t, emulator.Options{})
	config := emu.tokenProvider() + countedPartners("", n)
	var ids []string
	hidden := []int{2, 4, 6}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config, Check: partnerIDs(&ids)},
			{
				// The list leaves out three partners that exist: the plan must
				// stay empty, so none of them may leave the state.
				PreConfig: func() {
					for _, i := range hidden {
						rs.hide(ids[i])
					}
					rs.resetGets()
					emu.ResetStats()
				},
				Config:   config,
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					if st := emu.Stats(); st.ByRoute[routeList] == 0 {
						t.Errorf("the plan did not use the partner list: %v", st.ByRoute)
					}
					for _, i := range hidden {
						if got := rs.got(ids[i]); got != 1 {
							t.Errorf("partner %d, missing from the list, was read %d times with GET; want exactly once", i, got)
						}
					}
				},
				Config: config,
			},
		},
	})
}

func TestAccPartnerRefresh_listRefusedFallsBack(t *testing.T) {
	emulatorOnly(t, "it needs the list refused: a login without READ_ALL_PARTNERS, or a 404 from a wrapper around the emulator")
	for name, tc := range map[string]struct {
		opts   emulator.Options
		status int // refused by the wrapper with this status; 0: by the emulator's permissions
	}{
		"403 without READ_ALL_PARTNERS":    {opts: emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER", "READ_ORGANIZATION"}}},
		"404 on a tenant without the list": {status: http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			const n = 5
			emu, rs := newRefreshEmulator(t, tc.opts)
			if tc.status != 0 {
				rs.refuseList(tc.status)
			}
			config := emu.tokenProvider() + countedPartners("", n)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             emu.checkDestroyed,
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig: func() { emu.ResetStats(); rs.resetGets() },
						Config:    config,
						PlanOnly:  true,
					},
					{
						PreConfig: func() {
							st := emu.Stats()
							if st.ByRoute[routeGet] != n || st.ByRoute[routeList]+rs.refusedLists() != 1 {
								t.Errorf("requests %v (refused lists %d); want one refused list and a GET per partner", st.ByRoute, rs.refusedLists())
							}
						},
						Config: config,
					},
				},
			})
		})
	}
}

// TestAccPartnerRefresh_listRefusedWarnsOnce runs the built provider with the
// real CLI, which shows warnings, where the plugin-testing harness hides them.
func TestAccPartnerRefresh_listRefusedWarnsOnce(t *testing.T) {
	onePassOnly(t, "oldest", "the refresh's batching is the provider's own")
	t.Parallel()
	emulatorOnly(t, "it needs a login without READ_ALL_PARTNERS (Options.Permissions)")
	emu := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER", "READ_ORGANIZATION"}})
	tf := newTerraformCLI(t, emu)
	tf.writeFile("main.tf", requiredProviders+"provider \"servitly\" {}\n"+countedPartners("", 6))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	defer tf.mustRun("destroy", "-auto-approve", "-input=false")

	out := tf.mustRun("plan", "-input=false")
	if got := strings.Count(out, "Warning: Partner refresh batching is off"); got != 1 {
		t.Errorf("the plan shows the warning %d times, want once:\n%s", got, out)
	}
	if strings.Contains(out, "more similar warning") {
		t.Errorf("the warning was given more than once:\n%s", out)
	}
	if !strings.Contains(out, "No changes") {
		t.Errorf("the plan after falling back is not clean:\n%s", out)
	}
}

func TestAccPartnerRefresh_settingOffReadsOneByOne(t *testing.T) {
	onePassOnly(t, "tofu", "the refresh's batching is the provider's own")
	const n = 5
	target := newAccTarget(t, emulator.Options{})
	config := target.provider("batch_refresh = false") + countedPartners(target.code(""), n)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{PreConfig: target.resetStats, Config: config, PlanOnly: true},
			{
				PreConfig: func() {
					if st := target.stats(); st.ByRoute[routeGet] != n || st.ByRoute[routeList] != 0 {
						t.Errorf("with batch_refresh = false the plan cost %v; want a GET per partner and no list", st.ByRoute)
					}
				},
				Config: config,
			},
		},
	})
}

// TestAccPartnerRefresh_smallStateInLargeTenant: a plan of 3 partners in a
// tenant of 2000 costs at most one list page and a GET each. A live run
// takes the tenant as it is: the bound holds whatever its size.
func TestAccPartnerRefresh_smallStateInLargeTenant(t *testing.T) {
	onePassOnly(t, "newest", "the refresh's batching is the provider's own")
	const n = 3
	target := newAccTarget(t, emulator.Options{})
	if !target.live() {
		for i := range 2000 {
			target.addPartner(emulator.Partner{Name: fmt.Sprintf("Dealer %d", i), Code: fmt.Sprintf("D%05d", i)})
		}
	}
	others := len(target.partners())
	config := target.provider() + countedPartners(target.code(""), n)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if left := len(target.partners()); left != others {
				return fmt.Errorf("%d partners of the test on the server after destroy, want the %d others", left, others)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config},
			{PreConfig: target.resetStats, Config: config, PlanOnly: true},
			{
				PreConfig: func() {
					st := target.stats()
					logins := st.ByRoute["POST /identity/users/login"] + st.ByRoute["POST /identity/users/patLogin"]
					if reads := partnerReadRequests(st); st.ByRoute[routeList] > 1 || reads > n+1 || st.Requests != reads+logins {
						t.Errorf("a plan of %d partners in a tenant of %d cost %v; want at most one list page and %d reads, and logins",
							n, others, st.ByRoute, n+1)
					}
				},
				Config: config,
			},
		},
	})
}

// TestAccPartnerRefresh_importAndDataSources imports 30 partners created out
// of band with import blocks, whose reads are batched, and checks the result
// against the server, a data source, and a single-partner import.
func TestAccPartnerRefresh_importAndDataSources(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	n := target.scale(30)
	// A partner in an organization, outside the configuration: an entry that
	// leaves a field empty is trusted only once some entry has shown it.
	placed := target.addPartner(emulator.Partner{Name: "Placed", Code: target.code("R-ORG"), OrganizationID: target.rootOrganizationID()})
	seeded := make([]emulator.Partner, n)
	var imports strings.Builder
	for i := range n {
		seeded[i] = target.addPartner(emulator.Partner{Name: fmt.Sprintf("Partner %d", i), Code: target.code(fmt.Sprintf("R%04d", i)),
			Country: "Italy", Timezone: "Europe/Rome", Properties: map[string]string{"index": fmt.Sprint(i)}, CustomerCount: int64(i)})
		fmt.Fprintf(&imports, "    %q = { index = %d, id = %q }\n", fmt.Sprint(i), i, seeded[i].ID)
	}
	config := target.provider() + countedPartners(target.code(""), n) + fmt.Sprintf(`
locals {
  ids = {
%s  }
}

import {
  for_each = local.ids
  to       = servitly_partner.test[each.value.index]
  id       = each.value.id
}

data "servitly_partner" "by_code" {
  code = %q
}
`, imports.String(), seeded[3].Code)
	const addr = "servitly_partner.test[3]"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{
				PreConfig: target.resetStats,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateString(addr, "id", seeded[3].ID),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customer_count"), knownvalue.Int64Exact(seeded[3].CustomerCount)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), "data.servitly_partner.by_code", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("properties"), "data.servitly_partner.by_code", tfjsonpath.New("properties"), compare.ValuesSame()),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("creation_timestamp"), "data.servitly_partner.by_code", tfjsonpath.New("creation_timestamp"), compare.ValuesSame()),
				},
			},
			{
				PreConfig: func() {
					// The step imported, applied and planned twice: a GET per
					// partner would be well over 2n. A tenant much larger
					// than the state may rightly prefer GETs, and so must a
					// list whose entries differ from GET.
					if st := target.stats(); st.ByRoute[routeList] == 0 || !target.live() && !listDiffersFromGET() && st.ByRoute[routeGet] >= n {
						t.Errorf("importing %d partners cost %v; want their reads batched", n, st.ByRoute)
					}
					if err := target.deletePartner(placed.ID); err != nil {
						t.Fatal(err)
					}
				},
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     seeded[3].ID,
				ImportStateVerify: true,

				ImportStateVerifyIgnore: importLeavesUnset,
			},
		},
	})
}
