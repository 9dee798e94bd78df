package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Unit tests of examples/gitops/scripts on canned plans: the JSON that
// `terraform show -json` printed for real plans of the example, on Terraform
// 1.14 and OpenTofu 1.12, trimmed to the keys the scripts read. A stand-in
// CLI prints it, so no Terraform runs; TestAccExamplesGitOpsDayTwo runs the
// same scripts on plans it makes.
//
// The drift plans (testdata/gitops/drift-*.json) were made with
// `plan -refresh-only` after, in the console: P000124 renamed "Verdi |
// Servizi *S.p.A.*" and its tier set to gold, DE-014's time zone cleared and
// a region property added, US-207 deleted, and BE-777 and a partner without
// a code created. P000123, imported with nothing to change, only gets its
// deletion_protection filled in by the refresh, which is no drift.

// gitopsScript is the path of a script of examples/gitops/scripts.
func gitopsScript(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(examplesDir, "gitops/scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// cannedCLI is a TERRAFORM whose `show -json FILE` prints FILE: the scripts
// take the canned JSON's path as the plan file.
func cannedCLI(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq not found: install jq, which the scripts of examples/gitops need")
	}
	path := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n[ \"$1 $2\" = 'show -json' ] || exit 3\nexec cat \"$3\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// runScript runs script on plan in dir with env, and returns its exit
// status, standard output and standard error.
func runScript(t *testing.T, dir string, env []string, script, plan string) (status int, stdout, stderr string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), script, plan)
	cmd.Dir, cmd.Env = dir, env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if exitErr := (*exec.ExitError)(nil); err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("running %s: %v", script, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// runCanned runs script on a canned plan with cannedCLI and the settings given.
func runCanned(t *testing.T, script, cli, plan string, settings ...string) (status int, stdout, stderr string) {
	t.Helper()
	env := withoutEnv(os.Environ(), "MAX_PARTNER_DELETIONS", "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS")
	return runScript(t, "", append(append(env, "TERRAFORM="+cli), settings...), script, plan)
}

// editedPlan writes a copy of a canned plan changed by edit.
func editedPlan(t *testing.T, canned string, edit func(plan map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile(canned)
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	edit(plan)
	if raw, err = json.Marshal(plan); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(canned))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func expectLines(t *testing.T, what, out string, wants, unwanted []string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, out)
		}
	}
	for _, not := range unwanted {
		if strings.Contains(out, not) {
			t.Errorf("%s holds %q:\n%s", what, not, out)
		}
	}
}

func TestGitOpsDriftReport(t *testing.T) {
	script, cli := gitopsScript(t, "drift-report.sh"), cannedCLI(t)
	for _, canned := range []string{"testdata/gitops/drift-terraform-1.14.json", "testdata/gitops/drift-tofu-1.12.json"} {
		status, report, stderr := runCanned(t, script, cli, canned)
		if status != 1 || stderr != "" {
			t.Errorf("%s: exit status %d, want 1 (drift)\n%s", canned, status, stderr)
		}
		expectLines(t, canned, report, []string{
			"## Servitly drift report\n\n2 partners changed and 1 partner deleted outside Terraform since the last apply.",
			"| Partner | Attribute | In the state | In Servitly now |",
			"| P000124 | `name` | \"Verdi Servizi S.p.A.\" | \"Verdi \\| Servizi \\*S.p.A.\\*\" |",
			"| P000124 | `properties[\"tier\"]` | \"silver\" | \"gold\" |",
			"| DE-014 | `timezone` | \"Europe/Berlin\" | unset |",
			"| DE-014 | `properties[\"region\"]` | unset | \"north\" |",
			"| US-207 | \"Lakeside Equipment\" | ",
			"### Check warnings\n\n- 3 partner(s) on the tenant have no row in partners.csv: BE-777, NL-050, No Code Dealer (id ",
			"run `terraform apply -refresh-only` first",
		}, []string{"P000123", "deletion_protection", "customer_count", "creation_timestamp"})
	}

	clean := "testdata/gitops/clean-terraform-1.14.json"
	status, report, _ := runCanned(t, script, cli, clean)
	if status != 0 {
		t.Errorf("clean plan: exit status %d, want 0", status)
	}
	expectLines(t, "clean report", report, []string{"No partner changed outside Terraform since the last apply.",
		"- 1 partner(s) on the tenant have no row in partners.csv: NL-050."}, []string{"### Changed", "### Deleted", "### What to do"})

	// Servitly's customer counts change without anyone editing the partner.
	customers := editedPlan(t, clean, func(plan map[string]any) {
		drift, _ := plan["resource_drift"].([]any)
		for _, d := range drift {
			entry, _ := d.(map[string]any)
			change, _ := entry["change"].(map[string]any)
			if after, ok := change["after"].(map[string]any); ok {
				after["customer_count"] = 13.0
				return
			}
		}
		t.Fatal("the clean plan has no drift entry to give customers")
	})
	if status, report, _ := runCanned(t, script, cli, customers); status != 0 || strings.Contains(report, "customer") {
		t.Errorf("a new customer count is no drift: exit status %d\n%s", status, report)
	}

	// The check itself failing must never read as "no drift".
	errored := editedPlan(t, clean, func(plan map[string]any) { plan["errored"] = true })
	notAPlan := editedPlan(t, clean, func(plan map[string]any) { delete(plan, "planned_values") })
	for plan, want := range map[string]string{errored: "the plan of a run that failed", notAPlan: "is not a saved plan",
		"missing.tfplan": "cannot read plan file"} {
		if status, _, stderr := runCanned(t, script, cli, plan); status != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit status %d, want 2 and %q\n%s", plan, status, want, stderr)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	bashOnly := t.TempDir()
	if err := os.Symlink(bash, filepath.Join(bashOnly, "bash")); err != nil {
		t.Fatal(err)
	}
	if status, _, stderr := runCanned(t, script, cli, clean, "PATH="+bashOnly); status != 2 || !strings.Contains(stderr, "jq not found") {
		t.Errorf("without jq: exit status %d\n%s", status, stderr)
	}
}

// TestGitOpsDestroyBudgetCustomers: the budget refuses to delete or replace a
// partner with customers unless the run allows it, whatever MAX_PARTNER_DELETIONS allows.
func TestGitOpsDestroyBudgetCustomers(t *testing.T) {
	script, cli := gitopsScript(t, "check-destroy-budget.sh"), cannedCLI(t)
	partner := func(code, actions string, customers int) string {
		return fmt.Sprintf(`{"address": %q, "mode": "managed", "type": "servitly_partner",
  "change": {"actions": %s, "before": {"code": %q, "name": %q, "customer_count": %d}}}`,
			`servitly_partner.partner["`+code+`"]`, actions, code, "Dealer "+code, customers)
	}
	plan := filepath.Join(t.TempDir(), "customers.json")
	if err := os.WriteFile(plan, []byte(`{"format_version": "1.2", "planned_values": {}, "resource_changes": [`+
		partner("P000123", `["delete"]`, 12)+", "+partner("NL-050", `["delete", "create"]`, 1)+", "+partner("DE-014", `["delete"]`, 0)+
		", "+partner("US-207", `["update"]`, 3)+"]}"), 0o600); err != nil {
		t.Fatal(err)
	}
	listed := []string{`servitly_partner.partner["P000123"]: code P000123, name "Dealer P000123", 12 customers`,
		`servitly_partner.partner["NL-050"]: code NL-050, name "Dealer NL-050", 1 customer (replaced)`}
	unlisted := []string{"DE-014, name", "US-207"}

	status, stdout, stderr := runCanned(t, script, cli, plan, "MAX_PARTNER_DELETIONS=3")
	if status != 1 {
		t.Errorf("partners with customers, not allowed: exit status %d, want 1", status)
	}
	expectLines(t, "refusal", stdout+stderr, append(listed, "the plan deletes 3 partner(s), MAX_PARTNER_DELETIONS allows 3.",
		"ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS=true"), unlisted)

	status, stdout, stderr = runCanned(t, script, cli, plan, "MAX_PARTNER_DELETIONS=3", "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS=true")
	if status != 0 || stderr != "" {
		t.Errorf("partners with customers, allowed: exit status %d, want 0\n%s", status, stderr)
	}
	expectLines(t, "allowed run", stdout, append(listed, "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS lets this run delete or replace"), unlisted)

	// Allowing customers raises no budget.
	if status, _, stderr := runCanned(t, script, cli, plan, "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS=true"); status != 1 ||
		!strings.Contains(stderr, "Destroy budget exceeded") {
		t.Errorf("3 deletions on the default budget of 1: exit status %d\n%s", status, stderr)
	}
	if status, _, stderr := runCanned(t, script, cli, plan, "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS=yes"); status != 2 ||
		!strings.Contains(stderr, "must be true or false") {
		t.Errorf("a setting that is neither true nor false: exit status %d\n%s", status, stderr)
	}
}
