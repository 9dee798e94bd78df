package provider

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
	"github.com/servitly/terraform-provider-servitly/internal/probe"
)

// Live acceptance runs (make testacc-live): with SERVITLY_ACC_LIVE=1 and the
// SERVITLY_* credentials of a tenant, the tests written against accTarget
// run against that tenant instead of the emulator. Every partner code they
// use starts with liveCodePrefix, the run's name and the test's number, and
// the sweeper (sweeper_test.go) deletes what a crashed run left. Tests that
// need the emulator (fault switches, the other answer to an API guess,
// restricted permissions, customer counts) call emulatorOnly first, which
// skips them with the reason.
const (
	liveEnv        = "SERVITLY_ACC_LIVE"
	liveCodePrefix = "tfacc-"
	// liveMaxPartnersEnv caps the partners one live test creates; tests
	// that make more on the emulator make this many.
	liveMaxPartnersEnv     = "SERVITLY_ACC_LIVE_MAX_PARTNERS"
	liveMaxPartnersDefault = 30
	// emulatorOnlySkip starts the skip message of every emulator-only test.
	emulatorOnlySkip = liveEnv + "=1 (live run): emulator only: "
)

// liveRun names this test binary's run in partner codes.
var liveRun = acctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz0123456789")

// liveTests numbers the live tests of the run, for their codes.
var liveTests atomic.Int64

func liveMode() bool { return os.Getenv(liveEnv) == "1" }

// emulatorOnly skips a test in a live run: it needs what only the emulator
// can do, which why says.
func emulatorOnly(t *testing.T, why string) {
	t.Helper()
	if liveMode() {
		t.Skip(emulatorOnlySkip + why)
	}
}

// liveBaseURL is the tenant's API in the SERVITLY_* variables.
func liveBaseURL() string { return cmp.Or(os.Getenv("SERVITLY_BASE_URL"), client.DefaultBaseURL) }

// liveClient is a client for the tenant in the SERVITLY_* variables.
func liveClient() (*client.Client, error) {
	cfg, err := probe.ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	cfg.UserAgent = "terraform-provider-servitly-acctest"
	return client.New(cfg)
}

// accTarget is where an acceptance test's partners live: a fresh emulator,
// or the real tenant in a live run. Either way the provider reaches it
// through a meter, which counts the requests.
type accTarget struct {
	t         *testing.T
	emu       *testEmulator  // nil in a live run
	api       *client.Client // nil unless live
	meter     *meter
	basePath  string // below the meter's URL, where the API is
	tag       string // the codes of this test's partners start with it; "" on the emulator
	orgsTaken int    // organizations handed out by organization
}

// newAccTarget returns the emulator with opts, or the live tenant.
func newAccTarget(t *testing.T, opts emulator.Options) *accTarget {
	t.Helper()
	return newAccTargetBehind(t, opts, nil, "")
}

// newAccTargetBehind is newAccTarget with the emulator served by wrap(its
// handler) at basePath, as behind a proxy. A live run ignores both.
func newAccTargetBehind(t *testing.T, opts emulator.Options, wrap func(http.Handler) http.Handler, basePath string) *accTarget {
	t.Helper()
	if !liveMode() {
		srv, opts := newEmulator(t, opts)
		handler := http.Handler(srv)
		if wrap != nil {
			handler = wrap(srv)
		}
		emu := serveEmulator(t, srv, handler, opts)
		return &accTarget{t: t, emu: emu, meter: newMeter(t, emu.URL), basePath: basePath}
	}
	api, err := liveClient()
	if err != nil {
		t.Fatalf("%s=1 needs a tenant: %v", liveEnv, err)
	}
	a := &accTarget{t: t, api: api, meter: newMeter(t, liveBaseURL()),
		tag: fmt.Sprintf("%s%s-%d-", liveCodePrefix, liveRun, liveTests.Add(1))}
	// Last, after Terraform's destroy: whatever the test made and left.
	t.Cleanup(func() {
		for _, p := range a.partners() {
			if err := a.deletePartner(p.ID); err != nil {
				t.Errorf("deleting test partner %s (code %s): %v", p.ID, p.Code, err)
			}
		}
	})
	return a
}

func (a *accTarget) live() bool { return a.emu == nil }

// code returns the partner code a test uses: as written against the
// emulator, after the test's tfacc-<run>-<n>- in a live run.
func (a *accTarget) code(code string) string { return a.tag + code }

// serverSaid is the regex fragment of an API error answer that reaches the
// user as "HTTP <status>: <message>". On the emulator the message is
// emulatorMessage, its exact wording. A tenant's wording is not the
// emulator's to promise (Servitly's pages give only example texts), so in a
// live run the fragment asks for the status and a message, whatever it says.
func (a *accTarget) serverSaid(status int, emulatorMessage string) string {
	message := regexp.QuoteMeta(emulatorMessage)
	if a.live() {
		message = `\S(?s:.*?)`
	}
	return fmt.Sprintf("HTTP %d: %s", status, message)
}

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

// baseURL is where the provider finds the API: the meter.
func (a *accTarget) baseURL() string { return a.meter.url + a.basePath }

// provider is the provider block: the emulator's with a static token, or
// one that takes its credentials from the SERVITLY_* variables; extra
// settings go inside.
func (a *accTarget) provider(extra ...string) string {
	settings := strings.Join(extra, "\n  ")
	if a.live() {
		return fmt.Sprintf("\nprovider \"servitly\" {\n  base_url = %q\n  %s\n}\n", a.baseURL(), settings)
	}
	return fmt.Sprintf("\nprovider \"servitly\" {\n  base_url = %q\n  tenant   = %q\n  token    = %q\n  %s\n}\n",
		a.baseURL(), a.emu.opts.Tenant, a.emu.IssueToken(0), settings)
}

// servitlyEnv is the SERVITLY_* environment of a CLI run: the emulator's
// login, or the tenant's variables, with the meter as the base URL.
func (a *accTarget) servitlyEnv() []string {
	env := []string{"SERVITLY_BASE_URL=" + a.baseURL()}
	if !a.live() {
		return append(env, withoutEnv(a.emu.servitlyEnv(), "SERVITLY_BASE_URL")...)
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SERVITLY_") && !strings.HasPrefix(kv, "SERVITLY_BASE_URL=") {
			env = append(env, kv)
		}
	}
	return env
}

// tenant is the tenant's name.
func (a *accTarget) tenant() string {
	if a.live() {
		return os.Getenv("SERVITLY_TENANT")
	}
	return a.emu.opts.Tenant
}

// login is the value of a login variable (SERVITLY_TENANT, _API_KEY, _PAT,
// _EMAIL or _TOKEN): the emulator's, or the live run's, "" when it has none.
// A live run without SERVITLY_TOKEN gets a token with its API key and PAT.
func (a *accTarget) login(name string) string {
	if a.live() {
		if name == "SERVITLY_TOKEN" {
			return a.liveToken()
		}
		return os.Getenv(name)
	}
	o := a.emu.opts
	return map[string]string{"SERVITLY_TENANT": o.Tenant, "SERVITLY_API_KEY": orDefault(o.APIKey, "demo-api-key"), "SERVITLY_PAT": orDefault(o.PAT, "demo-pat"),
		"SERVITLY_EMAIL": orDefault(o.Email, "demo@example.com"), "SERVITLY_TOKEN": a.emu.IssueToken(0)}[name]
}

// liveToken is SERVITLY_TOKEN, or a token from patLogin with the run's API
// key and PAT, as the provider would log in; "" when the run has neither.
func (a *accTarget) liveToken() string {
	a.t.Helper()
	key, pat := os.Getenv("SERVITLY_API_KEY"), os.Getenv("SERVITLY_PAT")
	if token := os.Getenv("SERVITLY_TOKEN"); token != "" || key == "" || pat == "" {
		return token
	}
	body, err := json.Marshal(map[string]string{"apiKey": key, "pat": pat})
	if err != nil {
		a.t.Fatal(err)
	}
	ctx, cancel := a.ctx()
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(liveBaseURL(), "/")+"/identity/users/patLogin", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set(client.TenantHeader, os.Getenv("SERVITLY_TENANT"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("patLogin: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var session struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&session); err != nil || resp.StatusCode != http.StatusOK || session.Token == "" {
		a.t.Fatalf("patLogin answered %s (%v)", resp.Status, err)
	}
	return session.Token
}

// example reads a file of examples/ with the given replacements (old, new,
// ...), which give it the test's codes, ids and names.
func (a *accTarget) example(rel string, oldnew ...string) string {
	a.t.Helper()
	return strings.NewReplacer(oldnew...).Replace(readExample(a.t, rel))
}

// useEnv sets the test process's SERVITLY_* variables to servitlyEnv, for
// configurations whose provider block reads them, as the examples' do.
func (a *accTarget) useEnv() {
	if !a.live() {
		for _, name := range []string{"SERVITLY_TOKEN", "SERVITLY_EMAIL", "SERVITLY_PASSWORD"} {
			a.t.Setenv(name, "")
		}
	}
	for _, kv := range a.servitlyEnv() {
		name, value, _ := strings.Cut(kv, "=")
		a.t.Setenv(name, value)
	}
}

func (a *accTarget) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(a.t.Context()), 2*time.Minute)
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

// checkDestroyed is a CheckDestroy: every servitly_partner of the state is
// gone from the server, and so is every other partner of the test.
func (a *accTarget) checkDestroyed(s *terraform.State) error {
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "servitly_partner" {
			continue
		}
		if _, ok, err := a.partner(rs.Primary.ID); err != nil || ok {
			return fmt.Errorf("partner %s after destroy: still there %v, error %w", rs.Primary.ID, ok, err)
		}
	}
	if left := a.partners(); len(left) > 0 {
		return fmt.Errorf("%d partners left on the server after destroy, first %+v", len(left), left[0])
	}
	return nil
}

// organizations lists the organizations the test may place partners in:
// the emulator's, or the tenant's.
func (a *accTarget) organizations() []emulator.Organization {
	a.t.Helper()
	if !a.live() {
		return a.emu.Organizations()
	}
	ctx, cancel := a.ctx()
	defer cancel()
	orgs, err := a.api.ListOrganizations(ctx, "")
	if err != nil {
		a.t.Fatalf("listing the tenant's organizations (needs READ_ALL_ORGANIZATIONS): %v", err)
	}
	out := make([]emulator.Organization, len(orgs))
	for i, o := range orgs {
		out[i] = emulator.Organization{ID: o.ID, Name: o.Name, Country: o.Country, Timezone: o.Timezone}
		if o.Parent != nil {
			out[i].ParentID = o.Parent.ID
		}
	}
	return out
}

// organization returns an organization to place the test's partners in:
// o, added to the emulator, or in a live run one of the tenant's, which are
// not the tests' to make. Each call takes another organization whose name
// no other has, those with a parent first, while the tenant has more.
func (a *accTarget) organization(o emulator.Organization) emulator.Organization {
	a.t.Helper()
	if !a.live() {
		return a.emu.AddOrganization(o)
	}
	orgs := a.organizations()
	named := map[string]int{}
	for _, o := range orgs {
		named[o.Name]++
	}
	orgs = slices.DeleteFunc(orgs, func(o emulator.Organization) bool { return named[o.Name] > 1 })
	slices.SortStableFunc(orgs, func(x, y emulator.Organization) int { return cmp.Compare(y.ParentID, x.ParentID) }) // roots last
	if len(orgs) == 0 {
		a.t.Fatal("the tenant has no organization with a name of its own")
	}
	a.orgsTaken++
	return orgs[(a.orgsTaken-1)%len(orgs)]
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

// rootOrganization is an organization without a parent.
func (a *accTarget) rootOrganization() emulator.Organization {
	a.t.Helper()
	for _, o := range a.organizations() {
		if o.ParentID == "" {
			return o
		}
	}
	a.t.Fatal("no organization without a parent")
	return emulator.Organization{}
}

func (a *accTarget) rootOrganizationID() string { return a.rootOrganization().ID }

// stats counts what the provider sent since the test began or resetStats.
func (a *accTarget) stats() emulator.Stats { return a.meter.snapshot() }
func (a *accTarget) resetStats()           { a.meter.reset() }

// own narrows a list of partners, or of their ids, to the partners in
// keep, then applies check: a live tenant's other partners do not count.
// On the emulator every partner is the test's own.
func own(keep map[string]bool, check knownvalue.Check) knownvalue.Check {
	return ownItems{keep, check}
}

type ownItems struct {
	keep  map[string]bool
	check knownvalue.Check
}

func (o ownItems) CheckValue(v any) error {
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list, got %T", v)
	}
	var kept []any
	for _, item := range list {
		id, _ := item.(string)
		if obj, isObject := item.(map[string]any); isObject {
			id, _ = obj["id"].(string)
		}
		if o.keep[id] {
			kept = append(kept, item)
		}
	}
	return o.check.CheckValue(kept)
}

func (o ownItems) String() string { return "the test's own " + o.check.String() }

// meter is a loopback reverse proxy in front of the API a test uses, the
// emulator or the tenant, and the provider's base URL. It counts requests
// by route, as the emulator's Stats do (Requests and ByRoute only), so the
// tests that bound what a command costs check it against a tenant too.
type meter struct {
	url   string
	mu    sync.Mutex
	stats emulator.Stats
	gets  map[string]int // GET /network/partners/{id}, by id
}

// meteredRoutes are the routes meter counts, named as emulator.Stats names
// them.
var meteredRoutes = []string{
	"POST /identity/users/login", "POST /identity/users/patLogin", "POST /identity/users/me/renewToken",
	"POST /network/partners", routeGet, "PUT /network/partners/{id}", "DELETE /network/partners/{id}", routeList,
	"GET /network/organizations/{id}", "GET /v2/network/organizations",
}

func newMeter(t *testing.T, target string) *meter {
	t.Helper()
	to, err := url.Parse(target)
	if err != nil {
		t.Fatalf("base URL %q: %v", target, err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(to) }}
	m := &meter{}
	m.reset()
	mux := http.NewServeMux()
	for _, route := range append(meteredRoutes, "/") {
		mux.HandleFunc(route, func(w http.ResponseWriter, r *http.Request) {
			m.count(route, r.PathValue("id"))
			proxy.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	m.url = srv.URL
	return m
}

func (m *meter) count(route, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stats.Requests++
	if route != "/" {
		m.stats.ByRoute[route]++
	}
	if route == routeGet {
		m.gets[id]++
	}
}

func (m *meter) snapshot() emulator.Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.stats
	st.ByRoute = maps.Clone(st.ByRoute)
	return st
}

func (m *meter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stats, m.gets = emulator.Stats{ByRoute: map[string]int{}}, map[string]int{}
}

// got says how often partner id was read with GET.
func (m *meter) got(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gets[id]
}

// TestAccPartnerLive_lifecycle is the resource's lifecycle in a form that
// runs against the emulator and, in a live run, against a real tenant:
// create, import by id and by code, update in place, deleted behind
// Terraform's back.
func TestAccPartnerLive_lifecycle(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	code, code2 := target.code("P000123"), target.code("P000124")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var createdID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: target.provider() + partnerConfig("Rossi Macchine", code, `{ tier = "gold" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					stateString(partnerAddr, "name", "Rossi Macchine"),
					stateString(partnerAddr, "code", code),
					stateString(partnerAddr, "country", "Italy"),
					stateString(partnerAddr, "timezone", "Europe/Rome"),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("properties"),
						knownvalue.MapExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("customer_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("organization_id"), knownvalue.Null()),
					sameID.AddStateValue(partnerAddr, tfjsonpath.New("id")),
				},
				Check: func(s *terraform.State) error {
					createdID = s.RootModule().Resources[partnerAddr].Primary.ID
					p, ok, err := target.partner(createdID)
					if err != nil || !ok {
						return fmt.Errorf("partner %s is in state but not on the server (%w)", createdID, err)
					}
					if p.Name != "Rossi Macchine" || p.Code != code || p.Properties["tier"] != "gold" {
						return fmt.Errorf("server holds %+v", p)
					}
					if ts := s.RootModule().Resources[partnerAddr].Primary.Attributes["creation_timestamp"]; ts != fmt.Sprint(p.CreationTimestamp) {
						return fmt.Errorf("creation_timestamp %s in state, %d on the server", ts, p.CreationTimestamp)
					}
					return nil
				},
			},
			{ResourceName: partnerAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importLeavesUnset},
			{ResourceName: partnerAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importLeavesUnset, ImportStateId: "code:" + code},
			{
				Config: target.provider() + partnerConfig("Rossi Macchine S.p.A.", code2, `{ tier = "silver", region = "north" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(partnerAddr, tfjsonpath.New("id")),
					stateString(partnerAddr, "code", code2),
					statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("properties"), knownvalue.MapSizeExact(2)),
				},
				Check: func(*terraform.State) error {
					if p, _, err := target.partner(createdID); err != nil || p.Code != code2 || p.Properties["region"] != "north" {
						return fmt.Errorf("update did not reach the server: %+v (%w)", p, err)
					}
					return nil
				},
			},
			{
				Config: target.provider() + partnerConfig("Rossi Macchine S.p.A.", code2, `{ tier = "silver", region = "north" }`),
				// Deleted behind Terraform's back: Read drops it, and the
				// next plan creates it again.
				Check: func(*terraform.State) error {
					return target.deletePartner(createdID)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: target.provider() + partnerConfig("Rossi Macchine S.p.A.", code2, `{ tier = "silver", region = "north" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccPartnerLive_importBlock adopts a partner created outside Terraform
// with an import block, and plans no change.
func TestAccPartnerLive_importBlock(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	code := target.code("P9")
	// A live tenant ignores CustomerCount; existing holds what it has.
	existing := target.addPartner(emulator.Partner{Name: "Verdi", Code: code, Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, CustomerCount: 3})
	config := target.provider() + fmt.Sprintf(`
import {
  to = servitly_partner.test
  id = %q
}
%s`, existing.ID, partnerConfig("Verdi", code, `{ tier = "gold" }`))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             target.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(partnerAddr, plancheck.ResourceActionNoop)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				stateString(partnerAddr, "id", existing.ID),
				statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("customer_count"), knownvalue.Int64Exact(existing.CustomerCount)),
				statecheck.ExpectKnownValue(partnerAddr, tfjsonpath.New("creation_timestamp"), knownvalue.Int64Exact(existing.CreationTimestamp)),
			},
		}},
	})
}

// TestServerSaid: the emulator's fragment holds its exact message; the live
// one takes any message after the status, wrapped as Terraform wraps
// diagnostics, but not another status.
func TestServerSaid(t *testing.T) {
	onEmulator, live := &accTarget{emu: &testEmulator{}}, &accTarget{}
	for _, tc := range []struct {
		target *accTarget
		text   string
		match  bool
	}{
		{onEmulator, "GET /x: HTTP 404: Resource not found: no organization", true},
		{onEmulator, "GET /x: HTTP 404: Not Found: no organization", false},
		{onEmulator, "GET /x: HTTP 404: Resource.not found: no organization", false},
		{live, "GET /x: HTTP 404: Not Found: no organization", true},
		{live, "GET /x: HTTP\n404: Organizzazione\nnon trovata: no organization", true},
		{live, "GET /x: HTTP 400: Resource not found: no organization", false},
		{live, "GET /x: HTTP 404: no organization", false},
	} {
		pattern := expectError(`(?s)GET /x: ` + tc.target.serverSaid(404, "Resource not found") + `: no organization`)
		if got := pattern.MatchString(tc.text); got != tc.match {
			t.Errorf("live %v: %s matches %q: %v, want %v", tc.target.live(), pattern, tc.text, got, tc.match)
		}
	}
}
