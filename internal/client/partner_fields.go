package client

import (
	"maps"
	"slices"
	"strconv"
)

// partnerFields are a Partner's fields but its id, named as the provider's
// attributes, each as text by key: a property under its key, any other
// field under "". The writable ones, which PartnerInput holds, come first.
var partnerFields = []struct {
	name   string
	values func(Partner) map[string]string
}{
	{"name", func(p Partner) map[string]string { return one(p.Name) }},
	{"code", func(p Partner) map[string]string { return one(p.Code) }},
	{"country", func(p Partner) map[string]string { return one(p.Country) }},
	{"timezone", func(p Partner) map[string]string { return one(p.Timezone) }},
	{"properties", func(p Partner) map[string]string { return p.Properties }},
	{"organization_id", func(p Partner) map[string]string { return one(p.OrganizationID()) }},
	{"customer_count", func(p Partner) map[string]string { return one(strconv.FormatInt(int64(p.CustomerCount), 10)) }},
	{"creation_timestamp", func(p Partner) map[string]string { return one(strconv.FormatInt(int64(p.CreationTimestamp), 10)) }},
}

func one(value string) map[string]string { return map[string]string{"": value} }

// Difference is a field in which two partners differ: Value in the first,
// Other in the second. Key names the property when Field is "properties".
type Difference struct{ Field, Key, Value, Other string }

// Diff lists, in field order, the fields in which other differs from p, the
// id aside. Properties differ key by key; none and {} are the same.
func (p Partner) Diff(other Partner) []Difference { return diff(p, other, len(partnerFields)) }

// Diff lists the fields a client writes in which p differs from what in
// asks for.
func (in PartnerInput) Diff(p Partner) []Difference {
	return diff(Partner{Name: in.Name, Code: in.Code, Country: in.Country, Timezone: in.Timezone,
		Properties: in.Properties, Organization: in.Organization}, p, 6) // name to organization_id
}

// diff compares the first n partnerFields of a and b.
func diff(a, b Partner, n int) []Difference {
	var out []Difference
	for _, f := range partnerFields[:n] {
		va, vb := f.values(a), f.values(b)
		keys := slices.AppendSeq(slices.Collect(maps.Keys(va)), maps.Keys(vb))
		slices.Sort(keys)
		for _, key := range slices.Compact(keys) {
			if va[key] != vb[key] {
				out = append(out, Difference{Field: f.name, Key: key, Value: va[key], Other: vb[key]})
			}
		}
	}
	return out
}
