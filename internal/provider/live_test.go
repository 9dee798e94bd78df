package provider

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
	"github.com/servitly/terraform-provider-servitly/internal/probe"
)

// Live acceptance runs (make testacc-live): with SERVITLY_ACC_LIVE=1 and the
// SERVITLY_* credentials of a tenant, the tests written against accTarget
// run against that tenant instead of the emulator. Every partner code they
// use starts with liveCodePrefix and a per-run name, and the sweeper
// (sweeper_test.go) deletes what a crashed run left. Tests that need the
// emulator (its state, fault switches, seeded data) skip: serveEmulator calls
// skipIfLive.
const (
	liveEnv        = "SERVITLY_ACC_LIVE"
	liveCodePrefix = "tfacc-"
)

// liveRun names this test binary's run in partner codes.
var liveRun = acctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")

func liveMode() bool { return os.Getenv(liveEnv) == "1" }

// skipIfLive skips a test that cannot run against a real tenant.
func skipIfLive(t *testing.T, reason string) {
	t.Helper()
	if liveMode() {
		t.Skipf("%s=1 (live run): %s", liveEnv, reason)
	}
}

// liveClient is a client for the tenant in the SERVITLY_* variables.
func liveClient() (*client.Client, error) {
	cfg, err := probe.ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	cfg.UserAgent = "terraform-provider-servitly-acctest"
	return client.New(cfg)
}

// accTarget is where an acceptance test's partners live: a fresh emulator,
// or the real tenant in a live run.
type accTarget struct {
	t   *testing.T
	emu *testEmulator  // nil in a live run
	api *client.Client // nil unless live
}

func newAccTarget(t *testing.T) *accTarget {
	t.Helper()
	if !liveMode() {
		return &accTarget{t: t, emu: newTestEmulator(t, emulator.Options{})}
	}
	api, err := liveClient()
	if err != nil {
		t.Fatalf("%s=1 needs a tenant: %v", liveEnv, err)
	}
	return &accTarget{t: t, api: api}
}

func (a *accTarget) live() bool { return a.emu == nil }

// code returns the partner code a test uses: as written against the
// emulator, prefixed with tfacc-<run>- in a live run.
func (a *accTarget) code(code string) string {
	if a.live() {
		return liveCodePrefix + liveRun + "-" + code
	}
	return code
}

// provider is the provider block: the emulator's, or an empty one that
// reads the SERVITLY_* variables.
func (a *accTarget) provider() string {
	if a.live() {
		return "provider \"servitly\" {}\n"
	}
	return a.emu.tokenProvider()
}

func (a *accTarget) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(a.t.Context()), 2*time.Minute)
}

// partner reads a partner from the server; ok is false when it is gone.
func (a *accTarget) partner(id string) (emulator.Partner, bool, error) {
	if !a.live() {
		p, ok := a.emu.Partner(id)
		return p, ok, nil
	}
	ctx, cancel := a.ctx()
	defer cancel()
	p, err := a.api.GetPartner(ctx, id)
	switch {
	case client.IsNotFound(err):
		return emulator.Partner{}, false, nil
	case err != nil:
		return emulator.Partner{}, false, err
	}
	return emulator.Partner{ID: p.ID, Name: p.Name, Code: p.Code, Country: p.Country, Timezone: p.Timezone,
		Properties: p.Properties, OrganizationID: p.OrganizationID(),
		CustomerCount: int64(p.CustomerCount), CreationTimestamp: int64(p.CreationTimestamp)}, true, nil
}

// addPartner creates a partner outside Terraform; a live one is deleted
// when the test ends.
func (a *accTarget) addPartner(p emulator.Partner) emulator.Partner {
	a.t.Helper()
	if !a.live() {
		return a.emu.AddPartner(p)
	}
	ctx, cancel := a.ctx()
	defer cancel()
	created, _, err := a.api.CreatePartner(ctx, client.PartnerInput{Name: p.Name, Code: p.Code, Country: p.Country,
		Timezone: p.Timezone, Properties: p.Properties})
	if err != nil {
		a.t.Fatalf("creating partner %s outside Terraform: %v", p.Code, err)
	}
	a.t.Cleanup(func() { _ = a.deletePartner(created.ID) })
	got, _, err := a.partner(created.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return got
}

// deletePartner deletes a partner behind Terraform's back.
func (a *accTarget) deletePartner(id string) error {
	if !a.live() {
		if !a.emu.DeletePartner(id) {
			return fmt.Errorf("partner %s was not on the server", id)
		}
		return nil
	}
	ctx, cancel := a.ctx()
	defer cancel()
	return a.api.DeletePartner(ctx, id)
}

// checkDestroyed is a CheckDestroy: every servitly_partner of the state is
// gone from the server (and, on the emulator, nothing else is left).
func (a *accTarget) checkDestroyed(s *terraform.State) error {
	if !a.live() {
		return a.emu.checkNoPartners(s)
	}
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "servitly_partner" {
			continue
		}
		if _, ok, err := a.partner(rs.Primary.ID); err != nil || ok {
			return fmt.Errorf("partner %s after destroy: still there %v, error %w", rs.Primary.ID, ok, err)
		}
	}
	return nil
}

// TestAccPartnerLive_lifecycle is the resource's lifecycle in a form that
// runs against the emulator and, in a live run, against a real tenant:
// create, import by id and by code, update in place, deleted behind
// Terraform's back.
func TestAccPartnerLive_lifecycle(t *testing.T) {
	target := newAccTarget(t)
	code, code2 := target.code("P000123"), target.code("P000124")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var createdID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: target.provider() + partnerConfig("Rossi Macchine", code, `{ tier = "gold" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					stateString(partnerAddr, "name", "Rossi Macchine"),
					stateString(partnerAddr, "code", code),
					stateString(partnerAddr, "country", "Italy"),
					stateString(partnerAddr, "timezone", "Europe/Rome"),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("properties"),
						knownvalue.MapExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("customer_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("organization_id"), knownvalue.Null()),
					sameID.AddStateValue(partnerAddr, tfjsonpath.New("id")),
				},
				Check: func(s *terraform.State) error {
					createdID = s.RootModule().Resources[partnerAddr].Primary.ID
					p, ok, err := target.partner(createdID)
					if err != nil || !ok {
						return fmt.Errorf("partner %s is in state but not on the server (%w)", createdID, err)
					}
					if p.Name != "Rossi Macchine" || p.Code != code || p.Properties["tier"] != "gold" {
						return fmt.Errorf("server holds %+v", p)
					}
					if ts := s.RootModule().Resources[partnerAddr].Primary.Attributes["creation_timestamp"]; ts != fmt.Sprint(p.CreationTimestamp) {
						return fmt.Errorf("creation_timestamp %s in state, %d on the server", ts, p.CreationTimestamp)
					}
					return nil
				},
			},
			{ResourceName: partnerAddr, ImportState: true, ImportStateVerify: true},
			{ResourceName: partnerAddr, ImportState: true, ImportStateVerify: true, ImportStateId: "code:" + code},
			{
				Config: target.provider() + partnerConfig("Rossi Macchine S.p.A.", code2, `{ tier = "silver", region = "north" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(partnerAddr, tfjsonpath.New("id")),
					stateString(partnerAddr, "code", code2),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("properties"), knownvalue.MapSizeExact(2)),
				},
				Check: func(*terraform.State) error {
					if p, _, err := target.partner(createdID); err != nil || p.Code != code2 || p.Properties["region"] != "north" {
						return fmt.Errorf("update did not reach the server: %+v (%w)", p, err)
					}
					return nil
				},
			},
			{
				Config: target.provider() + partnerConfig("Rossi Macchine S.p.A.", code2, `{ tier = "silver", region = "north" }`),
				// Deleted behind Terraform's back: Read drops it, and the
				// next plan creates it again.
				Check: func(*terraform.State) error {
					return target.deletePartner(createdID)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: target.provider() + partnerConfig("Rossi Macchine S.p.A.", code2, `{ tier = "silver", region = "north" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccPartnerLive_importBlock adopts a partner created outside Terraform
// with an import block, and plans no change.
func TestAccPartnerLive_importBlock(t *testing.T) {
	target := newAccTarget(t)
	code := target.code("P9")
	// A live tenant ignores CustomerCount; existing holds what it has.
	existing := target.addPartner(emulator.Partner{Name: "Verdi", Code: code, Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, CustomerCount: 3})
	config := target.provider() + fmt.Sprintf(`
import {
  to = servitly_partner.test
  id = %q
}
%s`, existing.ID, partnerConfig("Verdi", code, `{ tier = "gold" }`))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionNoop)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				stateString(partnerAddr, "id", existing.ID),
				statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("customer_count"), knownvalue.Int64Exact(existing.CustomerCount)),
				statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("creation_timestamp"), knownvalue.Int64Exact(existing.CreationTimestamp)),
			},
		}},
	})
}

func TestLiveCodes(t *testing.T) {
	if got := (&accTarget{}).code("P1"); got != liveCodePrefix+liveRun+"-P1" {
		t.Errorf("live code %q", got)
	}
	if got := (&accTarget{emu: &testEmulator{}}).code("P1"); got != "P1" {
		t.Errorf("emulator code %q", got)
	}
}
