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
// refreshes many partners through the provider against the emulator, and
// the emulator counts what it cost. They prove that batching changes the
// number of requests and nothing else.

// countedPartners is n partners made with count, every field set.
func countedPartners(n int) string {
	return fmt.Sprintf(`
resource "servitly_partner" "test" {
  count      = %d
  name       = "Partner ${count.index}"
  code       = format("R%%04d", count.index)
  country    = "Italy"
  timezone   = "Europe/Rome"
  properties = { index = tostring(count.index) }
}
`, n)
}

// newRefreshEmulator serves an emulator behind the refreshServer wrapper,
// which can hide partners from the list, refuse it and record GETs.
func newRefreshEmulator(t *testing.T, opts emulator.Options) (*testEmulator, *refreshServer) {
	t.Helper()
	rs := wrapForRefresh(emulator.New(opts))
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

func TestAccPartnerRefresh_batchedPlanStillSeesDrift(t *testing.T) {
	const n = 30
	emu, rs := newRefreshEmulator(t, emulator.Options{})
	config := emu.tokenProvider() + countedPartners(n)
	var ids []string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkNoPartners,
		Steps: []resource.TestStep{
			{Config: config, Check: partnerIDs(&ids)},
			{
				// One refreshing plan (PlanOnly runs one -refresh=false plan, then one with refresh).
				PreConfig: emu.ResetStats,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					st := emu.Stats()
					if got, budget := st.Requests, n/100+2; got > budget {
						t.Errorf("a no-change plan of %d partners cost %d requests (%v), want at most %d", n, got, st.ByRoute, budget)
					}
					if st.ByRoute[routeList] == 0 {
						t.Errorf("the plan did not use the partner list: %v", st.ByRoute)
					}
					edited, _ := emu.Partner(ids[5])
					edited.Name = "Renamed in the console"
					edited.Properties = map[string]string{"index": "5", "extra": "yes"}
					emu.UpdatePartner(edited)
					emu.DeletePartner(ids[7])
					rs.resetGets()
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
					if got := rs.got(ids[7]); got != 1 {
						t.Errorf("the partner deleted out of band was read %d times with GET, want once before leaving the state", got)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					stateString("servitly_partner.test[5]", "name", "Partner 5"),
					serverCheck(func() error {
						if p, ok := emu.Partner(ids[5]); !ok || p.Name != "Partner 5" || len(p.Properties) != 1 {
							return fmt.Errorf("the out-of-band edit was not undone: %+v", p)
						}
						return nil
					}),
				},
			},
		},
	})
}

func TestAccPartnerRefresh_missingFromListIsConfirmedWithGet(t *testing.T) {
	const n = 10
	emu, rs := newRefreshEmulator(t, emulator.Options{})
	config := emu.tokenProvider() + countedPartners(n)
	var ids []string
	hidden := []int{2, 4, 6}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkNoPartners,
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
			config := emu.tokenProvider() + countedPartners(n)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             emu.checkNoPartners,
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
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER", "READ_ORGANIZATION"}})
	tf := newTerraformCLI(t, emu)
	tf.writeFile("main.tf", requiredProviders+"provider \"servitly\" {}\n"+countedPartners(6))
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
	const n = 5
	emu := newTestEmulator(t, emulator.Options{})
	config := emu.patProvider("batch_refresh = false") + countedPartners(n)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkNoPartners,
		Steps: []resource.TestStep{
			{Config: config},
			{PreConfig: emu.ResetStats, Config: config, PlanOnly: true},
			{
				PreConfig: func() {
					if st := emu.Stats(); st.ByRoute[routeGet] != n || st.ByRoute[routeList] != 0 {
						t.Errorf("with batch_refresh = false the plan cost %v; want a GET per partner and no list", st.ByRoute)
					}
				},
				Config: config,
			},
		},
	})
}

func TestAccPartnerRefresh_smallStateInLargeTenant(t *testing.T) {
	const tenant, n = 2000, 3
	emu := newTestEmulator(t, emulator.Options{})
	for i := range tenant {
		emu.AddPartner(emulator.Partner{Name: fmt.Sprintf("Dealer %d", i), Code: fmt.Sprintf("D%05d", i)})
	}
	config := emu.tokenProvider() + countedPartners(n)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if left := len(emu.Partners()); left != tenant {
				return fmt.Errorf("%d partners on the server after destroy, want the %d others", left, tenant)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config},
			{PreConfig: emu.ResetStats, Config: config, PlanOnly: true},
			{
				PreConfig: func() {
					st := emu.Stats()
					if st.ByRoute[routeList] > 1 || partnerReadRequests(st) > n+1 || st.Requests != partnerReadRequests(st) {
						t.Errorf("a plan of %d partners in a tenant of %d cost %v; want at most one list page and %d requests",
							n, tenant, st.ByRoute, n+1)
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
	const n = 30
	emu := newTestEmulator(t, emulator.Options{})
	ids := make([]string, n)
	var imports strings.Builder
	for i := range n {
		p := emu.AddPartner(emulator.Partner{Name: fmt.Sprintf("Partner %d", i), Code: fmt.Sprintf("R%04d", i), Country: "Italy",
			Timezone: "Europe/Rome", Properties: map[string]string{"index": fmt.Sprint(i)}, CustomerCount: int64(i)})
		ids[i] = p.ID
		fmt.Fprintf(&imports, "    %q = { index = %d, id = %q }\n", fmt.Sprint(i), i, p.ID)
	}
	config := emu.tokenProvider() + countedPartners(n) + fmt.Sprintf(`
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
  code = "R0003"
}
`, imports.String())
	const addr = "servitly_partner.test[3]"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		CheckDestroy:             emu.checkNoPartners,
		Steps: []resource.TestStep{
			{
				PreConfig: emu.ResetStats,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateString(addr, "id", ids[3]),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customer_count"), knownvalue.Int64Exact(3)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), "data.servitly_partner.by_code", tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("properties"), "data.servitly_partner.by_code", tfjsonpath.New("properties"), compare.ValuesSame()),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("creation_timestamp"), "data.servitly_partner.by_code", tfjsonpath.New("creation_timestamp"), compare.ValuesSame()),
				},
			},
			{
				PreConfig: func() {
					// The step imported, applied and planned twice: a GET per
					// partner would be well over 2n.
					if st := emu.Stats(); st.ByRoute[routeList] == 0 || st.ByRoute[routeGet] >= n {
						t.Errorf("importing %d partners cost %v; want their reads batched", n, st.ByRoute)
					}
				},
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     ids[3],
				ImportStateVerify: true,
			},
		},
	})
}
