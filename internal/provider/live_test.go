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
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
	"github.com/servitly/terraform-provider-servitly/internal/probe"
)

// Live acceptance runs (make testacc-live): with SERVITLY_ACC_LIVE=1 and the
// SERVITLY_* credentials of a tenant, the tests written against accTarget
// run against that tenant instead of the emulator. Every code they give
// an object starts with liveCodePrefix, the run's name and the test's
// number, and the sweepers (registerAccType) delete what a crashed run
// left. Tests that
// need the emulator (fault switches, the other answer to an API guess,
// restricted permissions, customer counts) call emulatorOnly first, which
// skips them with the reason.
const (
	liveEnv        = "SERVITLY_ACC_LIVE"
	liveCodePrefix = "tfacc-"
	// emulatorOnlySkip starts the skip message of every emulator-only test.
	emulatorOnlySkip = liveEnv + "=1 (live run): emulator only: "
)

// liveRun names this test binary's run in the codes of its objects.
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

// accTarget is where an acceptance test's objects live: a fresh emulator,
// or the real tenant in a live run. Either way the provider reaches it
// through a meter, which counts the requests.
type accTarget struct {
	t         *testing.T
	emu       *testEmulator  // nil in a live run
	api       *client.Client // nil unless live
	meter     *meter
	basePath  string          // below the meter's URL, where the API is
	tag       string          // the codes of this test's objects start with it; "" on the emulator
	orgsTaken int             // organizations handed out by organization
	existing  map[string]bool // ids made outside Terraform (keepExisting)
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
		for _, name := range slices.Sorted(maps.Keys(accTypes)) {
			typ := accTypes[name]
			if typ.leftovers == nil {
				continue
			}
			for _, id := range typ.leftovers(a) {
				if err := typ.delete(a, id); err != nil {
					t.Errorf("deleting the test's %s %s: %v", name, id, err)
				}
			}
		}
	})
	return a
}

func (a *accTarget) live() bool { return a.emu == nil }

// code returns the code a test gives an object: as written against the
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

// checkDestroyed is a CheckDestroy: every servitly_* resource of the state
// is gone from the server, and so is every other object of the test but
// those keepExisting kept.
func (a *accTarget) checkDestroyed(s *terraform.State) error {
	for key, rs := range s.RootModule().Resources {
		if strings.HasPrefix(key, "data.") || !strings.HasPrefix(rs.Type, "servitly_") {
			continue
		}
		typ := accTypes[rs.Type]
		if typ.exists == nil {
			return fmt.Errorf("%s: the tests cannot tell whether a %s is gone: registerAccType(%q, ...) from its test file", key, rs.Type, rs.Type)
		}
		if ok, err := typ.exists(a, rs.Primary.ID); err != nil || ok {
			return fmt.Errorf("%s %s after destroy: still there %v, error %w", rs.Type, rs.Primary.ID, ok, err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(accTypes)) {
		if typ := accTypes[name]; typ.leftovers != nil {
			if left := slices.DeleteFunc(typ.leftovers(a), func(id string) bool { return a.existing[id] }); len(left) > 0 {
				return fmt.Errorf("%d %s left on the server after destroy, first %s", len(left), name, left[0])
			}
		}
	}
	return nil
}

// keepExisting marks the test's objects now on the server as made outside
// Terraform: checkDestroyed wants them gone only where the state holds them.
func (a *accTarget) keepExisting() {
	a.existing = map[string]bool{}
	for _, typ := range accTypes {
		if typ.leftovers != nil {
			for _, id := range typ.leftovers(a) {
				a.existing[id] = true
			}
		}
	}
}

// stats counts what the provider sent since the test began or resetStats.
func (a *accTarget) stats() emulator.Stats { return a.meter.snapshot() }
func (a *accTarget) resetStats()           { a.meter.reset() }

// own narrows a list of objects, or of their ids, to the objects in keep,
// then applies check: a live tenant's other objects do not count. On the
// emulator every object is the test's own.
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
	gets  map[string]int // GETs of one object ("GET .../{id}"), by id
}

// loginRoutes are the routes meter counts besides the registered types'
// (accType.routes), named as emulator.Stats names them.
var loginRoutes = []string{"POST /identity/users/login", "POST /identity/users/patLogin", "POST /identity/users/me/renewToken"}

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
	routes := append(slices.Clone(loginRoutes), "/")
	for _, typ := range accTypes {
		routes = append(routes, typ.routes...)
	}
	for _, route := range routes {
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
	if id != "" && strings.HasPrefix(route, "GET ") {
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

// got says how often object id was read with GET.
func (m *meter) got(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gets[id]
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
