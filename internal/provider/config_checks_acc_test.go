package provider

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Acceptance tests for mistakes in configuration: each is reported clearly,
// on the setting to fix, at plan time where it can be.

func TestAccConfigChecks_planTime(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	step := func(body, pattern string) resource.TestStep {
		return resource.TestStep{Config: emu.tokenProvider() + body, PlanOnly: true, ExpectError: expectError(pattern)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`resource "servitly_partner" "test" {
  name       = "x"
  properties = { a = null }
}`, `(?s)Null property value.*properties\["a"\] is null`),
			step(`resource "servitly_partner" "test" {
  name = "x"
  timeouts {
    create = "0s"
  }
}`, `(?s)Invalid timeout.*timeouts.create is "0s"`),
			step(`resource "servitly_partner" "test" {
  name = "x"
  timeouts {
    update = "-1s"
  }
}`, `(?s)Invalid timeout.*timeouts.update is "-1s"`),
		},
	})
	if n := emu.Stats().Requests; n != 0 {
		t.Errorf("plan-time checks sent %d requests, want none", n)
	}
}

// TestAccConfigChecks_timeoutsAreNamed: a call that runs out of its timeout
// says which timeout, with its value.
func TestAccConfigChecks_timeoutsAreNamed(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{Latency: 300 * time.Millisecond})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: emu.tokenProvider() + `resource "servitly_partner" "test" { name = "x" }`},
			{
				Config: emu.tokenProvider() + `resource "servitly_partner" "test" {
  name = "y"
  timeouts {
    update = "100ms"
  }
}`,
				ExpectError: expectError(`(?s)Error updating partner.*ran out of time: timeouts.update is "100ms"`),
			},
		},
	})
}

// TestAccConfigChecks_createTimeoutShorterThanTheAnswer: the partner that
// the server made is recorded with a warning, never left to be created
// again.
func TestAccConfigChecks_createTimeoutShorterThanTheAnswer(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	emu.SetFaults(emulator.Faults{CreateAnswerDelay: 3 * time.Second})
	config := emu.patProvider("") + `
resource "servitly_partner" "many" {
  count = 5
  name  = "Slow ${count.index}"
  code  = "SLOW${count.index}"
  timeouts {
    create = "1s"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkNoPartners,
		Steps: []resource.TestStep{{
			Config: config,
			Check:  checkStateMatchesServer(emu, 5),
			ConfigStateChecks: []statecheck.StateCheck{serverCheck(func() error {
				if got := emu.Stats().ByRoute["POST /network/partners"]; got != 5 {
					return fmt.Errorf("%d creates sent, want 5", got)
				}
				return nil
			})},
		}},
	})
}

// TestAccConfigChecks_unreachableServer: https to a plain-http server and a
// refused connection fail at once with a hint, not after the retry budget.
func TestAccConfigChecks_unreachableServer(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	closed := httptest.NewServer(nil)
	closed.Close()
	provider := func(baseURL string) string {
		return fmt.Sprintf(`
provider "servitly" {
  base_url       = %q
  tenant         = "demo"
  api_key        = "demo-api-key"
  pat            = "demo-pat"
  retry_max_wait = "10m"
}
resource "servitly_partner" "test" { name = "x" }
`, baseURL)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider(strings.Replace(emu.URL, "http://", "https://", 1)),
				ExpectError: expectError(`(?s)https:// but the server there speaks plain HTTP`),
			},
			{
				Config:      provider(closed.URL),
				ExpectError: expectError(`(?s)Nothing accepts connections at base_url`),
			},
		},
	})
}

// TestAccConfigChecks_unknownOrganization: a 404 on create or update of a
// partner that names an organization is explained on organization_id.
func TestAccConfigChecks_unknownOrganization(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	config := func(org string) string {
		return emu.tokenProvider() + fmt.Sprintf(`resource "servitly_partner" "test" {
  name            = "x"
  organization_id = %q
}`, org)
	}
	const missing = "000000000000000000000000"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkNoPartners,
		Steps: []resource.TestStep{
			{Config: config(missing), ExpectError: expectError(`(?s)Error creating partner.*organization "` + missing + `".*does not exist.*organization_id`)},
			{Config: config(emu.RootOrganizationID())},
			{Config: config(missing), ExpectError: expectError(`(?s)Error updating partner.*organization "` + missing + `".*does not exist.*organization_id`)},
		},
	})
}

// TestAccConfigChecks_importByAnyCode: codes the resource accepts, odd
// spaces included, can be imported by code.
func TestAccConfigChecks_importByAnyCode(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	const code = " P 7 "
	config := emu.tokenProvider() + fmt.Sprintf(`resource "servitly_partner" "test" {
  name = "Spaced"
  code = %q
}`, code)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkNoPartners,
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, ResourceName: partnerAddr, ImportState: true, ImportStateId: "code:" + code, ImportStateVerify: true},
		},
	})
}
