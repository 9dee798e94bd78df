package provider

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Acceptance tests of the guards against the user's own mistakes
// (partner_guards.go), through the real CLI.

// failing runs a command that must fail and returns its output with white
// space folded, so that wrapped messages match.
func (tf *terraformCLI) failing(args ...string) string {
	tf.t.Helper()
	out, err := tf.run(args...)
	if err == nil {
		tf.t.Fatalf("terraform %s succeeded, want an error:\n%s", strings.Join(args, " "), out)
	}
	return strings.Join(strings.Fields(out), " ")
}

// expectOutput fails the test for each wanted text that out lacks.
func expectOutput(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestAccGuards_noSecondPartnerForACode: a code that a partner made in the
// console already has is refused at plan time, and at apply time when the
// partner appears after the plan; so is a code that two resources share or
// that an update would give to a second partner.
func TestAccGuards_noSecondPartnerForACode(t *testing.T) {
	onePassOnly(t, "oldest", "the code guard is the provider's own")
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	nl050, de014, it001, twin := target.code("NL-050"), target.code("DE-014"), target.code("IT-001"), target.code("TWIN")
	console := target.addPartner(emulator.Partner{Name: "Van Dijk Dealers B.V.", Code: nl050, CustomerCount: 200})
	tf := newTerraformCLI(t, target)

	tf.writeFile("main.tf", forEachPartners(dealers(de014, nl050)))
	out := tf.failing("plan", "-input=false")
	expectOutput(t, out, "Error: Partner code already in use", `with servitly_partner.partner["`+nl050+`"]`,
		`Servitly already has a partner with code "`+nl050+`": "Van Dijk Dealers B.V." (id `+console.ID+")",
		`import { to = servitly_partner.<NAME> id = "code:`+nl050+`" }`)

	t.Run("apply time", func(t *testing.T) {
		tf.writeFile("main.tf", forEachPartners(dealers(de014, it001)))
		tf.mustRun("plan", "-input=false", "-out=tfplan")
		target.addPartner(emulator.Partner{Name: "Rossi, made in the console meanwhile", Code: it001})
		out := tf.failing("apply", "-input=false", "tfplan")
		expectOutput(t, out, `Servitly already has a partner with code "`+it001+`"`)
		if n := len(partnersByCode(target.partners())[it001]); n != 1 {
			t.Errorf("%d partners with code %s after the apply, want the console's 1", n, it001)
		}
	})

	t.Run("two resources", func(t *testing.T) {
		tf.writeFile("main.tf", forEachPartners(dealers(twin))+fmt.Sprintf(`
resource "servitly_partner" "copy" {
  name = "Twin Dealers again"
  code = %q
}
`, twin))
		out := tf.failing("plan", "-input=false")
		expectOutput(t, out, `Another servitly_partner of this configuration also creates a partner with code "`+twin+`"`)
	})

	t.Run("code change", func(t *testing.T) {
		tf.writeFile("main.tf", providerFromEnv+fmt.Sprintf(`resource "servitly_partner" "solo" {
  name = "Solo"
  code = %q
}
`, target.code("S-1")))
		tf.mustRun("apply", "-auto-approve", "-input=false")
		tf.writeFile("main.tf", strings.Replace(tf.readFile("main.tf"), fmt.Sprintf("%q", target.code("S-1")), fmt.Sprintf("%q", nl050), 1))
		out := tf.failing("plan", "-input=false")
		expectOutput(t, out, `Partner "Van Dijk Dealers B.V." (id `+console.ID+`) already has code "`+nl050+`"`)
	})

	byCode := partnersByCode(target.partners())
	if n := len(byCode[nl050]); n != 1 {
		t.Errorf("%d partners with code %s, want the console's 1", n, nl050)
	}
	if n := len(byCode[twin]); n != 0 {
		t.Errorf("%d partners with code %s: a plan that failed created one", n, twin)
	}
}

// TestAccGuards_uncheckableCodesWarnOnce: on a tenant whose codes cannot be
// checked, because the list is refused, apply says so once and creates the
// partners, where it would otherwise find no code in use and say nothing.
// (A list that leaves codes out is checked by reading partners by id: the
// API-variants pass runs the guard tests against one.)
func TestAccGuards_uncheckableCodesWarnOnce(t *testing.T) {
	emulatorOnly(t, "it needs a login without READ_ALL_PARTNERS")
	t.Parallel()
	for name, tc := range map[string]struct {
		opts emulator.Options
		why  string
	}{
		"list refused": {emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER", "READ_ORGANIZATION"}},
			"because listing partners was refused"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu := newTestEmulator(t, tc.opts)
			emu.AddPartner(emulator.Partner{Name: "Made in the console", Code: "CONSOLE-1"})
			tf := newTerraformCLI(t, emu)
			tf.writeFile("main.tf", forEachPartners(dealers("DE-014", "IT-001", "NL-050")))
			out := tf.mustRun("apply", "-auto-approve", "-input=false")
			folded := strings.Join(strings.Fields(out), " ")
			expectOutput(t, folded, "Warning: Partner codes not checked", tc.why)
			if n := strings.Count(out, "Warning: Partner codes not checked"); n != 1 || strings.Contains(out, "more similar warning") {
				t.Errorf("the apply warned %d times (or folded more), want once:\n%s", n, out)
			}
			if n := len(emu.Partners()); n != 4 {
				t.Errorf("%d partners after the apply, want the console's and 3 new", n)
			}
		})
	}
}

// readFile returns a file of the working folder.
func (tf *terraformCLI) readFile(name string) string {
	tf.t.Helper()
	b, err := os.ReadFile(filepath.Join(tf.dir, name))
	if err != nil {
		tf.t.Fatal(err)
	}
	return string(b)
}

// TestAccGuards_deletionProtection: a protected partner survives the removal
// of its block and terraform destroy, whether the protection is its own or
// the provider's, until deletion_protection = false is applied; changing
// the setting sends nothing to Servitly.
func TestAccGuards_deletionProtection(t *testing.T) {
	for _, tc := range []struct{ name, provider, resource string }{
		{"by resource", "", "deletion_protection = true"},
		{"by provider", "deletion_protection = true", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := newAccTarget(t, emulator.Options{})
			code := target.code("P1")
			partner := func(provider, setting string) string {
				return target.provider(provider) + fmt.Sprintf(`
resource "servitly_partner" "test" {
  name = "Bianchi"
  code = %q
  %s
}
`, code, setting)
			}
			protected, unprotected := partner(tc.provider, tc.resource), partner("", "deletion_protection = false")
			refused := expectError(`Partner "Bianchi" \(code "` + regexp.QuoteMeta(code) + `", id [^)]+\) has deletion_protection`)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             target.checkDestroyed,
				Steps: []resource.TestStep{
					{
						Config: protected,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
						},
					},
					// The block is gone, and with it the provider's setting.
					{Config: target.provider(), ExpectError: refused},
					{Config: protected, Destroy: true, ExpectError: refused},
					{
						Config: unprotected,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionUpdate)},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(false)),
							serverCheck(func() error {
								if n := target.stats().ByRoute["PUT /network/partners/{id}"]; n != 0 {
									return errors.New("changing deletion_protection sent a PUT to Servitly")
								}
								if len(target.partners()) != 1 {
									return errors.New("the protected partner is gone")
								}
								return nil
							}),
						},
					},
				},
			})
		})
	}
}

// guardedPartner is one partner, protected or not, for the CLI tests.
func guardedPartner(code string, protect bool) string {
	return providerFromEnv + fmt.Sprintf(`resource "servitly_partner" "p" {
  name                = "Van Dijk Dealers B.V."
  code                = %q
  deletion_protection = %t
}
`, code, protect)
}

// TestAccGuards_replace: -replace of a protected partner fails; an
// unprotected one is replaced under the same code.
func TestAccGuards_replace(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	code := target.code("NL-050")
	tf := newTerraformCLI(t, target)
	tf.writeFile("main.tf", guardedPartner(code, true))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	old := tf.stateIDs()
	expectOutput(t, tf.failing("plan", "-replace=servitly_partner.p", "-input=false"), "Error: Partner is protected from deletion", "cannot be replaced")

	tf.writeFile("main.tf", guardedPartner(code, false))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	out := strings.Join(strings.Fields(tf.mustRun("apply", "-auto-approve", "-input=false", "-replace=servitly_partner.p")), " ")
	expectOutput(t, out, "1 added, 0 changed, 1 destroyed")
	if now := target.partners(); len(old) != 1 || len(now) != 1 || now[0].ID == old[0] || now[0].Code != code {
		t.Fatalf("after the replacement the server holds %v, want one new partner with code %s instead of %v", now, code, old)
	}
}

// TestAccGuards_customers: destroying or replacing a partner with customers
// warns, naming how many, protected or not.
func TestAccGuards_customers(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "only the emulator can give a partner customers (customer_count is the server's count)")
	emu := newTestEmulator(t, emulator.Options{})
	tf := newTerraformCLI(t, emu)
	tf.writeFile("main.tf", guardedPartner("NL-050", true))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	withCustomers := func() string {
		ids := serverIDs(emu)
		p, _ := emu.Partner(ids[0])
		p.CustomerCount = 200
		emu.UpdatePartner(p)
		return p.ID
	}
	old := withCustomers()

	for _, args := range [][]string{{"plan", "-replace=servitly_partner.p"}, {"plan", "-destroy"}} {
		out := tf.failing(append(args, "-input=false")...)
		removal := map[bool]string{true: "replaced", false: "destroyed"}[args[1] == "-replace=servitly_partner.p"]
		expectOutput(t, out, "Error: Partner is protected from deletion", "Warning: Partner with customers will be "+removal,
			`"Van Dijk Dealers B.V." (code "NL-050", id `+old+`) will be `+removal+`, and it has 200 customers`)
	}

	tf.writeFile("main.tf", guardedPartner("NL-050", false))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	out := strings.Join(strings.Fields(tf.mustRun("apply", "-auto-approve", "-input=false", "-replace=servitly_partner.p")), " ")
	// Terraform shows a replacement plan's warnings only next to an error,
	// so this one comes from the delete.
	expectOutput(t, out, "Warning: Partner with customers was deleted", "it has 200 customers")
	withCustomers()
	out = strings.Join(strings.Fields(tf.mustRun("plan", "-destroy", "-input=false")), " ")
	expectOutput(t, out, "Warning: Partner with customers will be destroyed", "it has 200 customers")
}

// TestAccGuards_stateFromBeforeTheGuards: a state that the provider wrote
// before deletion_protection existed (checked in, from the commit before)
// plans clean; the provider's deletion_protection then protects it.
func TestAccGuards_stateFromBeforeTheGuards(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	p := target.addPartner(emulator.Partner{ID: "619227a41514c231407d9938", Name: "Rossi Macchine S.r.l.", Code: target.code("P000123"),
		Country: "Italy", Timezone: "Europe/Rome", Properties: map[string]string{"tier": "gold"}, CreationTimestamp: 1796531991571})
	tf := newTerraformCLI(t, target)
	state, err := os.ReadFile("testdata/state-before-deletion-protection.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	// A tenant gives the partner its own id, code and creation time.
	replace := []string{"619227a41514c231407d9938", p.ID, `"P000123"`, fmt.Sprintf("%q", p.Code), "1796531991571", fmt.Sprint(p.CreationTimestamp)}
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" { // OpenTofu names its own registry
		replace = append(replace, "registry.terraform.io", host)
	}
	tf.writeFile("terraform.tfstate", strings.NewReplacer(replace...).Replace(string(state)))
	tf.writeFile("main.tf", providerFromEnv+fmt.Sprintf(`resource "servitly_partner" "dealer" {
  name       = "Rossi Macchine S.r.l."
  code       = %q
  country    = "Italy"
  timezone   = "Europe/Rome"
  properties = { tier = "gold" }
}
`, p.Code))
	tf.expectCleanPlan()

	// The refresh fills in the provider's setting, so turning it on plans
	// no change either, and protects the partner.
	tf.setEnv("SERVITLY_DELETION_PROTECTION", "true")
	tf.expectCleanPlan()
	out := tf.failing("plan", "-destroy", "-input=false")
	expectOutput(t, out, "Error: Partner is protected from deletion")
	if len(target.partners()) != 1 {
		t.Error("the partner is gone")
	}
}
