package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

const partnerAddr = "servitly_partner.test"

func partnerConfig(name, code, properties string) string {
	return fmt.Sprintf(`
resource "servitly_partner" "test" {
  name       = %q
  code       = %q
  country    = "Italy"
  timezone   = "Europe/Rome"
  properties = %s
}
`, name, code, properties)
}

// expectError matches a Terraform error message, whose words the CLI may
// wrap across lines.
func expectError(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

func stateString(addr string, attr string, want string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringExact(want))
}

// TestAccPartnerResource_outOfBandEdit proves drift made in the console
// shows up as an in-place update back to the configuration.
func TestAccPartnerResource_outOfBandEdit(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	config := target.provider() + partnerConfig("Bianchi", target.code("P1"), `{ a = "1" }`)
	var customers string // as the server counts them after the edit; a tenant keeps its own count
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					p := target.mustPartner(s.RootModule().Resources[partnerAddr].Primary.ID)
					p.Name, p.Properties, p.CustomerCount = "Renamed in console", map[string]string{}, 7
					if err := target.updatePartner(p); err != nil {
						return err
					}
					customers = fmt.Sprint(target.mustPartner(p.ID).CustomerCount)
					return nil
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{stateString(partnerAddr, "name", "Bianchi")},
				Check:             resource.TestCheckResourceAttrPtr(partnerAddr, "customer_count", &customers),
			},
		},
	})
}

// TestAccPartnerResource_nullAndEmpty: leaving optional attributes out, and
// writing properties = {}, must both plan clean after apply.
func TestAccPartnerResource_nullAndEmpty(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	// No code on the emulator; live, the test's bare code, by which the
	// sweeper finds the partner after a crash.
	code, codeLine := target.code(""), ""
	if code != "" {
		codeLine = fmt.Sprintf("code = %q", code)
	}
	minimal := fmt.Sprintf(`resource "servitly_partner" "test" {
  name = "Minimal"
  %s
}`, codeLine)
	emptyProps := fmt.Sprintf(`resource "servitly_partner" "test" {
  name       = "Minimal"
  properties = {}
  %s
}`, codeLine)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: target.provider() + minimal,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("code"), textValue(code)),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("timezone"), knownvalue.Null()),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("properties"), knownvalue.MapSizeExact(0)),
				},
			},
			{
				// An omitted properties and {} are one value: switching plans nothing.
				Config: target.provider() + emptyProps,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("properties"), knownvalue.MapSizeExact(0)),
				},
			},
			{
				Config: target.provider() + minimal,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				// Clearing a field that was set must clear it on the server.
				Config: target.provider() + partnerConfig("Minimal", target.code("C1"), `{ k = "v" }`),
			},
			{
				Config: target.provider() + minimal,
				Check: func(s *terraform.State) error {
					p := target.mustPartner(s.RootModule().Resources[partnerAddr].Primary.ID)
					if p.Code != code || p.Country != "" || p.Timezone != "" || len(p.Properties) != 0 {
						return fmt.Errorf("fields not cleared on the server: %+v", p)
					}
					return nil
				},
			},
		},
	})
}

func TestAccPartnerResource_badInput(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	provider := target.provider()
	planError := func(body, pattern string) resource.TestStep {
		return resource.TestStep{Config: provider + body, PlanOnly: true, ExpectError: expectError(pattern)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			planError(`resource "servitly_partner" "test" { name = "" }`, `(?s)Invalid Attribute Value Match.*name must not be empty`),
			planError(`resource "servitly_partner" "test" { name = "   " }`, `name must not be empty or blank: set a name`),
			planError(`resource "servitly_partner" "test" {
  name     = "x"
  timezone = "Europe/Atlantis"
}`, `(?s)Invalid time zone.*Europe/Atlantis`),
			planError(`resource "servitly_partner" "test" {
  name       = "x"
  properties = { "" = "v" }
}`, `(?s)properties.*length must be at least 1`),
			planError(`resource "servitly_partner" "test" {
  name = "x"
  code = ""
}`, `(?s)code must not be empty.*remove the attribute`),
			{
				// The server refuses an unknown parent organization; its
				// message reaches the user.
				Config: provider + fmt.Sprintf(`resource "servitly_partner" "test" {
  name            = "x"
  code            = %q
  organization_id = "000000000000000000000000"
}`, target.code("X1")),
				ExpectError: expectError(`(?s)Error creating partner.*` + target.serverSaid(404, "Resource not found")),
			},
			{
				Config:        provider + `resource "servitly_partner" "test" { name = "x" }`,
				ResourceName:  partnerAddr,
				ImportState:   true,
				ImportStateId: "not an id",
				ExpectError:   expectError(`(?s)Invalid import ID.*white space`),
			},
			{
				Config:        provider + `resource "servitly_partner" "test" { name = "x" }`,
				ResourceName:  partnerAddr,
				ImportState:   true,
				ImportStateId: "0123456789abcdef01234567",
				ExpectError:   expectError(`Cannot import non-existent remote object`),
			},
		},
	})
}

// TestAccPartnerResource_garbledAnswer: a server answering HTML instead of
// JSON gives a clear error with the status and a body excerpt.
func TestAccPartnerResource_garbledAnswer(t *testing.T) {
	emulatorOnly(t, "it needs answers a tenant does not give: a proxy's HTML page and JSON cut short")
	srv, opts := newEmulator(t, emulator.Options{})
	garble := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>502 Bad Gateway from proxy</body></html>"))
			return
		}
		if r.Method == http.MethodPost && r.URL.Path == "/network/partners" {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id": "abc", "name": "tru`))
			return
		}
		srv.ServeHTTP(w, r)
	})
	emu := serveEmulator(t, srv, garble, opts)
	existing := emu.AddPartner(emulator.Partner{Name: "Neri"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      emu.tokenProvider() + `resource "servitly_partner" "test" { name = "x" }`,
				ExpectError: expectError(`(?s)HTTP 201 with a body that could not be read as JSON.*tru`),
			},
			{
				Config: emu.tokenProvider() + fmt.Sprintf(`
import {
  to = servitly_partner.test
  id = %q
}
resource "servitly_partner" "test" { name = "renamed" }`, existing.ID),
				ExpectError: expectError(`(?s)Error updating partner.*HTTP 200 with a body that could not be read as JSON.*Bad Gateway`),
			},
		},
	})
}

// TestAccPartnerLive_lifecycle is the resource's lifecycle in a form that
// runs against the emulator and, in a live run, against a real tenant:
// create, import by id and by code, update in place, deleted behind
// Terraform's back.
func TestAccPartnerLive_lifecycle(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
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
			{ResourceName: partnerAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importLeavesUnset},
			{ResourceName: partnerAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importLeavesUnset, ImportStateId: "code:" + code},
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
	target := newAccTarget(t, emulator.Options{})
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
