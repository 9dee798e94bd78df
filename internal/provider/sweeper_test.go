package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// sweepRegion is the only -sweep value: the tenant in the SERVITLY_*
// variables (go test ./internal/provider -sweep=live).
const sweepRegion = "live"

func init() {
	resource.AddTestSweepers("servitly_partner", &resource.Sweeper{Name: "servitly_partner", F: sweepPartners})
}

// sweepPartners deletes every partner whose code starts with tfacc-, the
// prefix of the live acceptance tests' partners, whichever run made them.
func sweepPartners(region string) error {
	if region != sweepRegion {
		return fmt.Errorf("unknown sweep region %q: use -sweep=%s", region, sweepRegion)
	}
	api, err := liveClient()
	if err != nil {
		return fmt.Errorf("the sweeper needs the tenant's SERVITLY_* variables: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// Walk the whole list and match here: a filter the server reads
	// differently must not make the sweeper miss or delete the wrong partner.
	partners, err := api.ListPartners(ctx, client.PartnerFilter{})
	if err != nil {
		return fmt.Errorf("listing partners: %w", err)
	}
	var errs []error
	swept := 0
	for _, p := range partners {
		if !strings.HasPrefix(p.Code, liveCodePrefix) {
			continue
		}
		if err := api.DeletePartner(ctx, p.ID); err != nil {
			errs = append(errs, fmt.Errorf("deleting partner %s (code %s): %w", p.ID, p.Code, err))
			continue
		}
		swept++
		log.Printf("[INFO] swept partner %s (code %s)", p.ID, p.Code)
	}
	log.Printf("[INFO] swept %d partners with codes starting %q", swept, liveCodePrefix)
	return errors.Join(errs...)
}

func TestSweepPartners(t *testing.T) {
	emu := newTestEmulator(t, emulator.Options{})
	for _, code := range []string{"tfacc-run1-P1", "tfacc-run2-P2", "P1", "tfprobe-abc", "x-tfacc-1"} {
		emu.AddPartner(emulator.Partner{Name: code, Code: code})
	}
	for name, value := range map[string]string{
		"SERVITLY_BASE_URL": emu.URL, "SERVITLY_TENANT": "demo", "SERVITLY_TOKEN": emu.IssueToken(0),
		"SERVITLY_API_KEY": "", "SERVITLY_PAT": "", "SERVITLY_EMAIL": "", "SERVITLY_PASSWORD": "",
	} {
		t.Setenv(name, value)
	}
	if err := sweepPartners("us-east-1"); err == nil {
		t.Error("an unknown region was swept")
	}
	if err := sweepPartners(sweepRegion); err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, p := range emu.Partners() {
		left = append(left, p.Code)
	}
	slices.Sort(left)
	if want := []string{"P1", "tfprobe-abc", "x-tfacc-1"}; !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
