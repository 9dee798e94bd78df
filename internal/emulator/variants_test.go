package emulator

import (
	"reflect"
	"strings"
	"testing"
)

// TestVariantsTurnOnOneSwitchEach: every variant turns on one boolean
// switch of Options, and no two turn on the same.
func TestVariantsTurnOnOneSwitchEach(t *testing.T) {
	owner := map[string]string{} // switch -> variant
	for name, v := range Variants {
		var opts Options
		v.Set(&opts)
		var on []string
		val := reflect.ValueOf(opts)
		for i := range val.NumField() {
			if f := val.Field(i); f.Kind() == reflect.Bool && f.Bool() {
				on = append(on, val.Type().Field(i).Name)
			}
		}
		if len(on) != 1 {
			t.Errorf("variant %s turns on %v, want exactly one switch", name, on)
			continue
		}
		if other, taken := owner[on[0]]; taken {
			t.Errorf("variants %s and %s both turn on %s", name, other, on[0])
		}
		owner[on[0]] = name
	}
	if len(Variants) != 5 {
		t.Errorf("%d variants, want the 5 switches of the undocumented list and PUT answers", len(Variants))
	}
}

func TestLookupVariant(t *testing.T) {
	v, err := LookupVariant("merging-put")
	if err != nil {
		t.Fatal(err)
	}
	var opts Options
	v.Set(&opts)
	if !opts.MergingUpdate || v.Flag != "merging-update" {
		t.Errorf("merging-put: flag %q, options %+v", v.Flag, opts)
	}
	_, err = LookupVariant("merging")
	want := `unknown API variant "merging": want one of ignored-filters, list-summaries, list-without-codes, literal-filters, merging-put`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}
