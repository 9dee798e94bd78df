package provider

import (
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
