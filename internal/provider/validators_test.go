package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(v validator.String, value types.String) diag.Diagnostics {
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	return resp.Diagnostics
}

func TestIANATimezone(t *testing.T) {
	for _, ok := range []string{"Europe/Rome", "America/New_York", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "UTC", "Etc/GMT+1"} {
		if diags := validate(ianaTimezone{}, types.StringValue(ok)); diags.HasError() {
			t.Errorf("%q refused: %v", ok, diags)
		}
	}
	for _, bad := range []string{"", "Local", "europe/rome", "EUROPE/ROME", "Mars/Base", "Europe/", "/etc/localtime", "../../etc/passwd", "Europe/Rome ", "CET+1h",
		// Files of the system's zoneinfo that are not tz database names.
		"localtime", "posixrules", "posix/Europe/Rome", "right/Europe/Rome"} {
		diags := validate(ianaTimezone{}, types.StringValue(bad))
		if !diags.HasError() {
			t.Errorf("%q accepted", bad)
			continue
		}
		d := diags.Errors()[0]
		withPath, ok := d.(diag.DiagnosticWithPath)
		if !ok || !withPath.Path().Equal(path.Root("attr")) {
			t.Errorf("%q: diagnostic not on the attribute", bad)
		}
		if !strings.Contains(d.Detail(), "Europe/Rome") {
			t.Errorf("%q: detail %q should show an example", bad, d.Detail())
		}
	}
	for name, v := range map[string]types.String{"null": types.StringNull(), "unknown": types.StringUnknown()} {
		if diags := validate(ianaTimezone{}, v); diags.HasError() {
			t.Errorf("%s refused: %v", name, diags)
		}
	}
	if d := (ianaTimezone{}).Description(context.Background()); !strings.Contains(d, "IANA") {
		t.Errorf("description = %q", d)
	}
}

func TestNotBlank(t *testing.T) {
	for _, bad := range []string{"", " ", "\t\n", "\u00a0", "\v\u0085", "\u2028\u3000"} {
		diags := validate(notBlank, types.StringValue(bad))
		if !diags.HasError() {
			t.Errorf("%q accepted", bad)
			continue
		}
		d := diags.Errors()[0]
		if withPath, ok := d.(diag.DiagnosticWithPath); !ok || !withPath.Path().Equal(path.Root("attr")) {
			t.Errorf("%q: diagnostic not on the attribute", bad)
		}
		if !strings.Contains(d.Detail(), "attr must not be empty or blank") || !strings.Contains(d.Detail(), "remove the attribute") {
			t.Errorf("%q: detail %q should say what is wrong and how to fix it", bad, d.Detail())
		}
	}
	// The required name cannot be removed: its message does not say to.
	if d := validate(nameNotBlank, types.StringValue(" ")); !strings.Contains(text(d), "set a name") || strings.Contains(text(d), "remove") {
		t.Errorf("a blank name: %v", d)
	}
	// The value is quoted, so that a blank one shows, and nothing ends in an empty "got: ".
	for value, want := range map[string]string{"": `attr must not be empty or blank: set a name. It is "".`, "\t ": `It is "\t ".`} {
		if d := text(validate(nameNotBlank, types.StringValue(value))); !strings.Contains(d, want) || strings.Contains(d, "got:") {
			t.Errorf("name %q: %s", value, d)
		}
	}
	if d := text(validate(trimmed, types.StringValue("SE-001 "))); !strings.HasSuffix(d, `Remove the spaces. It is "SE-001 ".`+"\n") {
		t.Errorf("a code with a trailing space: %s", d)
	}
	for _, ok := range []string{"x", " x ", "Rossi Macchine"} {
		if diags := validate(notBlank, types.StringValue(ok)); diags.HasError() {
			t.Errorf("%q refused: %v", ok, diags)
		}
	}
	// Blank means what strings.TrimSpace trims, for every character.
	for r := rune(0); r <= 0xffff; r++ {
		blank := strings.TrimSpace(string(r)) == ""
		if refused := validate(notBlank, types.StringValue(string(r))).HasError(); refused != blank {
			t.Errorf("%U: refused %v, want %v", r, refused, blank)
		}
	}
	for name, v := range map[string]types.String{"null": types.StringNull(), "unknown": types.StringUnknown()} {
		if diags := validate(notBlank, v); diags.HasError() {
			t.Errorf("%s refused: %v", name, diags)
		}
	}
}
