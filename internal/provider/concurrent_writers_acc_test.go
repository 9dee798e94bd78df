package provider

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// CLI tests of more than one writer: people editing in the console between
// plan and apply, and pipelines with states of their own racing on a code.

// onePartner is a configuration of one partner named name.
func onePartner(code, name string) string {
	return providerFromEnv + fmt.Sprintf(`
resource "servitly_partner" "dealer" {
  name    = %q
  code    = %q
  country = "Italy"
}
`, name, code)
}

// TestAccConcurrentWriters_staleApply: an apply whose plan predates a
// console edit writes nothing and names what changed, whether it applies a
// saved plan or plans with -refresh=false; the console's edit survives.
func TestAccConcurrentWriters_staleApply(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		apply func(tf *terraformCLI) string
	}{
		{"saved plan", func(tf *terraformCLI) string { return tf.failing("apply", "-input=false", "tfplan") }},
		{"refresh=false", func(tf *terraformCLI) string {
			return tf.failing("apply", "-refresh=false", "-auto-approve", "-input=false")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := newAccTarget(t, emulator.Options{})
			tf, id := savedRenamePlan(t, target, "LU-1", "Rossi", "Rossi Srl")

			edited := target.mustPartner(id)
			edited.Country, edited.Properties = "France", map[string]string{"crm_id": "42"}
			if err := target.updatePartner(edited); err != nil {
				t.Fatal(err)
			}
			out := tc.apply(tf)
			expectOutput(t, out, "Error: Partner changed since the plan", "Nothing was written",
				`country: "Italy" in the plan's state, "France" now`, `properties["crm_id"]: unset in the plan's state, "42" now`,
				"Run terraform plan again")
			if now := target.mustPartner(id); now.Name != "Rossi" || now.Country != "France" || now.Properties["crm_id"] != "42" {
				t.Errorf("after the refused apply the partner is %+v, want the console's edit and the old name", now)
			}
			tf.mustRun("destroy", "-auto-approve", "-input=false")
		})
	}
}

// TestAccConcurrentWriters_deletedAfterThePlan: an update whose partner was
// deleted in the console after the plan says so, and what the next plan does.
func TestAccConcurrentWriters_deletedAfterThePlan(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	tf, id := savedRenamePlan(t, target, "DEL-1", "Verdi", "Verdi Spa")
	if err := target.deletePartner(id); err != nil {
		t.Fatal(err)
	}
	out := tf.failing("apply", "-input=false", "tfplan")
	expectOutput(t, out, "Error: Partner deleted since the plan", "Partner "+id+` ("Verdi") was deleted outside Terraform after this plan was made`,
		"The next plan will create it again", "remove it from the configuration")
	if code := target.code("DEL-1"); len(partnersByCode(target.partners())[code]) != 0 {
		t.Errorf("partners with code %s after the apply, want none", code)
	}
}

// TestAccConcurrentWriters_codeWithOuterSpace: a code that starts or ends
// with white space is refused at plan time, on the attribute.
func TestAccConcurrentWriters_codeWithOuterSpace(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	tf := newTerraformCLI(t, target)
	for _, code := range []string{target.code("SE-001") + " ", " " + target.code("SE-001"), target.code("SE-001") + "\t"} {
		tf.writeFile("main.tf", onePartner(code, "Spaced"))
		out := tf.failing("plan", "-input=false")
		expectOutput(t, out, "Attribute code must not start or end with white space")
	}
	if n := len(target.partners()); n != 0 {
		t.Errorf("%d partners on the server, want none", n)
	}
}

// TestAccConcurrentWriters_codesPointedOut: a plan warns about another
// partner with a managed partner's code, and about a new code that differs
// from an existing one only in letter case, from the list it loaded anyway.
func TestAccConcurrentWriters_codesPointedOut(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "the plan points codes out from the list when it holds the whole tenant, which a live tenant need not fit in")
	emu := newTestEmulator(t, emulator.Options{})
	tf := newTerraformCLI(t, emu)
	tf.writeFile("main.tf", forEachPartners(dealers("PT-001", "PT-002")))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	twin := emu.AddPartner(emulator.Partner{Name: "Made twice", Code: "PT-001"})
	lower := emu.AddPartner(emulator.Partner{Name: "Lower case", Code: "pt-003"})

	tf.writeFile("main.tf", forEachPartners(dealers("PT-001", "PT-002", "PT-003")))
	out, err := tf.run("plan", "-input=false")
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	out = strings.Join(strings.Fields(out), " ")
	var managed string
	for _, p := range emu.Partners() {
		if p.Code == "PT-001" && p.ID != twin.ID {
			managed = p.ID
		}
	}
	expectOutput(t, out, "Warning: Partner code shared", fmt.Sprintf(`id %s, name "Dealer PT-001" has code "PT-001", and so do id %s, name "Made twice"`, managed, twin.ID),
		"Warning: Partner code differs only in letter case", fmt.Sprintf(`Code "PT-003" differs only in letter case from the code of id %s, name "Lower case"`, lower.ID))
}

// TestAccConcurrentWriters_racingApplies: two pipelines with states of their
// own apply the same new code at the same moment, on an API slow enough for
// both to pass the code check before either create lands. Each time one
// partner is left, and the run that lost says which code and partner stayed.
func TestAccConcurrentWriters_racingApplies(t *testing.T) {
	emulatorOnly(t, "it needs a slow server (Options.Latency) so that both runs pass the code check before either creates")
	onePassOnly(t, "tofu", "it starts twenty applies")
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{Latency: 300 * time.Millisecond})
	runs := []*terraformCLI{newTerraformCLI(t, emu), newTerraformCLI(t, emu)}
	for _, tf := range runs {
		tf.writeFile("main.tf", onePartner("RACE-1", "Racer"))
	}
	for round := 1; round <= 10; round++ {
		outs, errs := make([]string, 2), make([]error, 2)
		var wg sync.WaitGroup
		for i, tf := range runs {
			wg.Go(func() { outs[i], errs[i] = tf.run("apply", "-auto-approve", "-input=false") })
		}
		wg.Wait()
		left := partnersByCode(emu.Partners())["RACE-1"]
		if len(left) != 1 {
			t.Fatalf("round %d: %d partners with code RACE-1, want 1\n%s\n%s", round, len(left), outs[0], outs[1])
		}
		failed := 0
		for i, err := range errs {
			var exitErr *exec.ExitError
			switch {
			case errors.As(err, &exitErr):
				failed++
				// The apply's code check stops a run that starts after the other's
				// create; the check after the create, one that passed it first.
				expectOutput(t, strings.Join(strings.Fields(outs[i]), " "), "Error: Partner code already in use", `code "RACE-1"`,
					fmt.Sprintf(`(id %s)`, left[0].ID))
			case err != nil:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if failed != 1 {
			t.Fatalf("round %d: %d runs failed, want the one that lost\n%s\n%s", round, failed, outs[0], outs[1])
		}
		emu.DeletePartner(left[0].ID)
		for _, tf := range runs {
			if err := os.Remove(filepath.Join(tf.dir, "terraform.tfstate")); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
		}
	}
}

// savedRenamePlan applies a partner named from, then saves a plan (tfplan)
// that renames it to; it returns the CLI and the partner's id.
func savedRenamePlan(t *testing.T, target *accTarget, code, from, to string) (*terraformCLI, string) {
	t.Helper()
	tf := newTerraformCLI(t, target)
	tf.writeFile("main.tf", onePartner(target.code(code), from))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	id := tf.stateIDs()[0]
	tf.writeFile("main.tf", onePartner(target.code(code), to))
	tf.mustRun("plan", "-input=false", "-out=tfplan")
	return tf, id
}
