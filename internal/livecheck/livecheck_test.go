//go:build linux

package livecheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	emulatorapi "github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// root is the repository, where make runs.
const root = "../.."

// liveCodePrefix starts the code of every partner the live tests make.
const liveCodePrefix = "tfacc-"

// TestLiveRun runs the live acceptance suite the way a user runs it against
// a tenant, with the emulator as the tenant: a separate process, seeded with
// partners that are not the tests' (testdata/foreign.json), reached only
// through SERVITLY_*. It checks that at least two thirds of the acceptance
// tests run live and pass; that afterwards no tfacc- partner is left and the
// others are as they were; and the same after a live run killed halfway
// (SIGKILL on its whole process tree) and make sweep. SERVITLY_ACC_VARIANT
// starts the emulator with that API variant's flag.
func TestLiveRun(t *testing.T) {
	if os.Getenv("SERVITLY_LIVE_CHECK") != "1" {
		t.Skip("set SERVITLY_LIVE_CHECK=1 to run the live suite against a separate emulator (make acc-live does)")
	}
	if os.Getenv("SERVITLY_ACC_VARIANT") == "list-without-codes" {
		t.Skip("SERVITLY_ACC_VARIANT=list-without-codes (API variant): default API only: the live tests, the sweeper and this check find the tests' partners by their codes in the list")
	}
	emu := startEmulator(t)
	env := []string{"SERVITLY_ACC_LIVE=1", "SERVITLY_BASE_URL=" + emu.url, "SERVITLY_TENANT=demo",
		"SERVITLY_API_KEY=demo-api-key", "SERVITLY_PAT=demo-pat"}
	for _, kv := range os.Environ() {
		// The make that runs this test must not hand its jobs to the one it starts.
		if !strings.HasPrefix(kv, "SERVITLY_") && !strings.HasPrefix(kv, "MAKEFLAGS=") && !strings.HasPrefix(kv, "MAKELEVEL=") {
			env = append(env, kv)
		}
	}
	api, err := client.New(client.Config{BaseURL: emu.url, Tenant: "demo", APIKey: "demo-api-key", PAT: "demo-pat"})
	if err != nil {
		t.Fatal(err)
	}
	foreign := listPartners(t, api)
	if len(foreign) == 0 || len(testPartners(foreign)) > 0 {
		t.Fatalf("the seed should hold only partners that are not the tests': %+v", foreign)
	}

	t.Run("make testacc-live", func(t *testing.T) {
		requests := emu.requests()
		out, err := runMake(t, env, "testacc-live", "LIVE_FLAGS=-json", "LIVE_PARALLEL=4")
		ran, skipped, failed := summarize(out)
		if err != nil || len(failed) > 0 {
			detail := strings.Join(slices.Collect(maps.Values(failed)), "\n")
			if detail == "" { // not a test: make's or the sweeper's own lines
				detail = strings.Join(slices.DeleteFunc(strings.Split(out, "\n"), func(l string) bool { return strings.HasPrefix(l, "{") }), "\n")
			}
			t.Fatalf("make testacc-live: %v; failed: %v\n%s", err, slices.Sorted(maps.Keys(failed)), detail)
		}
		made := emu.requests()[len(requests):]
		t.Logf("%d of %d acceptance tests ran live; they sent %d requests and created %d partners",
			len(ran), len(ran)+len(skipped), len(made), count(made, "POST /network/partners 201"))
		for _, name := range slices.Sorted(maps.Keys(skipped)) {
			t.Logf("emulator only: %s: %s", name, skipped[name])
		}
		if 3*len(ran) < 2*(len(ran)+len(skipped)) {
			t.Errorf("%d of %d acceptance tests ran live, fewer than two thirds", len(ran), len(ran)+len(skipped))
		}
		expectOnly(t, api, foreign)
	})

	t.Run("killed halfway, then make sweep", func(t *testing.T) {
		cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", "testacc-live", "LIVE_PARALLEL=4")
		cmd.Dir, cmd.Env = root, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		const halfway = 20 // tfacc- partners on the server
		for deadline := time.Now().Add(5 * time.Minute); len(testPartners(listPartners(t, api))) < halfway; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the run made fewer than %d partners in 5 minutes:\n%s", halfway, out.String())
			}
		}
		killTree(t, cmd.Process.Pid)
		if err := cmd.Wait(); err == nil {
			t.Fatal("the run ended by itself before it was killed")
		}
		left := testPartners(listPartners(t, api))
		if len(left) == 0 {
			t.Fatal("the killed run left no partner: the sweep would prove nothing")
		}
		t.Logf("the killed run left %d tfacc- partners", len(left))
		if out, err := runMake(t, env, "sweep"); err != nil {
			t.Fatalf("make sweep: %v\n%s", err, out)
		}
		expectOnly(t, api, foreign)
	})
}

// emulator is cmd/servitly-emulator running as its own process.
type emulator struct {
	url string
	mu  sync.Mutex
	log []string // its request log: "METHOD /path status"
}

// startEmulator builds cmd/servitly-emulator and starts it on a free
// loopback port with the foreign partners, and the flag of the API variant
// in SERVITLY_ACC_VARIANT if any, until the test ends.
func startEmulator(t *testing.T) *emulator {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "servitly-emulator")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "../../cmd/servitly-emulator").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// Not the test's context: the emulator must outlive the subtests'
	// cleanups, and ends with the test.
	args := []string{"-addr", "127.0.0.1:0", "-seed", "testdata/foreign.json"}
	if name := os.Getenv("SERVITLY_ACC_VARIANT"); name != "" {
		variant, err := emulatorapi.LookupVariant(name)
		if err != nil {
			t.Fatalf("SERVITLY_ACC_VARIANT: %v", err)
		}
		args = append(args, "-"+variant.Flag)
	}
	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	e := &emulator{}
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			if f := strings.Fields(lines.Text()); len(f) == 5 { // date time method path status
				e.mu.Lock()
				e.log = append(e.log, strings.Join(f[2:], " "))
				e.mu.Unlock()
			}
		}
	}()
	serving := regexp.MustCompile(`serving (http://\S+)`)
	for lines := bufio.NewScanner(stdout); lines.Scan(); {
		if m := serving.FindStringSubmatch(lines.Text()); m != nil {
			e.url = m[1]
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return e
		}
	}
	t.Fatal("the emulator ended without serving")
	return nil
}

// requests returns the emulator's request log so far.
func (e *emulator) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.log)
}

func count(lines []string, line string) int {
	n := 0
	for _, l := range lines {
		if l == line {
			n++
		}
	}
	return n
}

// runMake runs a make target in the repository and returns its output.
func runMake(t *testing.T, env []string, target ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "make", append([]string{"--no-print-directory"}, target...)...)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// summarize reads go test -json output: the top-level tests that ran (they
// or one of their subtests passed), those skipped as emulator only, with
// the reason, and those that failed, with their output; or, when the output
// is no test's, all of it. Tests skipped for another reason (an older CLI)
// count in neither.
func summarize(out string) (ran []string, skipped, failed map[string]string) {
	type event struct{ Action, Test, Output string }
	result, reason, subtestPassed, hasSubtests := map[string]string{}, map[string]string{}, map[string]bool{}, map[string]bool{}
	output := map[string]*strings.Builder{}
	for _, line := range strings.Split(out, "\n") {
		var e event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &e) != nil || e.Test == "" {
			continue
		}
		top, sub, isSub := strings.Cut(e.Test, "/")
		if output[top] == nil {
			output[top] = &strings.Builder{}
		}
		output[top].WriteString(e.Output)
		switch {
		case e.Action == "output" && !isSub:
			if _, why, ok := strings.Cut(e.Output, "(live run): emulator only: "); ok {
				reason[top] = strings.TrimSpace(why)
			}
		case isSub && sub != "" && (e.Action == "pass" || e.Action == "skip" || e.Action == "fail"):
			hasSubtests[top] = true
			subtestPassed[top] = subtestPassed[top] || e.Action == "pass"
		case !isSub && (e.Action == "pass" || e.Action == "skip" || e.Action == "fail"):
			result[top] = e.Action
		}
	}
	skipped, failed = map[string]string{}, map[string]string{}
	for name, action := range result {
		switch {
		case action == "fail":
			failed[name] = output[name].String()
		case action == "skip" && reason[name] != "":
			skipped[name] = reason[name]
		case action == "pass" && (!hasSubtests[name] || subtestPassed[name]):
			ran = append(ran, name)
		}
	}
	if len(result) == 0 {
		failed[""] = out
	}
	return ran, skipped, failed
}

// listPartners lists every partner of the emulator through the API.
func listPartners(t *testing.T, api *client.Client) []client.Partner {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	partners, err := api.ListPartners(ctx, client.PartnerFilter{})
	if err != nil {
		t.Fatalf("listing partners: %v", err)
	}
	slices.SortFunc(partners, func(a, b client.Partner) int { return strings.Compare(a.ID, b.ID) })
	return partners
}

// testPartners keeps the partners a live test made.
func testPartners(partners []client.Partner) []client.Partner {
	return slices.DeleteFunc(slices.Clone(partners), func(p client.Partner) bool { return !strings.HasPrefix(p.Code, liveCodePrefix) })
}

// expectOnly fails unless the emulator holds exactly the foreign partners,
// every field as it was.
func expectOnly(t *testing.T, api *client.Client, foreign []client.Partner) {
	t.Helper()
	now := listPartners(t, api)
	if left := testPartners(now); len(left) > 0 {
		t.Errorf("%d tfacc- partners are left, first %+v", len(left), left[0])
	}
	if others := slices.DeleteFunc(now, func(p client.Partner) bool { return strings.HasPrefix(p.Code, liveCodePrefix) }); !reflect.DeepEqual(others, foreign) {
		t.Errorf("the partners that are not the tests' changed:\nbefore %+v\nafter  %+v", foreign, others)
	}
}

// killTree stops the process pid and every process below it, then kills
// them all with SIGKILL, as a crash would: none is left to clean up, nor to
// make partners after the sweep. The terraform processes of the test
// harness have process groups of their own, so killing a group would miss
// them.
func killTree(t *testing.T, pid int) {
	t.Helper()
	stopped := map[int]bool{}
	for {
		tree := descendants(t, pid)
		fresh := slices.DeleteFunc(tree, func(p int) bool { return stopped[p] })
		if len(fresh) == 0 {
			break
		}
		for _, p := range fresh {
			_ = syscall.Kill(p, syscall.SIGSTOP) // stopped, it starts no process of its own
			stopped[p] = true
		}
	}
	for p := range stopped {
		if err := syscall.Kill(p, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill %d: %v", p, err)
		}
	}
	t.Logf("killed %d processes", len(stopped))
}

// descendants lists pid and the processes below it, from /proc.
func descendants(t *testing.T, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	children := map[int][]int{}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			continue // it ended
		}
		// pid (command) state ppid ...; the command may hold spaces.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 {
			parent, _ := strconv.Atoi(fields[1])
			children[parent] = append(children[parent], child)
		}
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
}
