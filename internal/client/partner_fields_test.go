package client

import (
	"reflect"
	"testing"
)

func TestPartnerInputDiff(t *testing.T) {
	p := Partner{ID: "p1", Name: "Dealer", Code: "IT01", CustomerCount: 3, CreationTimestamp: 1}
	if d := (PartnerInput{Name: "Dealer", Code: "IT01"}).Diff(p); len(d) != 0 {
		t.Errorf("nil properties and organization differ from none: %v; server-managed fields are not the input's", d)
	}
	p.Properties = map[string]string{}
	p.Organization = &Ref{}
	if d := (PartnerInput{Name: "Dealer", Code: "IT01"}).Diff(p); len(d) != 0 {
		t.Errorf("{} properties and an empty organization ref differ from none: %v", d)
	}
	got := PartnerInput{Name: "Dealer", Properties: map[string]string{"a": "b", "c": "d"}}.Diff(p)
	want := []Difference{{Field: "code", Value: "", Other: "IT01"},
		{Field: "properties", Key: "a", Value: "b"}, {Field: "properties", Key: "c", Value: "d"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %+v, want %+v", got, want)
	}
}

// TestDiffComparesEveryField fails when a field is added to Partner or
// PartnerInput but not to partnerFields: each field in turn is set, and
// Diff must report it.
func TestDiffComparesEveryField(t *testing.T) {
	partner := reflect.TypeFor[Partner]()
	for i := range partner.NumField() {
		if name := partner.Field(i).Name; name != "ID" {
			var p Partner
			setNonZero(t, reflect.ValueOf(&p).Elem().Field(i))
			if len(Partner{}.Diff(p)) == 0 || len(p.Diff(Partner{})) == 0 {
				t.Errorf("Partner.Diff does not compare %s", name)
			}
		}
	}
	input := reflect.TypeFor[PartnerInput]()
	for i := range input.NumField() {
		var in PartnerInput
		setNonZero(t, reflect.ValueOf(&in).Elem().Field(i))
		if len(in.Diff(Partner{})) == 0 {
			t.Errorf("PartnerInput.Diff does not compare %s", input.Field(i).Name)
		}
	}
}

// setNonZero gives v a value other than its zero value.
func setNonZero(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int64:
		v.SetInt(1)
	case reflect.Map:
		v.Set(reflect.ValueOf(map[string]string{"k": "v"}).Convert(v.Type()))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		setNonZero(t, v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			setNonZero(t, v.Field(i))
		}
	default:
		t.Fatalf("no value for a %s: extend setNonZero", v.Type())
	}
}
