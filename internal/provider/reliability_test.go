package provider

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// partnersConfig declares n partners with distinct codes.
func partnersConfig(n int) string {
	return fmt.Sprintf(`
resource "servitly_partner" "many" {
  count    = %d
  name     = "Dealer ${count.index}"
  code     = format("D%%04d", count.index)
  timezone = "Europe/Rome"
}
`, n)
}

// checkStateMatchesServer asserts that state and server hold the same set of
// partners, n of them: nothing lost, nothing duplicated.
func checkStateMatchesServer(emu *testEmulator, n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var inState []string
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "servitly_partner" {
				inState = append(inState, rs.Primary.ID)
			}
		}
		var onServer []string
		codes := map[string]int{}
		for _, p := range emu.Partners() {
			onServer = append(onServer, p.ID)
			codes[p.Code]++
		}
		sort.Strings(inState)
		sort.Strings(onServer)
		if len(onServer) != n || strings.Join(inState, ",") != strings.Join(onServer, ",") {
			return fmt.Errorf("want the same %d partners in state and on the server;\nstate:  %v\nserver: %v", n, inState, onServer)
		}
		for code, count := range codes {
			if count > 1 {
				return fmt.Errorf("code %s exists %d times on the server", code, count)
			}
		}
		return nil
	}
}

// TestAccReliability_faultyServer applies 50 partners while a fifth of all
// answers are 429 (half with Retry-After) and a tenth are 500. The harness
// also plans again after apply and fails on any change.
func TestAccReliability_faultyServer(t *testing.T) {
	emulatorOnly(t, "it answers a fifth of the requests with 429 and a tenth with 500 on purpose (emulator.Faults)")
	onePassOnly(t, "oldest", "retrying a faulty server takes most of a minute")
	emu := newTestEmulator(t, emulator.Options{})
	emu.SetFaults(emulator.Faults{RateLimitPercent: 20, RetryAfter: "0", ServerErrorPercent: 10, Seed: 7})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: emu.patProvider() + partnersConfig(50),
			Check: resource.ComposeTestCheckFunc(
				checkStateMatchesServer(emu, 50),
				func(*terraform.State) error {
					st := emu.Stats()
					if st.Injected429 == 0 || st.Injected500 == 0 {
						return fmt.Errorf("the faults did not fire: %+v", st)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccReliability_lostCreateAnswers: the server stores the first three
// partners but the answers are lost (two 500s, one dropped connection).
// The provider must find them by code instead of creating them twice.
func TestAccReliability_lostCreateAnswers(t *testing.T) {
	emulatorOnly(t, "it loses create answers on purpose (Faults.CreateCommitThenError and CreateCommitThenDrop)")
	emu := newTestEmulator(t, emulator.Options{})
	emu.SetFaults(emulator.Faults{CreateCommitThenError: 2, CreateCommitThenDrop: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: emu.patProvider() + partnersConfig(6),
			Check: resource.ComposeTestCheckFunc(
				checkStateMatchesServer(emu, 6),
				func(*terraform.State) error {
					if got := emu.Stats().ByRoute["POST /network/partners"]; got != 6 {
						return fmt.Errorf("want exactly 6 creates sent, got %d", got)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccReliability_lostCreateWithoutCode: without a code the partner cannot
// be identified, so the provider must stop and say how to import it rather
// than risk a duplicate.
func TestAccReliability_lostCreateWithoutCode(t *testing.T) {
	emulatorOnly(t, "it loses a create answer on purpose (Faults.CreateCommitThenError), for a partner without a code")
	emu := newTestEmulator(t, emulator.Options{})
	emu.SetFaults(emulator.Faults{CreateCommitThenError: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      emu.patProvider() + `resource "servitly_partner" "test" { name = "No code" }`,
			ExpectError: expectError(`(?s)outcome unknown.*has no code.*terraform import servitly_partner.<NAME> <ID>`),
		}},
	})
	if n := len(emu.Partners()); n != 1 {
		t.Fatalf("the server should hold the one partner it created, holds %d", n)
	}
}

// TestAccReliability_shortTokenLifetime runs applies that outlast the JWT in
// every login flow that can get a new one.
func TestAccReliability_shortTokenLifetime(t *testing.T) {
	for name, login := range map[string]string{
		"pat":      `api_key = "demo-api-key"` + "\n" + `pat = "demo-pat"`,
		"password": `api_key = "demo-api-key"` + "\n" + `email = "demo@example.com"` + "\n" + `password = "demo-password"`,
	} {
		t.Run(name, func(t *testing.T) {
			emulatorOnly(t, "it needs tokens that live 400 ms (Options.TokenTTL)")
			onePassOnly(t, "tofu", "it waits out tokens")
			// The create apply is a login plus at least six waves of ten
			// 100 ms calls, so it outlives its first 400 ms token however
			// fast the machine is, and must obtain another (renewal or new
			// login). A fresh token leaves a call 300 ms of queueing before
			// the server checks it, so a busy machine does not fail the test.
			emu := newTestEmulator(t, emulator.Options{TokenTTL: 400 * time.Millisecond, Latency: 100 * time.Millisecond})
			provider := fmt.Sprintf("provider \"servitly\" {\n  base_url = %q\n  tenant = \"demo\"\n  %s\n}\n", emu.URL, login)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             emu.checkDestroyed,
				Steps: []resource.TestStep{
					{
						Config: provider + partnersConfig(60),
						Check: resource.ComposeTestCheckFunc(checkStateMatchesServer(emu, 60), func(*terraform.State) error {
							if st := emu.Stats(); st.Logins+st.Renewals < 2 {
								return fmt.Errorf("the apply outlived its token but obtained no other: %+v", st)
							}
							return nil
						}),
					},
					{
						Config: provider + strings.Replace(partnersConfig(60), `"Europe/Rome"`, `"Europe/Paris"`, 1),
						Check:  checkStateMatchesServer(emu, 60),
					},
				},
			})
		})
	}

	t.Run("expired static token", func(t *testing.T) {
		target := newAccTarget(t, emulator.Options{})
		// It expired an hour ago, and the server did not sign it: it
		// refuses it as it would any token past its time.
		claims := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `{"exp":%d}`, time.Now().Add(-time.Hour).Unix()))
		config := fmt.Sprintf(`
provider "servitly" {
  base_url = %q
  tenant   = %q
  token    = %q
}
resource "servitly_partner" "test" { name = "x" }
`, target.baseURL(), target.tenant(), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."+claims+".c2lnbmF0dXJl")
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      config,
				ExpectError: expectError(`(?s)configured token expired at.*SERVITLY_TOKEN.*api_key \+ pat`),
			}},
		})
	})
}

// TestAccReliability_refusedCredentials: each kind of refusal is one
// diagnostic naming what to fix, reached without minutes of retries. A live
// run sends the tenant one wrong PAT, one wrong password when it logs in
// with an email, and one unknown tenant name.
func TestAccReliability_refusedCredentials(t *testing.T) {
	cases := []struct {
		name    string
		opts    emulator.Options
		login   []string // variables whose values the provider block sets, then settings
		pattern string   // %s: what the server said, as serverSaid(status, message) matches it
		status  int
		message string // the emulator's
		route   string
	}{
		{"wrong pat", emulator.Options{}, []string{"SERVITLY_TENANT", "SERVITLY_API_KEY", `pat = "wrong"`},
			`(?s)login with API key and personal access token failed.*%s.*Check api_key and pat`, 401, "Invalid credentials", "POST /identity/users/patLogin"},
		{"wrong password", emulator.Options{}, []string{"SERVITLY_TENANT", "SERVITLY_API_KEY", "SERVITLY_EMAIL", `password = "wrong"`},
			`(?s)%s.*Check api_key, email and password`, 401, "Invalid credentials", "POST /identity/users/login"},
		// Live, the advice still takes the tenant's answer to be 404 "Tenant
		// not found" [inferred], which client.IsUnknownTenant looks for.
		{"wrong tenant", emulator.Options{}, []string{"SERVITLY_API_KEY", "SERVITLY_PAT", `tenant = "tfacc-no-such-tenant"`},
			`(?s)%s.*Check tenant \(SERVITLY_TENANT\)`, 404, "Tenant not found", "POST /identity/users/patLogin"},
		{"missing permission", emulator.Options{Permissions: []string{"READ_PARTNER"}}, []string{"SERVITLY_TENANT", "SERVITLY_API_KEY", "SERVITLY_PAT"},
			`(?s)%s.*READ_PARTNER and WRITE_PARTNER`, 403, "User not authorized", "POST /network/partners"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.Permissions != nil {
				emulatorOnly(t, "it needs a login without WRITE_PARTNER (Options.Permissions)")
			}
			target := newAccTarget(t, tc.opts)
			var settings []string
			for _, v := range tc.login {
				name, isVariable := strings.CutPrefix(v, "SERVITLY_")
				if !isVariable {
					settings = append(settings, v)
					continue
				}
				value := target.login(v)
				if value == "" {
					t.Skipf("the live run logs in without %s", v)
				}
				settings = append(settings, fmt.Sprintf("%s = %q", strings.ToLower(name), value))
			}
			config := fmt.Sprintf("provider \"servitly\" {\n  base_url = %q\n  %s\n}\n", target.baseURL(), strings.Join(settings, "\n  ")) +
				// With a code, the plan's code check is the first call: its
				// refused login must end the run, not leave the apply a second try.
				fmt.Sprintf("resource \"servitly_partner\" \"test\" {\n  name = \"x\"\n  code = %q\n}\n", target.code("REFUSED"))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{Config: config,
					ExpectError: expectError(fmt.Sprintf(tc.pattern, target.serverSaid(tc.status, tc.message)))}},
			})
			// Refusals are final: one try, not a retry loop.
			if got := target.stats().ByRoute[tc.route]; got != 1 {
				t.Errorf("%s was sent %d times, want 1", tc.route, got)
			}
		})
	}
}

// jwtPattern finds a JSON Web Token: a header and a payload, both JSON
// objects in base64url.
var jwtPattern = regexp.MustCompile(`eyJ[\w-]+\.eyJ[\w-]+\.`)

// TestAccReliability_secretsStayOutOfLogs applies with TF_LOG=TRACE in every
// login flow (live, in the run's own) and searches the whole log for the
// secrets and for any JWT.
func TestAccReliability_secretsStayOutOfLogs(t *testing.T) {
	const apiKey, pat, password = "key-Zq81secret", "pat-Wv52secret", "pw-Kx07secret"
	target := newAccTarget(t, emulator.Options{APIKey: apiKey, PAT: pat, Password: password})
	flows := map[string][]string{"live": nil} // the run's own variables
	secrets := map[string]string{}
	for _, name := range []string{"SERVITLY_API_KEY", "SERVITLY_PAT", "SERVITLY_PASSWORD", "SERVITLY_TOKEN"} {
		if v := os.Getenv(name); v != "" && target.live() {
			secrets[name] = v
		}
	}
	if !target.live() {
		staticToken := target.login("SERVITLY_TOKEN")
		flows = map[string][]string{
			"pat":      {"SERVITLY_API_KEY=" + apiKey, "SERVITLY_PAT=" + pat},
			"password": {"SERVITLY_API_KEY=" + apiKey, "SERVITLY_EMAIL=demo@example.com", "SERVITLY_PASSWORD=" + password},
			"token":    {"SERVITLY_TOKEN=" + staticToken},
		}
		secrets = map[string]string{"api key": apiKey, "pat": pat, "password": password, "static token": staticToken}
	}
	for name, env := range flows {
		t.Run(name, func(t *testing.T) {
			tf := newTerraformCLI(t, target)
			logPath := filepath.Join(t.TempDir(), "trace.log")
			if env != nil {
				tf.env = append(withoutEnv(tf.env, "SERVITLY_API_KEY", "SERVITLY_PAT"), env...)
			}
			tf.env = append(tf.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
			tf.writeFile("main.tf", requiredProviders+fmt.Sprintf(`resource "servitly_partner" "test" {
  name = "Logged"
  code = %q
}`, target.code("LOG-"+name)))
			tf.mustRun("apply", "-auto-approve", "-input=false")
			tf.mustRun("destroy", "-auto-approve", "-input=false")
			raw, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			log := string(raw)
			if !strings.Contains(log, "Servitly API request") {
				t.Fatalf("the trace log has no provider request lines; the test would prove nothing")
			}
			for label, secret := range secrets {
				if i := strings.Index(log, secret); i >= 0 {
					t.Errorf("%s appears in the TF_LOG=TRACE log: ...%s...", label, log[max(0, i-120):min(len(log), i+40)])
				}
			}
			if jwt := jwtPattern.FindStringIndex(log); jwt != nil {
				t.Errorf("a JWT appears in the TF_LOG=TRACE log: ...%s...", log[max(0, jwt[0]-120):min(len(log), jwt[1]+40)])
			}
		})
	}
}

func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		keep := true
		for _, name := range names {
			if strings.HasPrefix(kv, name+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// TestAccReliability_soak runs every phase of 200 partners with every fault
// at once: 3 s JWTs from a PAT login, 10% of calls answered 429 without
// Retry-After, 5% answered 500, and 2% never answered, which request_timeout
// ends. Create, plan, update and destroy must all succeed, leaving no
// duplicate on the server and nothing after destroy.
func TestAccReliability_soak(t *testing.T) {
	emulatorOnly(t, "it injects faults")
	onePassOnly(t, "newest", "the soak takes most of a minute")
	const n = 200
	emu := newTestEmulator(t, emulator.Options{TokenTTL: 3 * time.Second})
	emu.SetFaults(emulator.Faults{RateLimitPercent: 10, ServerErrorPercent: 5, HungPercent: 2, Seed: 17})
	provider := emu.patProvider(`request_timeout = "2s"`)
	updated := strings.Replace(partnersConfig(n), `"Europe/Rome"`, `"Europe/Paris"`, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             emu.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: provider + partnersConfig(n), Check: checkStateMatchesServer(emu, n)},
			{Config: provider + partnersConfig(n), PlanOnly: true},
			{Config: provider + updated, Check: resource.ComposeTestCheckFunc(checkStateMatchesServer(emu, n),
				func(*terraform.State) error {
					for _, p := range emu.Partners() {
						if p.Timezone != "Europe/Paris" {
							return fmt.Errorf("partner %s was not updated: %+v", p.Code, p)
						}
					}
					st := emu.Stats()
					if st.Injected429 == 0 || st.Injected500 == 0 || st.Hung == 0 || st.Logins+st.Renewals < 2 {
						return fmt.Errorf("the faults did not all fire, or no token was replaced: %+v", st)
					}
					return nil
				})},
		},
	})
	t.Logf("server stats: %+v", emu.Stats())
}
