package provider

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// CLI tests for answers that differ from what a correct configuration
// gets: no command may lose or duplicate a partner because of them.

// setEnv replaces one variable of the CLI's environment.
func (tf *terraformCLI) setEnv(name, value string) {
	env := tf.env[:0:0]
	for _, kv := range tf.env {
		if !strings.HasPrefix(kv, name+"=") {
			env = append(env, kv)
		}
	}
	tf.env = append(env, name+"="+value)
}

// stateIDs lists the ids of the servitly_partner resources in the state.
func (tf *terraformCLI) stateIDs() []string {
	tf.t.Helper()
	out := tf.mustRun("state", "list")
	var ids []string
	for _, addr := range strings.Fields(out) {
		if !strings.HasPrefix(addr, "servitly_partner.") {
			continue
		}
		show := tf.mustRun("state", "show", addr)
		for _, line := range strings.Split(show, "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "id" {
				ids = append(ids, strings.Trim(f[2], `"`))
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// serverIDs lists the ids of the partners the emulator holds.
func serverIDs(emu *testEmulator) []string { return sortedIDs(emu.Partners()) }

// sortedIDs lists the ids of partners in order.
func sortedIDs(partners []emulator.Partner) []string {
	var ids []string
	for _, p := range partners {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	return ids
}

// threePartners is three partners whose codes start with prefix.
func threePartners(prefix string) string {
	return providerFromEnv + fmt.Sprintf(`
resource "servitly_partner" "p" {
  count = 3
  name  = "Dealer ${count.index}"
  code  = "%sW${count.index}"
}
`, prefix)
}

// TestAccSafety_wrongTenantOrBaseURLChangesNothing: with a wrong tenant or a
// base_url whose path is wrong, plan, refresh and destroy fail naming the
// setting, and neither the state nor the server changes. On the emulator
// the API is under /api, as behind a proxy whose other paths answer its own
// 404 page, which is not JSON; a live run asks the tenant for /wrong.
func TestAccSafety_wrongTenantOrBaseURLChangesNothing(t *testing.T) {
	onePassOnly(t, "oldest", "the proven-404 rule is the provider's own")
	t.Parallel()
	cases := []struct {
		name, login, setting string
		wrongPath            bool
	}{
		{"unknown tenant, pat login", "pat", "SERVITLY_TENANT", false},
		{"unknown tenant, static token", "token", "SERVITLY_TENANT", false},
		{"wrong base_url path, pat login", "pat", "SERVITLY_BASE_URL", true},
		{"wrong base_url path, static token", "token", "SERVITLY_BASE_URL", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := newAccTargetBehind(t, emulator.Options{}, func(api http.Handler) http.Handler {
				mux := http.NewServeMux()
				mux.Handle("/api/", http.StripPrefix("/api", api))
				mux.HandleFunc("/", http.NotFound)
				return mux
			}, "/api")
			tf := newTerraformCLI(t, target)
			if tc.login == "token" {
				token := target.login("SERVITLY_TOKEN")
				if token == "" {
					t.Skip("the live run logs in without SERVITLY_TOKEN")
				}
				tf.setEnv("SERVITLY_API_KEY", "")
				tf.setEnv("SERVITLY_PAT", "")
				tf.setEnv("SERVITLY_TOKEN", token)
			}
			tf.writeFile("main.tf", threePartners(target.code("")))
			tf.mustRun("apply", "-auto-approve", "-input=false")
			before := tf.stateIDs()
			if onServer := sortedIDs(target.partners()); len(before) != 3 || strings.Join(before, ",") != strings.Join(onServer, ",") {
				t.Fatalf("after apply: state %v, server %v", before, onServer)
			}

			if tc.wrongPath {
				tf.setEnv("SERVITLY_BASE_URL", target.meter.url+"/wrong")
			} else {
				tf.setEnv("SERVITLY_TENANT", "tfacc-no-such-tenant")
			}
			for _, args := range [][]string{
				{"plan", "-input=false"},
				{"apply", "-refresh-only", "-auto-approve", "-input=false"},
				{"destroy", "-auto-approve", "-input=false"},
				{"destroy", "-refresh=false", "-auto-approve", "-input=false"},
			} {
				out, err := tf.run(args...)
				if err == nil {
					t.Errorf("terraform %s succeeded:\n%s", strings.Join(args, " "), out)
				} else if !strings.Contains(out, tc.setting) {
					t.Errorf("terraform %s failed without naming %s:\n%s", strings.Join(args, " "), tc.setting, out)
				}
				if strings.Contains(out, "no longer exists") || strings.Contains(out, "READ_ALL_PARTNERS") {
					t.Errorf("terraform %s blamed deletions or permissions instead of the setting:\n%s", strings.Join(args, " "), out)
				}
			}
			if after := tf.stateIDs(); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("state changed: before %v, after %v", before, after)
			}
			if on := sortedIDs(target.partners()); strings.Join(on, ",") != strings.Join(before, ",") {
				t.Errorf("server changed: before %v, after %v", before, on)
			}
		})
	}
}

// TestAccSafety_interruptedApply sends SIGINT, as a cancelled CI job does,
// while creates are stored but not yet answered. Every partner the server
// holds must be in the state, and the next apply must converge without
// creating any twice.
func TestAccSafety_interruptedApply(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "the emulator answers creates 3 s late on purpose (Faults.CreateAnswerDelay), so SIGINT finds them in flight")
	emu := newTestEmulator(t, emulator.Options{})
	emu.SetFaults(emulator.Faults{CreateAnswerDelay: 3 * time.Second})
	tf := newTerraformCLI(t, emu)
	const n = 30
	tf.writeFile("main.tf", providerFromEnv+fmt.Sprintf(`
resource "servitly_partner" "p" {
  count = %d
  name  = "Dealer ${count.index}"
  code  = "INT${count.index}"
}
`, n))

	cmd := exec.CommandContext(t.Context(), tf.terraformPath(), "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = tf.dir, tf.env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); len(emu.Partners()) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no create reached the server:\n%s", out.String())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("the interrupted apply ended with %v, want a non-zero exit:\n%s", err, out.String())
	}
	inState, onServer := tf.stateIDs(), serverIDs(emu)
	if len(onServer) == 0 || len(onServer) == n || strings.Join(inState, ",") != strings.Join(onServer, ",") {
		t.Fatalf("after the interrupt: state %v, server %v; want the same partners, some but not all\n%s", inState, onServer, out.String())
	}

	emu.SetFaults(emulator.Faults{})
	tf.mustRun("apply", "-auto-approve", "-input=false")
	codes := map[string]int{}
	for _, p := range emu.Partners() {
		codes[p.Code]++
	}
	if len(codes) != n || len(emu.Partners()) != n {
		t.Errorf("after the second apply the server holds %d partners with %d codes, want %d each", len(emu.Partners()), len(codes), n)
	}
	if got := tf.stateIDs(); strings.Join(got, ",") != strings.Join(serverIDs(emu), ",") {
		t.Errorf("state %v and server %v differ", got, serverIDs(emu))
	}
	tf.expectCleanPlan()
}

// TestAccSafety_summaryListPlansClean refreshes 150 partners through a list
// that serves summaries: the provider notices, warns, reads them one by one,
// and still sees a real change.
func TestAccSafety_summaryListPlansClean(t *testing.T) {
	onePassOnly(t, "tofu", "reading a list of summaries is the provider's own")
	t.Parallel()
	emulatorOnly(t, "a list of summaries is the emulator's other answer (Options.ListSummaries)")
	emu := newTestEmulator(t, emulator.Options{ListSummaries: true})
	tf := newTerraformCLI(t, emu)
	tf.writeFile("main.tf", providerFromEnv+fmt.Sprintf(`
resource "servitly_partner" "p" {
  count           = 150
  name            = "Dealer ${count.index}"
  code            = "S${count.index}"
  properties      = { index = tostring(count.index) }
  organization_id = %q
}
`, emu.RootOrganizationID()))
	tf.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=20")

	out, err := tf.run("plan", "-detailed-exitcode", "-input=false")
	if err != nil {
		t.Fatalf("plan over a summary list is not empty (%v):\n%s", err, out)
	}
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "Partner refresh batching is off") || !strings.Contains(flat, "properties, organization_id") {
		t.Errorf("the plan did not warn about the summary list:\n%s", out)
	}

	changed := emu.Partners()[7]
	changed.Properties = map[string]string{"index": "changed in the console"}
	emu.UpdatePartner(changed)
	out, err = tf.run("plan", "-detailed-exitcode", "-input=false")
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(out, "changed in the console") {
		t.Errorf("a change made in the console does not show (%v):\n%s", err, out)
	}
}

// TestAccSafety_hungServer: a tenth of the GETs are never answered; with
// request_timeout = "2s" the plan still finishes.
func TestAccSafety_hungServer(t *testing.T) {
	onePassOnly(t, "oldest", "request timeouts are the provider's own")
	t.Parallel()
	emulatorOnly(t, "it leaves GETs unanswered on purpose (Faults.HungGETPercent)")
	emu := newTestEmulator(t, emulator.Options{})
	tf := newTerraformCLI(t, emu)
	tf.setEnv("SERVITLY_REQUEST_TIMEOUT", "2s")
	tf.setEnv("SERVITLY_BATCH_REFRESH", "false") // one GET per partner
	tf.writeFile("main.tf", providerFromEnv+`
resource "servitly_partner" "p" {
  count = 20
  name  = "Dealer ${count.index}"
}
`)
	tf.mustRun("apply", "-auto-approve", "-input=false")
	emu.SetFaults(emulator.Faults{HungGETPercent: 10, Seed: 1}) // seed 1 hangs 3 of the first 20 GETs
	tf.expectCleanPlan()
	if st := emu.Stats(); st.Hung == 0 {
		t.Errorf("no GET was left hanging, the test proves nothing: %+v", st)
	}
	emu.SetFaults(emulator.Faults{})
}

// TestAccSafety_loginPrecedenceByFlow: a token in the provider block is
// used although SERVITLY_API_KEY and SERVITLY_PAT are set too, to values
// that would be refused.
func TestAccSafety_loginPrecedenceByFlow(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	token := target.login("SERVITLY_TOKEN")
	if token == "" {
		t.Skip("the live run has no token, nor an API key and a PAT to get one")
	}
	tf := newTerraformCLI(t, target)
	for name, value := range map[string]string{"SERVITLY_API_KEY": "wrong-key", "SERVITLY_PAT": "wrong-pat",
		"SERVITLY_TOKEN": "", "SERVITLY_EMAIL": "", "SERVITLY_PASSWORD": ""} {
		tf.setEnv(name, value)
	}
	tf.writeFile("main.tf", requiredProviders+fmt.Sprintf(`
provider "servitly" {
  token = %q
}

resource "servitly_partner" "p" {
  name = "Token wins"
  code = %q
}
`, token, target.code("TOKEN")))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	if n := target.stats().ByRoute["POST /identity/users/patLogin"]; n != 0 {
		t.Errorf("the provider tried %d PAT logins, want none: the block's token wins", n)
	}
}

// TestAccSafety_deletedOutsideTerraform: a partner deleted in the console is
// dropped from the state with a warning, and the plan creates it again.
func TestAccSafety_deletedOutsideTerraform(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	tf := newTerraformCLI(t, target)
	tf.writeFile("main.tf", providerFromEnv+fmt.Sprintf(`resource "servitly_partner" "p" {
  name = "Gone"
  code = %q
}`, target.code("GONE")))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	ids := sortedIDs(target.partners())
	if len(ids) != 1 {
		t.Fatalf("server held %v", ids)
	}
	if err := target.deletePartner(ids[0]); err != nil {
		t.Fatal(err)
	}
	out, err := tf.run("plan", "-detailed-exitcode", "-input=false")
	var exitErr *exec.ExitError
	flat := strings.Join(strings.Fields(out), " ")
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
		t.Fatalf("plan = %v, want exit code 2 (changes):\n%s", err, out)
	}
	for _, want := range []string{"Warning: Partner no longer exists", "Partner " + ids[0] + " was not found in Servitly",
		"servitly_partner.p will be created", "Plan: 1 to add, 0 to change, 0 to destroy"} {
		if !strings.Contains(flat, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}
