package emulator

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Variant is one of the switches of Options that make the emulator answer
// the other plausible way where the API is undocumented, under the name the
// acceptance tests' SERVITLY_ACC_VARIANT gives it.
type Variant struct {
	Flag string         // cmd/servitly-emulator's flag for the same switch, without the dash
	Set  func(*Options) // turns the switch on
}

// Variants are the API variants by name. TypedPropertyValues is not one:
// the provider reads either answer, and its own test covers both.
var Variants = map[string]Variant{
	"literal-filters":    {"literal-filter-values", func(o *Options) { o.LiteralFilterValues = true }},
	"ignored-filters":    {"ignore-list-filters", func(o *Options) { o.IgnoreListFilters = true }},
	"list-summaries":     {"list-summaries", func(o *Options) { o.ListSummaries = true }},
	"list-without-codes": {"list-without-codes", func(o *Options) { o.ListWithoutCodes = true }},
	"merging-put":        {"merging-update", func(o *Options) { o.MergingUpdate = true }},
}

// LookupVariant returns the variant called name, or an error that lists
// the valid names.
func LookupVariant(name string) (Variant, error) {
	if v, ok := Variants[name]; ok {
		return v, nil
	}
	return Variant{}, fmt.Errorf("unknown API variant %q: want one of %s", name, strings.Join(slices.Sorted(maps.Keys(Variants)), ", "))
}
