package provider

import (
	"encoding/json"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccExamplesGitOps applies examples/gitops as its pipeline would, against
// a tenant that already holds the partners its import blocks adopt.
func TestAccExamplesGitOps(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{OrganizationName: "Acme"})
	italy := emu.AddOrganization(emulator.Organization{Name: "Acme Dealers Italy", ParentID: emu.RootOrganizationID()})
	europe := emu.AddOrganization(emulator.Organization{Name: "Acme Dealers Europe", ParentID: emu.RootOrganizationID()})
	// Made by hand in the console: one exactly as in the CSV, one that the
	// CSV corrects.
	rossi := emu.AddPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: "P000123", Country: "Italy",
		Timezone: "Europe/Rome", OrganizationID: italy.ID, Properties: map[string]string{"tier": "gold"}, CustomerCount: 12})
	verdi := emu.AddPartner(emulator.Partner{Name: "Verdi Servizi", Code: "P000124", Country: "Italy",
		Properties: map[string]string{"tier": "bronze"}})

	tf := newTerraformCLI(t, emu)
	for _, file := range []string{"gitops/main.tf", "gitops/imports.tf", "gitops/partners.csv"} {
		tf.copyExample(file)
	}
	tf.mustRun("validate")
	tf.mustRun("apply", "-auto-approve", "-input=false")

	byCode := map[string][]emulator.Partner{}
	for _, p := range emu.Partners() {
		byCode[p.Code] = append(byCode[p.Code], p)
	}
	if len(byCode) != 4 {
		t.Fatalf("want the 4 partners of partners.csv, the emulator holds codes %v", keys(byCode))
	}
	for code, ps := range byCode {
		if len(ps) != 1 {
			t.Errorf("code %s: %d partners, want 1 (a duplicate means an import did not happen)", code, len(ps))
		}
	}
	if got := byCode["P000123"][0]; got.ID != rossi.ID || got.CustomerCount != 12 {
		t.Errorf("P000123 should be the adopted partner %s, got %+v", rossi.ID, got)
	}
	if got := byCode["P000124"][0]; got.ID != verdi.ID || got.Name != "Verdi Servizi S.p.A." || got.Properties["tier"] != "silver" ||
		got.Timezone != "Europe/Rome" || got.OrganizationID != italy.ID {
		t.Errorf("P000124 should be partner %s, adopted and updated to its CSV row, got %+v", verdi.ID, got)
	}
	if got := byCode["DE-014"][0]; got.Name != "Schmidt Service GmbH" || got.OrganizationID != europe.ID || got.Properties["tier"] != "silver" {
		t.Errorf("DE-014 was not created as in partners.csv: %+v", got)
	}
	if got := byCode["US-207"][0]; got.Country != "United States" || got.OrganizationID != "" || len(got.Properties) != 0 {
		t.Errorf("US-207 was not created as in partners.csv (blank cells unset): %+v", got)
	}

	var ids map[string]string
	if err := json.Unmarshal([]byte(tf.mustRun("output", "-json", "partner_ids")), &ids); err != nil {
		t.Fatalf("output partner_ids: %v", err)
	}
	for code, ps := range byCode {
		if ids[code] != ps[0].ID {
			t.Errorf("output partner_ids[%q] = %q, want %q", code, ids[code], ps[0].ID)
		}
	}
	tf.expectCleanPlan()
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
