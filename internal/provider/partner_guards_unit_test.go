package provider

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// TestBoolSettings covers the provider's true-or-false settings, which
// clientConfig does not resolve: unset, each takes its default.
func TestBoolSettings(t *testing.T) {
	for _, setting := range []struct {
		name  string
		unset bool
	}{
		{"batch_refresh", true},
		{"deletion_protection", false},
	} {
		variable := client.EnvVar(setting.name)
		for _, tc := range []struct {
			name    string
			value   types.Bool
			env     string
			want    bool
			wantErr bool
		}{
			{"unset", types.BoolNull(), "", setting.unset, false},
			{"env", types.BoolNull(), strconv.FormatBool(!setting.unset), !setting.unset, false},
			{"env 1", types.BoolNull(), "1", true, false},
			{"setting wins over env", types.BoolValue(!setting.unset), strconv.FormatBool(setting.unset), !setting.unset, false},
			{"bad env", types.BoolNull(), "sometimes", setting.unset, true},
			{"unknown", types.BoolUnknown(), "", setting.unset, true},
		} {
			t.Run(setting.name+"/"+tc.name, func(t *testing.T) {
				env := func(name string) (string, bool) { return tc.env, name == variable && tc.env != "" }
				got, diags := boolSetting(setting.name, tc.value, env, setting.unset)
				if got != tc.want || diags.HasError() != tc.wantErr {
					t.Errorf("got %v, diagnostics %v; want %v, error %v", got, diags, tc.want, tc.wantErr)
				}
				if tc.wantErr && !strings.Contains(text(diags), map[bool]string{true: variable, false: setting.name}[tc.name == "bad env"]) {
					t.Errorf("diagnostics %v do not name the setting", diags)
				}
			})
		}
	}
}

func TestManagedPartnerOf(t *testing.T) {
	m := partnerModel{partnerAttributes: partnerAttributes{ID: types.StringValue("p1"), Name: types.StringValue("Rossi"),
		Code: types.StringValue("C1"), CustomerCount: types.Int64Value(3)}}
	if p := managedPartnerOf(m, true); !p.Protected || p.Customers != 3 || p.String() != `"Rossi" (code "C1", id p1)` {
		t.Errorf("state written before deletion_protection, provider on: %+v %s", p, p)
	}
	m.DeletionProtection = types.BoolValue(false)
	if managedPartnerOf(m, true).Protected {
		t.Error("the state's deletion_protection = false must win over the provider's true")
	}
	m.Code = types.StringNull()
	if s := managedPartnerOf(m, false).String(); s != `"Rossi" (id p1)` {
		t.Errorf("a partner without a code reads %s", s)
	}
}

func TestCheckRemoval(t *testing.T) {
	p := managedPartner{ID: "p1", Name: "Van Dijk", Code: "NL-050", Customers: 200, Protected: true}
	diags := checkRemoval(p, "destroyed")
	if diags.WarningsCount() != 1 || !strings.Contains(text(diags), "will be destroyed, and it has 200 customers") {
		t.Errorf("want one warning naming 200 customers, got %v", diags)
	}
	if diags.ErrorsCount() != 1 || !strings.Contains(text(diags), `"Van Dijk" (code "NL-050", id p1) has deletion_protection, so it cannot be destroyed`) ||
		!strings.Contains(text(diags), "set deletion_protection = false") {
		t.Errorf("want one error naming the partner and the way out, got %v", diags)
	}
	p.Customers, p.Protected = 1, false
	if diags := checkRemoval(p, "replaced"); diags.HasError() || !strings.Contains(text(diags), "has 1 customer in Servitly") {
		t.Errorf("an unprotected partner with 1 customer: %v", diags)
	}
	p.Customers = 0
	if diags := checkRemoval(p, "replaced"); len(diags) != 0 {
		t.Errorf("an unprotected partner without customers: %v", diags)
	}
}

func TestCodeConflictDiagnostic(t *testing.T) {
	holder := &client.Partner{ID: "abc", Name: "Van Dijk"}
	created := text(codeConflictDiagnostic(&codeConflict{Code: `NL-${050}`, Holder: holder}, true, "plan"))
	for _, want := range []string{`already has a partner with code "NL-${050}": "Van Dijk" (id abc)`, `id = "code:NL-$${050}"`, "import {"} {
		if !strings.Contains(created, want) {
			t.Errorf("create conflict lacks %q:\n%s", want, created)
		}
	}
	renamed := text(codeConflictDiagnostic(&codeConflict{Code: "X", Holder: holder}, false, "apply"))
	if !strings.Contains(renamed, `Partner "Van Dijk" (id abc) already has code "X"`) || strings.Contains(renamed, "import {") {
		t.Errorf("a code change is not an import:\n%s", renamed)
	}
	sibling := text(codeConflictDiagnostic(&codeConflict{Code: "X"}, true, "plan"))
	if !strings.Contains(sibling, "Another servitly_partner of this configuration") {
		t.Errorf("sibling conflict:\n%s", sibling)
	}
	if codeConflictDiagnostic(nil, true, "plan") != nil {
		t.Error("no conflict must give no diagnostic")
	}
}

// text joins the summaries and details of diags.
func text(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

// TestSettledProtection: a partner that does not set deletion_protection takes the
// provider's, and when the provider sets none (block or variable), keeps what its state
// holds, so that a run without SERVITLY_DELETION_PROTECTION lowers nothing.
func TestSettledProtection(t *testing.T) {
	unset, on, off := types.BoolNull(), types.BoolValue(true), types.BoolValue(false)
	for _, tc := range []struct {
		name             string
		provider, stored types.Bool
		want             types.Bool
	}{
		{"provider on, new partner", on, unset, on},
		{"provider off lowers what is stored", off, on, off},
		{"provider on raises what is stored", on, off, on},
		{"provider unset keeps what is stored", unset, on, on},
		{"provider unset, stored off", unset, off, off},
		{"provider unset, new partner", unset, unset, off},
	} {
		if got := settledProtection(tc.provider, tc.stored); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestProtectionErrorAdvice: the way out that the protection error gives for
// a partner kept in Servitly works for a for_each row, which a removed block
// cannot name: the blocks are retireBlocks, which TestAccExamplesGitOpsRemoved
// applies through the CLI, and which the docs show for the example's row.
func TestProtectionErrorAdvice(t *testing.T) {
	detail := text(protectionError(managedPartner{ID: "p1", Name: "Van Dijk", Code: "NL-050", Protected: true}, "destroyed"))
	for _, want := range []string{"set deletion_protection = false", "A removed block names a whole resource, never one instance",
		retireBlocks(`servitly_partner.<NAME>["<KEY>"]`, "servitly_partner.<RETIRED>"), "Terraform 1.7 or later, OpenTofu 1.10 or later"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the protection error lacks %q:\n%s", want, detail)
		}
	}
	blocks := retireBlocks(`servitly_partner.partner["NL-050"]`, "servitly_partner.retired_nl050")
	// The example's README shows them inside a list item, indented by two spaces.
	for doc, indent := range map[string]string{"../../examples/gitops/README.md": "  ", "../../templates/guides/adopting-an-existing-tenant.md.tmpl": ""} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if shown := strings.ReplaceAll(blocks, "\n", "\n"+indent); !strings.Contains(string(raw), strings.ReplaceAll(shown, "\n"+indent+"\n", "\n\n")) {
			t.Errorf("%s does not show the blocks the protection error advises:\n%s", doc, blocks)
		}
	}
}

// TestGoneDetail: the warning of a partner deleted outside Terraform claims
// no change to the saved state, which a plan does not make, and names the
// refresh-only apply that an import of a replacement needs first.
func TestGoneDetail(t *testing.T) {
	detail := goneDetail("partner", "p1")
	for _, want := range []string{"Partner p1 was not found in Servitly", "a plan proposes to create it again", "A plan saves no state",
		"run terraform apply -refresh-only first"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "has been removed from the state") {
		t.Errorf("a plan removes nothing from the saved state:\n%s", detail)
	}
}

// TestCodeConflictAfterConsoleRecreate: when the code's holder replaced a
// partner that this run found deleted, the import advice says to run
// terraform apply -refresh-only first, without which the import does nothing.
func TestCodeConflictAfterConsoleRecreate(t *testing.T) {
	holder := &client.Partner{ID: "new", Name: "Lakeside Equipment"}
	recreated := text(codeConflictDiagnostic(&codeConflict{Code: "US-207", Holder: holder, Gone: "old"}, true, "plan"))
	for _, want := range []string{"Partner old, which the state holds with this code, was deleted outside Terraform",
		"first run terraform apply -refresh-only", "Then, to manage the existing partner with this resource, import it", `id = "code:US-207"`} {
		if !strings.Contains(recreated, want) {
			t.Errorf("lacks %q:\n%s", want, recreated)
		}
	}
	if plain := text(codeConflictDiagnostic(&codeConflict{Code: "US-207", Holder: holder}, true, "plan")); strings.Contains(plain, "refresh-only") ||
		!strings.Contains(plain, "nothing was created.\n\nTo manage the existing partner") {
		t.Errorf("a code made in the console, with nothing deleted, needs no refresh:\n%s", plain)
	}
}
