package provider

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccExamplesGitOpsDayTwo runs examples/gitops through the nights and
// merges after its first apply, against the seeded emulator: the drift
// report on a clean tenant, then after a console edit and a console delete;
// the coverage warning for a partner made in the console; a partner made
// again in the console with a deleted one's code, adopted after the
// refresh-only apply its error names; and a dealer with customers leaving
// the CSV, which the destroy budget stops until the run allows it.
func TestAccExamplesGitOpsDayTwo(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "only the emulator can give a partner customers (customer_count is the server's count)")
	onePassOnly(t, "newest", "the example's CLI is Terraform, and eleven commands need not run on every CLI")
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq not found: install jq, which the scripts of examples/gitops need")
	}
	target := newAccTarget(t, emulator.Options{})
	tf := newTerraformCLI(t, target)
	tf.requireCLI("the example's import block with for_each", "1.7.0", "1.7.0")
	target.loadSeed(readExample(t, "gitops/seed.json"))
	for _, file := range []string{"main.tf", "imports.tf", "partners.csv"} {
		tf.copyExample("gitops/" + file)
	}
	tf.mustRun("apply", "-auto-approve", "-input=false")
	partners := func() map[string]emulator.Partner {
		byCode := map[string]emulator.Partner{}
		for code, ps := range partnersByCode(target.partners()) {
			if len(ps) != 1 {
				t.Fatalf("%d partners with code %s: %+v", len(ps), code, ps)
			}
			byCode[code] = ps[0]
		}
		return byCode
	}
	applied := partners()
	env := append(slices.Clip(tf.env), "TERRAFORM="+tf.terraformPath())
	script := func(name, plan string, settings ...string) (status int, stdout, stderr string) {
		t.Helper()
		return runScript(t, tf.dir, append(slices.Clip(env), settings...), gitopsScript(t, name), plan)
	}

	// Night one: the tenant is as the last apply left it.
	tf.mustRun("plan", "-refresh-only", "-input=false", "-out=clean.tfplan")
	status, report, stderr := script("drift-report.sh", "clean.tfplan")
	if status != 0 {
		t.Errorf("drift report of a clean tenant: exit status %d, want 0\n%s%s", status, report, stderr)
	}
	expectLines(t, "clean report", report, []string{"No partner changed outside Terraform since the last apply.",
		"no row in partners.csv: NL-050."}, []string{"### Changed", "### Deleted"})

	// In the console: P000124's tier is edited, US-207 deleted, BE-777 made.
	verdi := applied["P000124"]
	verdi.Properties = map[string]string{"tier": "gold"}
	if err := target.updatePartner(verdi); err != nil {
		t.Fatal(err)
	}
	if err := target.deletePartner(applied["US-207"].ID); err != nil {
		t.Fatal(err)
	}
	target.addPartner(emulator.Partner{Name: "Janssens Service", Code: "BE-777", Country: "Belgium"})
	out := strings.Join(strings.Fields(tf.mustRun("plan", "-refresh-only", "-input=false", "-out=drift.tfplan")), " ")
	expectLines(t, "refresh-only plan", out, []string{"Warning: Partner no longer exists",
		"A plan saves no state; an apply, or terraform apply -refresh-only, drops the deleted partner from the saved state",
		"2 partner(s) on the tenant have no row in partners.csv: BE-777, NL-050."}, []string{"has been removed from the state"})
	status, report, stderr = script("drift-report.sh", "drift.tfplan")
	if status != 1 {
		t.Errorf("drift report after console changes: exit status %d, want 1\n%s%s", status, report, stderr)
	}
	expectLines(t, "drift report", report, []string{"1 partner changed and 1 partner deleted outside Terraform since the last apply.",
		"| P000124 | `properties[\"tier\"]` | \"silver\" | \"gold\" |",
		"| US-207 | \"Lakeside Equipment\" | " + applied["US-207"].ID + " |",
		"- 2 partner(s) on the tenant have no row in partners.csv: BE-777, NL-050."}, []string{"P000123", "DE-014"})

	// The console makes US-207 again, under a new id. The import that the
	// code-in-use error gives does nothing until the refresh-only apply
	// drops the deleted partner from the state, so the error says so.
	lakeside := target.addPartner(emulator.Partner{Name: "Lakeside Equipment", Code: "US-207", Country: "United States", Timezone: "America/Chicago"})
	expectOutput(t, tf.failing("plan", "-input=false"), "Error: Partner code already in use",
		"Partner "+applied["US-207"].ID+", which the state holds with this code, was deleted outside Terraform",
		"first run terraform apply -refresh-only", `id = "code:US-207"`)
	tf.mustRun("apply", "-input=false", "drift.tfplan")
	imports := readExample(t, "gitops/imports.tf")
	tf.writeFile("imports.tf", strings.Replace(imports, `["P000123", "P000124"]`, `["P000123", "P000124", "US-207"]`, 1))
	// In the same merge, P000123's row allows its deletion.
	csv := readExample(t, "gitops/partners.csv")
	rossi := "P000123,Rossi Macchine S.r.l.,Italy,Europe/Rome,Acme Dealers Italy,gold,"
	if !strings.Contains(csv, rossi+"\n") {
		t.Fatalf("partners.csv has no row %q", rossi)
	}
	tf.writeFile("partners.csv", strings.Replace(csv, rossi, rossi+"false", 1))
	expectOutput(t, strings.Join(strings.Fields(tf.mustRun("apply", "-auto-approve", "-input=false")), " "),
		"1 imported, 0 added, 2 changed, 0 destroyed")
	now := partners()
	if now["US-207"].ID != lakeside.ID || now["P000124"].Properties["tier"] != "silver" {
		t.Errorf("the apply should adopt US-207 %s and set P000124's tier back to silver: %+v", lakeside.ID, now)
	}

	// A dealer with customers leaves the CSV: within the destroy budget of
	// one deletion, but its 12 customers stop the plan until a run allows it.
	tf.writeFile("partners.csv", strings.Replace(csv, rossi+"\n", "", 1))
	tf.mustRun("plan", "-input=false", "-out=delete.tfplan")
	rossiGoes := `servitly_partner.partner["P000123"]: code P000123, name "Rossi Macchine S.r.l.", 12 customers`
	status, stdout, stderr := script("check-destroy-budget.sh", "delete.tfplan")
	if status != 1 {
		t.Errorf("deleting a partner with customers: exit status %d, want 1\n%s%s", status, stdout, stderr)
	}
	expectLines(t, "budget", stdout+stderr, []string{"MAX_PARTNER_DELETIONS allows 1.", rossiGoes,
		"ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS=true"}, nil)
	status, stdout, stderr = script("check-destroy-budget.sh", "delete.tfplan", "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS=true")
	if status != 0 || !strings.Contains(stdout, rossiGoes) {
		t.Errorf("the run allows partners with customers: exit status %d, want 0, naming P000123\n%s%s", status, stdout, stderr)
	}
}
