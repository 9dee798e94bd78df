package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Acceptance tests for mistakes in configuration: each is reported clearly,
// on the setting to fix, at plan time where it can be.

func TestAccConfigChecks_planTime(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	step := func(body, pattern string) resource.TestStep {
		return resource.TestStep{Config: target.provider() + body, PlanOnly: true, ExpectError: expectError(pattern)}
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
	if n := target.stats().Requests; n != 0 {
		t.Errorf("plan-time checks sent %d requests, want none", n)
	}
}

// TestAccConfigChecks_timeoutsAreNamed: a call that runs out of its timeout
// says which timeout, with its value. The emulator takes 300 ms to answer;
// a tenant's time is unknown, so a live run allows no time at all.
func TestAccConfigChecks_timeoutsAreNamed(t *testing.T) {
	onePassOnly(t, "newest", "operation timeouts are the provider's own")
	target := newAccTarget(t, emulator.Options{Latency: 300 * time.Millisecond})
	timeout := map[bool]string{false: "100ms", true: "1ns"}[target.live()]
	config := func(name, timeouts string) string {
		return target.provider() + fmt.Sprintf(`resource "servitly_partner" "test" {
  name = %q
  code = %q
  %s
}`, name, target.code("T1"), timeouts)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config("x", "")},
			{
				Config:      config("y", fmt.Sprintf("timeouts {\n    update = %q\n  }", timeout)),
				ExpectError: expectError(fmt.Sprintf(`(?s)Error updating partner.*ran out of time: timeouts.update is "%s"`, timeout)),
			},
		},
	})
}

// TestAccConfigChecks_createTimeoutShorterThanTheAnswer: the partner that
// the server made is recorded with a warning, never left to be created
// again.
func TestAccConfigChecks_createTimeoutShorterThanTheAnswer(t *testing.T) {
	onePassOnly(t, "oldest", "operation timeouts are the provider's own")
	emulatorOnly(t, "the emulator answers creates 3 s late on purpose (Faults.CreateAnswerDelay)")
	emu := newTestEmulator(t, emulator.Options{})
	emu.SetFaults(emulator.Faults{CreateAnswerDelay: 3 * time.Second})
	config := emu.patProvider() + `
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
		CheckDestroy:             emu.checkDestroyed,
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
// Neither server is a tenant, so a live run sends the tenant nothing.
func TestAccConfigChecks_unreachableServer(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	closed := refusingAddress(t)
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
				Config:      provider(strings.Replace(plain.URL, "http://", "https://", 1)),
				ExpectError: expectError(`(?s)https:// but the server there speaks plain HTTP`),
			},
			{
				Config:      provider("http://" + closed),
				ExpectError: expectError(`(?s)Nothing accepts connections at base_url`),
			},
		},
	})
}

// TestAccConfigChecks_unknownOrganization: a 404 on create or update of a
// partner that names an organization is explained on organization_id.
func TestAccConfigChecks_unknownOrganization(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	config := func(org string) string {
		return target.provider() + fmt.Sprintf(`resource "servitly_partner" "test" {
  name            = "x"
  code            = %q
  organization_id = %q
}`, target.code("X1"), org)
	}
	const missing = "000000000000000000000000"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config(missing), ExpectError: expectError(`(?s)Error creating partner.*organization "` + missing + `".*does not exist.*organization_id`)},
			{Config: config(target.rootOrganizationID())},
			{Config: config(missing), ExpectError: expectError(`(?s)Error updating partner.*organization "` + missing + `".*does not exist.*organization_id`)},
		},
	})
}

// TestAccConfigChecks_importByAnyCode: codes the resource accepts, odd
// spaces included, can be imported by code.
func TestAccConfigChecks_importByAnyCode(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	code := target.code("P  7")
	config := target.provider() + fmt.Sprintf(`resource "servitly_partner" "test" {
  name = "Spaced"
  code = %q
}`, code)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, ResourceName: partnerAddr, ImportState: true, ImportStateId: "code:" + code, ImportStateVerify: true,
				ImportStateVerifyIgnore: importLeavesUnset},
		},
	})
}

// refusingAddress is a loopback address where connections are refused: its
// port is bound, so no other test's server can take it, but nothing listens.
// (A server closed at once would leave a port that the next one may get.)
func refusingAddress(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	addr, ok := sa.(*syscall.SockaddrInet4)
	if err != nil || !ok {
		t.Fatalf("getsockname: %v %T", err, sa)
	}
	return fmt.Sprintf("127.0.0.1:%d", addr.Port)
}
