package provider

import (
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccExamplesGitOpsDestroyBudget runs the gitops pipeline's destroy
// budget script on real plans: deletions and replaces count against the
// budget, updates and a removed block that forgets do not.
func TestAccExamplesGitOpsDestroyBudget(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq not found: install jq, which examples/gitops/scripts/check-destroy-budget.sh needs")
	}
	script, err := filepath.Abs(filepath.Join(examplesDir, "gitops/scripts/check-destroy-budget.sh"))
	if err != nil {
		t.Fatal(err)
	}
	target := newAccTarget(t, emulator.Options{})
	tf := newTerraformCLI(t, target)
	env := append(slices.Clip(tf.env), "TERRAFORM="+tf.terraformPath())
	// expect runs the script on a plan file with a budget ("" for the
	// default) and checks its exit status and output.
	expect := func(plan, budget string, wantStatus int, wantInOutput ...string) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), script, plan)
		cmd.Dir = tf.dir
		cmd.Env = append(slices.Clip(env), "MAX_PARTNER_DELETIONS="+budget)
		out, err := cmd.CombinedOutput()
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			t.Fatalf("running %s: %v", script, err)
		}
		if status := cmd.ProcessState.ExitCode(); status != wantStatus {
			t.Errorf("%s with budget %q: exit status %d, want %d\n%s", plan, budget, status, wantStatus, out)
		}
		for _, want := range wantInOutput {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s with budget %q: output lacks %q\n%s", plan, budget, want, out)
			}
		}
	}

	// Without the example's deletion protection, which would stop these
	// plans before the budget sees them.
	b1, b2, b3, b4 := target.code("B-1"), target.code("B-2"), target.code("B-3"), target.code("B-4")
	names := map[string]string{b1: "Alpha Service", b2: "Beta Service", b3: "Gamma Service", b4: "Delta Service"}
	tf.writeFile("main.tf", forEachPartners(names))
	tf.mustRun("apply", "-auto-approve", "-input=false")

	renamed := maps.Clone(names)
	renamed[b1] = "Alpha Services"
	tf.writeFile("main.tf", forEachPartners(renamed))
	tf.mustRun("plan", "-input=false", "-out=update.tfplan")
	expect("update.tfplan", "0", 0, "the plan deletes 0 partner(s), MAX_PARTNER_DELETIONS allows 0.")

	tf.writeFile("main.tf", forEachPartners(names))
	tf.mustRun("plan", "-input=false", "-out=replace.tfplan", `-replace=servitly_partner.partner["`+b2+`"]`)
	expect("replace.tfplan", "0", 1, `servitly_partner.partner["`+b2+`"]: code `+b2+`, name "Beta Service" (replaced)`)
	expect("replace.tfplan", "", 0, "the plan deletes 1 partner(s), MAX_PARTNER_DELETIONS allows 1.")

	tf.writeFile("main.tf", forEachPartners(map[string]string{b1: "Alpha Service"}))
	tf.mustRun("plan", "-input=false", "-out=delete.tfplan")
	expect("delete.tfplan", "2", 1, "the plan deletes 3 partner(s), MAX_PARTNER_DELETIONS allows 2:",
		`servitly_partner.partner["`+b2+`"]: code `+b2+`, name "Beta Service"`,
		`servitly_partner.partner["`+b3+`"]: code `+b3+`, name "Gamma Service"`,
		`servitly_partner.partner["`+b4+`"]: code `+b4+`, name "Delta Service"`)
	expect("delete.tfplan", "3", 0, "the plan deletes 3 partner(s), MAX_PARTNER_DELETIONS allows 3.")

	if v, ok := strings.CutPrefix(tf.cliVersion(), "Terraform v"); ok && !versionAtLeast(v, "1.7.0") {
		t.Logf("Terraform %s has no removed blocks: not checking that forgetting partners is free", v)
	} else {
		tf.writeFile("main.tf", requiredProviders+`
removed {
  from = servitly_partner.partner
  lifecycle {
    destroy = false
  }
}
`)
		tf.mustRun("plan", "-input=false", "-out=forget.tfplan")
		if n := strings.Count(tf.mustRun("show", "-json", "forget.tfplan"), `"actions":["forget"]`); n != len(names) {
			t.Fatalf("the removed block should forget %d partners, the plan forgets %d", len(names), n)
		}
		expect("forget.tfplan", "0", 0, "the plan deletes 0 partner(s)")
	}

	// The check itself failing must never read as a pass.
	expect("missing.tfplan", "", 2, "cannot read plan file")
	expect("delete.tfplan", "many", 2, "must be a whole number")
	bashOnly := t.TempDir()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bash, filepath.Join(bashOnly, "bash")); err != nil {
		t.Fatal(err)
	}
	env = append(env, "PATH="+bashOnly)
	expect("delete.tfplan", "", 2, "jq not found: install jq")
}
