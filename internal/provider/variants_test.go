package provider

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// API-variant runs (make acc-variants): SERVITLY_ACC_VARIANT names one of
// emulator.Variants, and every emulator the acceptance tests build answers
// that other plausible way, on top of the switches the test sets itself.
// A test that can only hold on the emulator's default answers, for a reason
// that is no fault of the provider's, calls defaultAPIOnly first.
const (
	accVariantEnv = "SERVITLY_ACC_VARIANT"
	// defaultAPIOnlySkip, with the variant's name, starts the skip message
	// of every test defaultAPIOnly skips.
	defaultAPIOnlySkip = accVariantEnv + "=%s (API variant): default API only: "
)

// accVariant is the name of the run's API variant, "" for the default
// answers.
func accVariant() string { return os.Getenv(accVariantEnv) }

// checkAccVariant is TestMain's check of SERVITLY_ACC_VARIANT.
func checkAccVariant() error {
	name := accVariant()
	if name == "" {
		return nil
	}
	if _, err := emulator.LookupVariant(name); err != nil {
		return fmt.Errorf("%s: %w", accVariantEnv, err)
	}
	if liveMode() {
		return fmt.Errorf("%s=%s switches the emulator's answers; a live run (%s=1) gets the tenant's own: unset one of them", accVariantEnv, name, liveEnv)
	}
	return nil
}

// newEmulator is emulator.New with the run's API variant turned on over
// opts; it returns the options the server got. Every emulator of an
// acceptance test is built with it.
func newEmulator(t *testing.T, opts emulator.Options) (*emulator.Server, emulator.Options) {
	t.Helper()
	if name := accVariant(); name != "" {
		v, err := emulator.LookupVariant(name)
		if err != nil {
			t.Fatalf("%s: %v", accVariantEnv, err)
		}
		v.Set(&opts)
	}
	return emulator.New(opts), opts
}

// defaultAPIOnly skips a test in an API-variant run, in any variant or in
// the ones named: it can only hold on the emulator's default answers, which
// why says (it counts the requests of the default API, say, or it pits the
// default answer against the other one itself).
func defaultAPIOnly(t *testing.T, why string, variants ...string) {
	t.Helper()
	if name := accVariant(); name != "" && (len(variants) == 0 || slices.Contains(variants, name)) {
		t.Skipf(defaultAPIOnlySkip+"%s", name, why)
	}
}

// listDiffersFromGET says whether the run's variant lists partners
// otherwise than GET answers them (summaries, or entries without codes).
// Refresh then compares one entry with its GET, as documented, and reads
// every partner with GET from then on: bounds on batched reads do not apply,
// a GET per partner does.
func listDiffersFromGET() bool {
	v := accVariant()
	return v == "list-summaries" || v == "list-without-codes"
}
