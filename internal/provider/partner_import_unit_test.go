package provider

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParsePartnerImportID(t *testing.T) {
	valid := []struct {
		raw  string
		want partnerImportID
	}{
		{"6616689a0de6d87b47cd6308", partnerImportID{ID: "6616689a0de6d87b47cd6308"}},
		{"opaque-id_1", partnerImportID{ID: "opaque-id_1"}},
		{"code:P000123", partnerImportID{Code: "P000123"}},
		{"CODE:P000123", partnerImportID{Code: "P000123"}},
		{"code:Rossi Macchine 01", partnerImportID{Code: "Rossi Macchine 01"}},
		{"code:a/b?c#d", partnerImportID{Code: "a/b?c#d"}}, // codes are not path segments: the client escapes them
		{"code:code:x", partnerImportID{Code: "code:x"}},
		// Any code the resource can create is importable, taken literally.
		{"code: P1", partnerImportID{Code: " P1"}},
		{"code:P1 ", partnerImportID{Code: "P1 "}},
		{"code:P\t1", partnerImportID{Code: "P\t1"}},
		{"code:line\nbreak", partnerImportID{Code: "line\nbreak"}},
	}
	for _, tc := range valid {
		got, err := parsePartnerImportID(tc.raw)
		if err != nil {
			t.Errorf("parsePartnerImportID(%q): unexpected error %v", tc.raw, err)
			continue
		}
		if got != tc.want {
			t.Errorf("parsePartnerImportID(%q) = %+v, want %+v", tc.raw, got, tc.want)
		}
	}

	invalid := []struct{ raw, wantInError string }{
		{"", "empty"},
		{"not an id", "white space"},
		{"abc\n", "white space"},
		{"a/b", "'/'"},
		{"id?x=1", "'?'"},
		{"..", "dot path"},
		{".", "dot path"},
		{"code:", `no code after "code:"`},
		{"Code:   ", `no code after "code:"`},
		{"code:\n\t", `no code after "code:"`},
		{"\xff", "UTF-8"},
		{"code:\xff", "UTF-8"},
	}
	for _, tc := range invalid {
		got, err := parsePartnerImportID(tc.raw)
		if err == nil {
			t.Errorf("parsePartnerImportID(%q) = %+v, want an error", tc.raw, got)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantInError) {
			t.Errorf("parsePartnerImportID(%q) error %q does not mention %q", tc.raw, err, tc.wantInError)
		}
		if !strings.Contains(err.Error(), "code:P000123") {
			t.Errorf("parsePartnerImportID(%q) error %q does not show the accepted forms", tc.raw, err)
		}
	}
}

// FuzzParsePartnerImportID: no input panics, and every accepted ID names
// exactly one of an id or a code, taken verbatim from the input.
func FuzzParsePartnerImportID(f *testing.F) {
	for _, seed := range []string{"", "6616689a0de6d87b47cd6308", "code:P1", "code:", "CoDe:x y", "a b", "\xff", "code:\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := parsePartnerImportID(raw)
		if err != nil {
			return
		}
		if (got.ID == "") == (got.Code == "") {
			t.Fatalf("parsePartnerImportID(%q) = %+v: want exactly one of ID and Code", raw, got)
		}
		if got.ID != "" && got.ID != raw {
			t.Fatalf("parsePartnerImportID(%q) changed the id to %q", raw, got.ID)
		}
		if got.Code != "" && !strings.EqualFold(raw, importCodePrefix+got.Code) {
			t.Fatalf("parsePartnerImportID(%q) took code %q, which is not the text after the prefix", raw, got.Code)
		}
		if !utf8.ValidString(got.ID + got.Code) {
			t.Fatalf("parsePartnerImportID(%q) accepted invalid UTF-8", raw)
		}
	})
}
