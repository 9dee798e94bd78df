package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// The acceptance harness's knowledge of servitly_partner: the partners of
// an accTarget, on the emulator or the tenant, and the sweeper.

func init() {
	registerAccType("servitly_partner", accType{
		routes: []string{"POST /network/partners", routeGet, "PUT /network/partners/{id}", "DELETE /network/partners/{id}", routeList},
		exists: func(a *accTarget, id string) (bool, error) {
			_, ok, err := a.partner(id)
			return ok, err
		},
		leftovers: func(a *accTarget) (left []string) {
			for _, p := range a.partners() {
				left = append(left, p.ID)
			}
			return left
		},
		delete: (*accTarget).deletePartner,
		sweep:  sweepPartners,
	})
	exampleCases["resources/servitly_partner/resource.tf"] = func(a *accTarget) exampleRun {
		return exampleRun{replace: []string{"P000123", a.code("P000123")}}
	}
	exampleCases["resources/servitly_partner/import-by-string-id.tf"] = func(a *accTarget) exampleRun {
		_, run := importRossi(a)
		return run
	}
	exampleCases["resources/servitly_partner/import-by-code.tf"] = func(a *accTarget) exampleRun {
		rossi, run := importRossi(a)
		run.state = []statecheck.StateCheck{stateString("servitly_partner.rossi", "id", rossi.ID)}
		return run
	}
	exampleCases["resources/servitly_partner/import-by-identity.tf"] = func(a *accTarget) exampleRun {
		rossi, run := importRossi(a)
		run.state = append(identityChecks("servitly_partner.rossi"), stateString("servitly_partner.rossi", "id", rossi.ID))
		run.versions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}
		return run
	}
}

// examplePartnerID is the partner id the examples show.
const examplePartnerID = "6616689a0de6d87b47cd6308"

// importRossi makes in the console the partner of the resource example,
// which the import examples adopt unchanged.
func importRossi(a *accTarget) (emulator.Partner, exampleRun) {
	rossi := a.addPartner(emulator.Partner{ID: examplePartnerID, Name: "Rossi Macchine S.r.l.", Code: a.code("P000123"),
		Country: "Italy", Timezone: "Europe/Rome", Properties: map[string]string{"tier": "gold", "channel": "dealer"}})
	return rossi, exampleRun{replace: []string{examplePartnerID, rossi.ID, "P000123", rossi.Code},
		plan: []plancheck.PlanCheck{plancheck.ExpectResourceAction("servitly_partner.rossi", plancheck.ResourceActionNoop)}}
}

const (
	routeGet  = "GET /network/partners/{id}"
	routeList = "GET /v2/network/partners"
	// liveMaxPartnersEnv caps the partners one live test creates; tests
	// that make more on the emulator make this many.
	liveMaxPartnersEnv     = "SERVITLY_ACC_LIVE_MAX_PARTNERS"
	liveMaxPartnersDefault = 30
)

// scale returns n, or in a live run at most SERVITLY_ACC_LIVE_MAX_PARTNERS
// (30 unless set), for tests that make many partners.
func (a *accTarget) scale(n int) int {
	if !a.live() {
		return n
	}
	limit := liveMaxPartnersDefault
	if v := os.Getenv(liveMaxPartnersEnv); v != "" {
		var err error
		if limit, err = strconv.Atoi(v); err != nil || limit < 10 {
			a.t.Fatalf("%s=%q: want a whole number of at least 10", liveMaxPartnersEnv, v)
		}
	}
	return min(n, limit)
}

// fromAPI is a partner as the API answered it, in the emulator's type.
func fromAPI(p client.Partner) emulator.Partner {
	return emulator.Partner{ID: p.ID, Name: p.Name, Code: p.Code, Country: p.Country, Timezone: p.Timezone,
		Properties: p.Properties, OrganizationID: p.OrganizationID(),
		CustomerCount: int64(p.CustomerCount), CreationTimestamp: int64(p.CreationTimestamp)}
}

// partner reads a partner from the server; ok is false when it is gone.
func (a *accTarget) partner(id string) (emulator.Partner, bool, error) {
	if !a.live() {
		p, ok := a.emu.Partner(id)
		return p, ok, nil
	}
	ctx, cancel := a.ctx()
	defer cancel()
	p, err := a.api.GetPartner(ctx, id)
	switch {
	case client.IsNotFound(err):
		return emulator.Partner{}, false, nil
	case err != nil:
		return emulator.Partner{}, false, err
	}
	return fromAPI(*p), true, nil
}

// mustPartner reads a partner that must exist.
func (a *accTarget) mustPartner(id string) emulator.Partner {
	a.t.Helper()
	p, ok, err := a.partner(id)
	if err != nil || !ok {
		a.t.Fatalf("partner %s: exists %v, error %v", id, ok, err)
	}
	return p
}

// partners lists this test's partners: every partner of the emulator, or
// those of the tenant whose code starts with the test's tag.
func (a *accTarget) partners() []emulator.Partner {
	a.t.Helper()
	if !a.live() {
		return a.emu.Partners()
	}
	ctx, cancel := a.ctx()
	defer cancel()
	found, err := a.api.ListPartners(ctx, client.PartnerFilter{SearchText: a.tag + "*", SearchField: "code"})
	if err != nil {
		a.t.Fatalf("listing the test's partners: %v", err)
	}
	var out []emulator.Partner
	for _, p := range found {
		if strings.HasPrefix(p.Code, a.tag) {
			out = append(out, fromAPI(p))
		}
	}
	return out
}

// ids returns the ids of partners, as a set.
func ids(partners []emulator.Partner) map[string]bool {
	out := map[string]bool{}
	for _, p := range partners {
		out[p.ID] = true
	}
	return out
}

// addPartner creates a partner outside Terraform. The tenant assigns its
// own id and ignores CustomerCount and CreationTimestamp: the result holds
// what the server holds.
func (a *accTarget) addPartner(p emulator.Partner) emulator.Partner {
	a.t.Helper()
	if !a.live() {
		return a.emu.AddPartner(p)
	}
	ctx, cancel := a.ctx()
	defer cancel()
	created, _, err := a.api.CreatePartner(ctx, partnerInput(p))
	if err != nil {
		a.t.Fatalf("creating partner %s outside Terraform: %v", p.Code, err)
	}
	return a.mustPartner(created.ID)
}

func partnerInput(p emulator.Partner) client.PartnerInput {
	in := client.PartnerInput{Name: p.Name, Code: p.Code, Country: p.Country, Timezone: p.Timezone, Properties: p.Properties}
	if p.OrganizationID != "" {
		in.Organization = &client.Ref{ID: p.OrganizationID}
	}
	return in
}

// updatePartner changes a partner behind Terraform's back, as in the
// console; a tenant keeps its own customer count.
func (a *accTarget) updatePartner(p emulator.Partner) error {
	if !a.live() {
		if !a.emu.UpdatePartner(p) {
			return fmt.Errorf("partner %s was not on the server", p.ID)
		}
		return nil
	}
	ctx, cancel := a.ctx()
	defer cancel()
	_, err := a.api.UpdatePartner(ctx, p.ID, partnerInput(p))
	return err
}

// deletePartner deletes a partner behind Terraform's back.
func (a *accTarget) deletePartner(id string) error {
	if !a.live() {
		if !a.emu.DeletePartner(id) {
			return fmt.Errorf("partner %s was not on the server", id)
		}
		return nil
	}
	ctx, cancel := a.ctx()
	defer cancel()
	return a.api.DeletePartner(ctx, id)
}

// loadSeed adds the partners of a seed (emulator.LoadSeed's format) with
// the test's codes. A live run makes no organizations: there the seed's
// stand in for the tenant's root and for others from organization. It
// returns the organizations by the seed's names.
func (a *accTarget) loadSeed(seed string) map[string]emulator.Organization {
	a.t.Helper()
	srv := emulator.New(emulator.Options{}) // as the emulator's process would
	if a.emu != nil {
		srv = a.emu.Server
	}
	if _, _, err := srv.LoadSeed([]byte(seed)); err != nil {
		a.t.Fatalf("seed: %v", err)
	}
	byName, byID := map[string]emulator.Organization{}, map[string]string{}
	for _, o := range srv.Organizations() {
		name, id := o.Name, o.ID
		switch {
		case !a.live():
		case o.ParentID == "":
			o = a.rootOrganization()
		default:
			o = a.organization(o)
		}
		byName[name], byID[id] = o, o.ID
	}
	if a.live() {
		for _, p := range srv.Partners() {
			p.Code, p.OrganizationID = a.code(p.Code), byID[p.OrganizationID]
			a.addPartner(p)
		}
	}
	return byName
}

// sweepPartners deletes every partner whose code starts with tfacc-, the
// prefix of the live acceptance tests' partners, whichever run made them.
func sweepPartners(ctx context.Context, api *client.Client) error {
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
	sweep := liveSweeper(accTypes["servitly_partner"].sweep)
	if err := sweep("us-east-1"); err == nil {
		t.Error("an unknown region was swept")
	}
	if err := sweep(sweepRegion); err != nil {
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
