package provider

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccExamplesGitOps applies examples/gitops as its pipeline would, against
// a tenant that already holds the partners its import blocks adopt. A live
// run puts them in organizations of the tenant that stand in for the seed's.
// Each plan also warns with the partners that no row manages.
func TestAccExamplesGitOps(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	tf := newTerraformCLI(t, target)
	tf.requireCLI("the example's import block with for_each", "1.7.0", "1.7.0")
	orgs := target.loadSeed(readExample(t, "gitops/seed.json"))
	if !target.live() && orgs["Acme"].ID != target.rootOrganizationID() {
		t.Fatalf("the seed should name the root organization Acme: %+v", orgs)
	}
	italy, europe := orgs["Acme Dealers Italy"], orgs["Acme Dealers Europe"]
	var renames []string // the example's codes and organizations, as this test's
	for _, code := range []string{"P000123", "P000124", "NL-050", "DE-014", "US-207"} {
		renames = append(renames, code, target.code(code))
	}
	renames = append(renames, "Acme Dealers Italy", italy.Name, "Acme Dealers Europe", europe.Name)
	rename := strings.NewReplacer(renames...).Replace
	code := func(c string) string { return target.code(c) }
	seeded := partnersByCode(target.partners())
	if len(seeded) != 3 {
		t.Fatalf("want P000123, P000124 and NL-050 in the seed, got codes %v", keys(seeded))
	}
	// Made by hand in the console: P000123 exactly as in the CSV, P000124
	// as the CSV corrects it, NL-050 not in the CSV at all.
	rossi, verdi, vanDijk := seeded[code("P000123")][0], seeded[code("P000124")][0], seeded[code("NL-050")][0]

	for _, file := range []string{"main.tf", "imports.tf", "partners.csv"} {
		tf.writeFile(file, rename(readExample(t, "gitops/"+file)))
	}
	tf.mustRun("validate")
	tf.mustRun("apply", "-auto-approve", "-input=false")

	byCode := partnersByCode(target.partners())
	if len(byCode) != 5 {
		t.Fatalf("want the 4 partners of partners.csv and NL-050, the server holds codes %v", keys(byCode))
	}
	for code, ps := range byCode {
		if len(ps) != 1 {
			t.Errorf("code %s: %d partners, want 1 (a duplicate means an import did not happen)", code, len(ps))
		}
	}
	if got := byCode[code("P000123")][0]; got.ID != rossi.ID || got.CustomerCount != rossi.CustomerCount {
		t.Errorf("P000123 should be the adopted partner %+v, got %+v", rossi, got)
	}
	if got := byCode[code("P000124")][0]; got.ID != verdi.ID || got.Name != "Verdi Servizi S.p.A." || got.Properties["tier"] != "silver" ||
		got.Timezone != "Europe/Rome" || got.OrganizationID != italy.ID {
		t.Errorf("P000124 should be partner %s, adopted and updated to its CSV row, got %+v", verdi.ID, got)
	}
	if got := byCode[code("DE-014")][0]; got.Name != "Schmidt Service GmbH" || got.OrganizationID != europe.ID || got.Properties["tier"] != "silver" {
		t.Errorf("DE-014 was not created as in partners.csv: %+v", got)
	}
	if got := byCode[code("US-207")][0]; got.Country != "United States" || got.OrganizationID != "" || len(got.Properties) != 0 {
		t.Errorf("US-207 was not created as in partners.csv (blank cells unset): %+v", got)
	}
	if got := byCode[code("NL-050")][0]; !reflect.DeepEqual(got, vanDijk) {
		t.Errorf("NL-050 is not in partners.csv and must be left alone: got %+v, was %+v", got, vanDijk)
	}

	var ids map[string]string
	if err := json.Unmarshal([]byte(tf.mustRun("output", "-json", "partner_ids")), &ids); err != nil {
		t.Fatalf("output partner_ids: %v", err)
	}
	delete(byCode, code("NL-050")) // not managed, so not in the output
	for code, ps := range byCode {
		if ids[code] != ps[0].ID {
			t.Errorf("output partner_ids[%q] = %q, want %q", code, ids[code], ps[0].ID)
		}
	}
	// The plan warns with the partners no row manages, NL-050 and in a live
	// run the tenant's others, and names no managed one. Its data source
	// reads the list that the refresh loads: one walk of it.
	target.resetStats()
	coverage := coverageWarning(t, tf.expectCleanPlan())
	for c := range byCode {
		if strings.Contains(coverage, " "+c+",") || strings.Contains(coverage, " "+c+".") {
			t.Errorf("the coverage warning names %s, which a row manages: %s", c, coverage)
		}
	}
	if !strings.Contains(coverage, " "+code("NL-050")) {
		t.Errorf("the coverage warning should name NL-050, made in the console: %s", coverage)
	}
	if lists := target.stats().ByRoute[routeList]; !target.live() && lists != 1 {
		t.Errorf("the plan listed the partners %d times, want one page, once", lists)
	}

	// A bad merge that empties the CSV deletes nothing: main.tf protects
	// every partner. The import block has no row left to import into, which
	// it must not fail on.
	csv := rename(readExample(t, "gitops/partners.csv"))
	tf.writeFile("partners.csv", strings.SplitAfter(csv, "\n")[0])
	out := tf.failing("plan", "-input=false")
	if n := strings.Count(out, "Error: "); n != 4 || strings.Count(out, "Error: Partner is protected from deletion") != 4 {
		t.Errorf("emptying partners.csv should fail the plan once for each of the 4 partners, and for nothing else:\n%s", out)
	}
	// A row for the partner made in the console is refused, with the import
	// block that adopts it.
	tf.writeFile("partners.csv", csv+rename("NL-050,Van Dijk Dealers B.V.,Netherlands,Europe/Amsterdam,Acme Dealers Europe,,\n"))
	expectOutput(t, tf.failing("plan", "-input=false"), `with servitly_partner.partner["`+code("NL-050")+`"]`,
		`Servitly already has a partner with code "`+code("NL-050")+`": "Van Dijk Dealers B.V." (id `+vanDijk.ID+")", `id = "code:`+code("NL-050")+`"`)
	// Deleting a partner on purpose: its row allows it, then the row goes.
	// The first CSV is as Excel saves "CSV UTF-8": a byte-order mark, and
	// CRLF line ends.
	allowed := strings.Replace(csv, "America/Chicago,,,", "America/Chicago,,,false", 1)
	tf.writeFile("partners.csv", "\ufeff"+strings.ReplaceAll(allowed, "\n", "\r\n"))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	tf.writeFile("partners.csv", strings.Replace(allowed, rename("US-207,Lakeside Equipment,United States,America/Chicago,,,false\n"), "", 1))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	if left := partnersByCode(target.partners()); len(left[code("US-207")]) != 0 || len(left) != 4 {
		t.Errorf("after its row allowed it and was removed, US-207 should be deleted and the rest kept: %v", keys(left))
	}
}

// coverageWarning is the list of partners that the example's check block
// warns no row manages, white space folded, from a plan's output.
func coverageWarning(t *testing.T, out string) string {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	_, warning, found := strings.Cut(flat, "have no row in partners.csv:")
	if !found {
		t.Fatalf("the plan gives no coverage warning:\n%s", out)
	}
	warning, _, _ = strings.Cut(warning, " Warning: ")
	return warning
}

func partnersByCode(partners []emulator.Partner) map[string][]emulator.Partner {
	byCode := map[string][]emulator.Partner{}
	for _, p := range partners {
		byCode[p.Code] = append(byCode[p.Code], p)
	}
	return byCode
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
