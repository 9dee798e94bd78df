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

// Acceptance tests of the guesses about the undocumented API: against the
// guess, against the emulator's other answer (emulator.Options switches),
// and in a live run against whatever the tenant answers.

// TestAccAPIGuess_updateClearsWhateverThePUTSemantics removes each optional
// attribute in turn, against a PUT that replaces and one that merges.
func TestAccAPIGuess_updateClearsWhateverThePUTSemantics(t *testing.T) {
	onePassOnly(t, "oldest", "what an update sends is the provider's own")
	t.Parallel()
	for name, merging := range map[string]bool{"replacing PUT": false, "merging PUT": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if merging {
				emulatorOnly(t, "a merging PUT is the emulator's other answer (MergingUpdate); the replacing case runs against the tenant's own")
			} else {
				defaultAPIOnly(t, "this case is the replacing PUT, against which the merging case is set; it expects a removed organization cleared", "merging-put")
			}
			target := newAccTarget(t, emulator.Options{MergingUpdate: merging})
			org := target.rootOrganizationID()
			attrs := map[string]string{
				"code": fmt.Sprintf("%q", target.code("C1")), "country": `"Italy"`, "timezone": `"Europe/Rome"`, "properties": `{ k = "v" }`,
				"organization_id": fmt.Sprintf("%q", org),
			}
			config := func() string {
				body := ""
				for _, a := range []string{"code", "country", "timezone", "properties", "organization_id"} {
					if v, ok := attrs[a]; ok {
						body += fmt.Sprintf("  %s = %s\n", a, v)
					}
				}
				return target.provider() + "resource \"servitly_partner\" \"test\" {\n  name = \"Clear me\"\n" + body + "}\n"
			}
			onServer := func(check func(emulator.Partner) error) statecheck.StateCheck {
				return serverCheck(func() error {
					all := target.partners()
					if len(all) != 1 {
						return fmt.Errorf("the server holds %d partners, want 1", len(all))
					}
					return check(all[0])
				})
			}
			removals := []struct {
				attr    string
				cleared func(emulator.Partner) bool
			}{
				{"code", func(p emulator.Partner) bool { return p.Code == "" }},
				{"country", func(p emulator.Partner) bool { return p.Country == "" }},
				{"timezone", func(p emulator.Partner) bool { return p.Timezone == "" }},
				{"properties", func(p emulator.Partner) bool { return len(p.Properties) == 0 }},
				{"organization_id", func(p emulator.Partner) bool { return p.OrganizationID == "" }},
			}
			if target.live() {
				removals = removals[1:] // the sweeper finds a crashed run's partners by their code
			}
			steps := []resource.TestStep{{Config: config()}}
			for _, remove := range removals {
				delete(attrs, remove.attr)
				step := resource.TestStep{Config: config()}
				if merging && remove.attr == "organization_id" {
					// The update sends organization null, which a merging
					// PUT keeps: the provider must say so, not report an
					// inconsistent result.
					step.ExpectError = expectError(`(?s)Servitly kept a removed value.*organization_id.*` + org)
				} else {
					step.ConfigStateChecks = []statecheck.StateCheck{onServer(func(p emulator.Partner) error {
						if !remove.cleared(p) {
							return fmt.Errorf("removing %s did not clear it on the server: %+v", remove.attr, p)
						}
						return nil
					})}
				}
				steps = append(steps, step)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             target.checkDestroyed,
				Steps:                    steps,
			})
		})
	}
}

// TestAccAPIGuess_typedPropertyValues: a tenant that answers property values
// as JSON numbers and booleans still plans clean, and the list decodes. A
// live tenant answers them its own way, which must work too.
func TestAccAPIGuess_typedPropertyValues(t *testing.T) {
	target := newAccTarget(t, emulator.Options{TypedPropertyValues: true})
	config := target.provider() + fmt.Sprintf(`
resource "servitly_partner" "test" {
  name       = "Typed"
  code       = %q
  properties = { n = "1", b = "true", s = "text" }
}

data "servitly_partners" "typed" {
  code = servitly_partner.test.code
}
`, target.code("T1"))
	property := func(key string) tfjsonpath.Path {
		return tfjsonpath.New("partners").AtSliceIndex(0).AtMapKey("properties").AtMapKey(key)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.servitly_partners.typed", property("n"), knownvalue.StringExact("1")),
				statecheck.ExpectKnownValue("data.servitly_partners.typed", property("b"), knownvalue.StringExact("true")),
			},
		}},
	})
}

// TestAccAPIGuess_lostCreateWithFilters: a create whose answer is lost is
// found again, and never created twice, whatever the list does with the
// code filter, also for a code that itself starts with "eq;".
func TestAccAPIGuess_lostCreateWithFilters(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "it loses create answers on purpose (Faults.CreateCommitThenError and CreateCommitThenDrop)")
	for name, opts := range map[string]emulator.Options{
		"filters as guessed":    {},
		"literal filter values": {LiteralFilterValues: true},
		"filters ignored":       {IgnoreListFilters: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu := newTestEmulator(t, opts)
			emu.AddPartner(emulator.Partner{Name: "Someone else", Code: "LOST"})
			emu.SetFaults(emulator.Faults{CreateCommitThenError: 1, CreateCommitThenDrop: 1})
			config := emu.patProvider() + `
resource "servitly_partner" "a" {
  name = "Prefixed code"
  code = "eq;LOST"
}

resource "servitly_partner" "b" {
  name = "Plain code"
  code = "LOST2"
}
`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigStateChecks: []statecheck.StateCheck{serverCheck(func() error {
						if got := emu.Stats().ByRoute["POST /network/partners"]; got != 2 || len(emu.Partners()) != 3 {
							return fmt.Errorf("%d creates sent, %d partners held; want 2 and 3 (no duplicate)", got, len(emu.Partners()))
						}
						return nil
					})},
				}},
			})
		})
	}
}
