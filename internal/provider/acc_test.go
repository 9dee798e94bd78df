package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
	"github.com/servitly/terraform-provider-servitly/internal/pluginserver"
)

// testAccProtoV6ProviderFactories runs the provider in-process, so the
// Terraform CLI drives the code under test, not an installed binary.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"servitly": func() (tfprotov6.ProviderServer, error) {
		return testServer(), nil
	},
}

// testServer is the provider's protocol server as main.go serves it.
func testServer() tfprotov6.ProviderServer {
	return pluginserver.Wrap(providerserver.NewProtocol6(New("test")())())
}

// accType is what the shared acceptance harness knows of one servitly_*
// type. Each type's test file registers its own (registerAccType), so that
// a new type needs no edit to the harness.
type accType struct {
	routes []string // its API routes as emulator.Stats names them, which the meter counts
	// exists says whether the server still holds id.
	exists func(a *accTarget, id string) (bool, error)
	// leftovers are the ids of the test's objects of the type on the server:
	// all of the emulator's, the tenant's with the test's code tag; a live
	// test deletes them with delete when it ends.
	leftovers func(a *accTarget) []string
	delete    func(a *accTarget, id string) error
	// sweep deletes what any live run left (go test -sweep=live).
	sweep func(ctx context.Context, api *client.Client) error
}

// accTypes are the registered types by name.
var accTypes = map[string]accType{}

// registerAccType registers a type from its test file's init.
func registerAccType(name string, typ accType) {
	accTypes[name] = typ
	if typ.sweep != nil {
		resource.AddTestSweepers(name, &resource.Sweeper{Name: name, F: liveSweeper(typ.sweep)})
	}
}

// testEmulator is a Servitly emulator on a loopback port for one test.
type testEmulator struct {
	*emulator.Server
	URL  string
	opts emulator.Options
	t    *testing.T
}

func newTestEmulator(t *testing.T, opts emulator.Options) *testEmulator {
	t.Helper()
	srv, opts := newEmulator(t, opts)
	return serveEmulator(t, srv, srv, opts)
}

// serveEmulator serves handler (usually srv itself, or a wrapper that
// corrupts some answers) on loopback until the test ends.
func serveEmulator(t *testing.T, srv *emulator.Server, handler http.Handler, opts emulator.Options) *testEmulator {
	t.Helper()
	if liveMode() {
		if strings.HasPrefix(t.Name(), "TestAcc") {
			t.Fatalf("%s needs the emulator in a live run: call emulatorOnly(t, why) first, or use newAccTarget", t.Name())
		}
		t.Skip(emulatorOnlySkip + "not an acceptance test")
	}
	ts := httptest.NewServer(handler)
	t.Cleanup(ts.Close)
	if opts.Tenant == "" {
		opts.Tenant = "demo"
	}
	return &testEmulator{Server: srv, URL: ts.URL, opts: opts, t: t}
}

// tokenProvider is a provider block that logs in with a static JWT.
func (e *testEmulator) tokenProvider() string {
	return fmt.Sprintf(`
provider "servitly" {
  base_url = %q
  tenant   = %q
  token    = %q
}
`, e.URL, e.opts.Tenant, e.IssueToken(0))
}

// patProvider is a provider block that logs in with the emulator's API key
// and personal access token, with the extra settings given.
func (e *testEmulator) patProvider(extra ...string) string {
	return fmt.Sprintf(`
provider "servitly" {
  base_url = %q
  tenant   = %q
  api_key  = %q
  pat      = %q
  %s
}
`, e.URL, e.opts.Tenant, orDefault(e.opts.APIKey, "demo-api-key"), orDefault(e.opts.PAT, "demo-pat"), strings.Join(extra, "\n  "))
}

// servitlyEnv is the SERVITLY_* environment of a CLI run against e.
func (e *testEmulator) servitlyEnv() []string {
	return []string{"SERVITLY_BASE_URL=" + e.URL, "SERVITLY_TENANT=" + e.opts.Tenant,
		"SERVITLY_API_KEY=" + orDefault(e.opts.APIKey, "demo-api-key"), "SERVITLY_PAT=" + orDefault(e.opts.PAT, "demo-pat")}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkDestroyed is accTarget.checkDestroyed on the emulator.
func (e *testEmulator) checkDestroyed(s *terraform.State) error {
	return (&accTarget{t: e.t, emu: e}).checkDestroyed(s)
}

// serverCheck is a state check that asks the server (the emulator or the tenant)
// instead of the state.
type serverCheck func() error

func (f serverCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// onePassOnly skips a long test of the provider alone, which no CLI changes,
// on all of make test's acceptance passes but the one named (SERVITLY_ACC_PASS);
// make acc, which sets no CLI, runs it too.
func onePassOnly(t *testing.T, pass, why string) {
	t.Helper()
	if cli := os.Getenv("TF_ACC_TERRAFORM_PATH"); cli != "" && os.Getenv("SERVITLY_ACC_PASS") != pass {
		t.Skipf("%s: it runs in one pass per run (make acc, and make test's acc-%s), not with %s", why, pass, cli)
	}
}
