// Package bench measures the provider at scale with the real Terraform CLI:
// the same four phases (create, no-change plan, update, destroy) for N
// servitly_partner resources against the emulator, and for N terraform_data
// resources (Terraform core alone, no provider, no HTTP), one after the other
// in the same run. It records wall time, the requests the emulator counted,
// and the provider processes' CPU time and peak RSS (through
// cmd/servitly-rusagewrap, which the bench installs in place of the provider
// binary).
//
// cmd/servitly-bench is the command line; `make bench` runs it.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Resource types the bench knows.
const (
	TypePartner = "servitly_partner"
	TypeData    = "terraform_data"
	// TypeDataString is terraform_data holding one string instead of the
	// partner's fields as an object: a lighter floor for Terraform core,
	// which handles terraform_data's dynamic object values at a cost.
	TypeDataString = "terraform_data_string"
)

// Phases, in the order they run.
const (
	PhaseCreate  = "create"
	PhasePlan    = "plan"
	PhaseUpdate  = "update"
	PhaseDestroy = "destroy"
	// PhasePlanUnbatched is an extra no-change plan with batch_refresh off,
	// run between plan and update; it is not part of the totals.
	PhasePlanUnbatched = "plan, batch_refresh=false"
)

// Config says what to measure.
type Config struct {
	Sizes       []int         // numbers of resources, e.g. 200 and 1000
	Latency     time.Duration // emulator delay before every answer
	Parallelism int           // terraform -parallelism
	Types       []string      // default TypePartner, TypeData, TypeDataString
	// Unbatched adds a no-change plan with batch_refresh = false per size.
	Unbatched bool
	// Repeat runs every size this many times and reports medians.
	Repeat int
	// SmallState measures a plan of SmallN partners in a tenant holding
	// SmallTenant partners, batched and not; SmallN 0 skips it.
	SmallN      int
	SmallTenant int
	SmallRepeat int    // plans per mode; the median is reported
	Terraform   string // terraform binary; default "terraform" on PATH
	ModuleDir   string // root of this Go module; default from `go list -m`
	WorkDir     string // scratch folder; default a new temporary one, removed afterwards
	// CPUProfile, when set, is passed to the provider as
	// SERVITLY_PROVIDER_CPUPROFILE (a path prefix; one profile per process).
	CPUProfile string
	Log        io.Writer // progress lines; nil = silent
}

func (c *Config) defaults(ctx context.Context) error {
	if len(c.Sizes) == 0 {
		return errors.New("no sizes to measure")
	}
	if c.Parallelism <= 0 {
		c.Parallelism = 10
	}
	if len(c.Types) == 0 {
		c.Types = []string{TypePartner, TypeData, TypeDataString}
	}
	for _, typ := range c.Types {
		if typ != TypePartner && typ != TypeData && typ != TypeDataString {
			return fmt.Errorf("unknown resource type %q", typ)
		}
	}
	if c.Terraform == "" {
		c.Terraform = "terraform"
	}
	if c.SmallN > 0 && c.SmallTenant <= 0 {
		c.SmallTenant = 2000
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.ModuleDir == "" {
		out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}").Output()
		if err != nil {
			return fmt.Errorf("finding the module root (go list -m): %w", err)
		}
		c.ModuleDir = strings.TrimSpace(string(out))
	}
	return nil
}

// Phase is one measured Terraform command.
type Phase struct {
	Size int
	Type string
	Name string
	Runs int // repetitions; the numbers are their medians (peak RSS: the largest)
	// Seconds is the wall time of the Terraform command.
	Seconds  float64
	Requests emulator.Stats // zero for terraform_data
	// Provider is the summed usage of the provider processes of the phase.
	Provider Usage
	// TerraformCPU is Terraform's own CPU seconds (its rusage minus the
	// provider processes it waited for).
	TerraformCPU float64
}

// APIRequests counts the requests the emulator saw, logins excluded.
func (p Phase) APIRequests() int { return p.Requests.Requests - loginRequests(p.Requests) }

// Usage is what servitly-rusagewrap recorded for the provider processes of a phase.
type Usage struct {
	Processes int
	CPUSec    float64 // user + system, summed over processes
	MaxRSSKB  int64   // largest peak RSS of any one process
}

// SmallState is a no-change plan of a few partners in a large tenant.
type SmallState struct {
	Partners, Tenant int
	Mode             string  // "batched" or "per-partner GETs"
	Runs             int     // plans run in this mode
	Seconds          float64 // median of the runs
	Requests         emulator.Stats
}

// Report is the outcome of Run.
type Report struct {
	Config  Config
	Started time.Time
	Env     Environment
	Phases  []Phase
	Small   []SmallState
}

// Environment describes the machine and versions, for comparing runs.
type Environment struct {
	Commit, TerraformVersion, GoVersion string
	CPUs                                int
	LoadBefore, LoadAfter               string // /proc/loadavg, when there is one
}

// Run measures every size and type in cfg.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(ctx); err != nil {
		return nil, err
	}
	work := cfg.WorkDir
	if work == "" {
		dir, err := os.MkdirTemp("", "servitly-bench")
		if err != nil {
			return nil, err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		work = dir
	}
	r := &Report{Config: cfg, Started: time.Now(), Env: environment(ctx, cfg)}
	b := &bencher{cfg: cfg, work: work}
	if err := b.build(ctx); err != nil {
		return nil, err
	}
	for _, size := range cfg.Sizes {
		// Repetitions alternate the types, so that a busy moment on a
		// shared machine does not fall on one type only.
		var runs []Phase
		for range max(1, cfg.Repeat) {
			for _, typ := range cfg.Types {
				phases, err := b.runPhases(ctx, typ, size)
				runs = append(runs, phases...)
				if err != nil {
					r.Phases = append(r.Phases, medianPhases(runs)...)
					return r, fmt.Errorf("%s, N=%d: %w", typ, size, err)
				}
			}
		}
		r.Phases = append(r.Phases, medianPhases(runs)...)
	}
	if cfg.SmallN > 0 && contains(cfg.Types, TypePartner) {
		small, err := b.smallState(ctx)
		r.Small = small
		if err != nil {
			return r, fmt.Errorf("small state: %w", err)
		}
	}
	r.Env.LoadAfter = loadAverage()
	return r, nil
}

type bencher struct {
	cfg      Config
	work     string
	plugins  string // dev_overrides folder holding servitly-rusagewrap as the provider
	real     string // the real provider binary
	rcFile   string
	usageDir string
}

// logf writes a progress line; a failing log writer does not stop the bench.
func (b *bencher) logf(format string, args ...any) {
	_, _ = fmt.Fprintf(b.cfg.Log, format, args...)
}

// build compiles the provider and the wrapper and writes the CLI config.
func (b *bencher) build(ctx context.Context) error {
	b.plugins = filepath.Join(b.work, "plugins")
	b.real = filepath.Join(b.work, "real", "terraform-provider-servitly")
	b.usageDir = filepath.Join(b.work, "rusage")
	for _, dir := range []string{b.plugins, filepath.Dir(b.real), b.usageDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	b.logf("building the provider and the rusage wrapper\n")
	builds := [][]string{
		// As .goreleaser.yml builds the released binaries.
		{"build", "-trimpath", "-ldflags", "-s -w -X main.version=bench", "-o", b.real, "."},
		{"build", "-o", filepath.Join(b.plugins, "terraform-provider-servitly"), "./cmd/servitly-rusagewrap"},
	}
	for _, args := range builds {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = b.cfg.ModuleDir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	b.rcFile = filepath.Join(b.work, "terraformrc")
	// OpenTofu resolves servitly/servitly to registry.opentofu.org.
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/servitly/servitly\" = %[1]q\n"+
		"    \"registry.opentofu.org/servitly/servitly\" = %[1]q\n  }\n  direct {}\n}\n", b.plugins)
	return os.WriteFile(b.rcFile, []byte(rc), 0o600)
}

// emulatorServer serves an emulator on a loopback port until stop.
type emulatorServer struct {
	*emulator.Server
	URL  string
	stop func()
}

func (b *bencher) startEmulator(ctx context.Context) (*emulatorServer, error) {
	srv := emulator.New(emulator.Options{Latency: b.cfg.Latency})
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &emulatorServer{Server: srv, URL: "http://" + ln.Addr().String(), stop: func() { _ = hs.Close() }}, nil
}

// workspace is one Terraform working folder.
type workspace struct {
	b   *bencher
	dir string
	env []string
	emu *emulatorServer
}

func (b *bencher) newWorkspace(name, config string, emu *emulatorServer, extraEnv ...string) (*workspace, error) {
	dir := filepath.Join(b.work, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	env := []string{
		"TF_CLI_CONFIG_FILE=" + b.rcFile,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"SERVITLY_BENCH_REAL_PROVIDER=" + b.real,
		"SERVITLY_BENCH_RUSAGE_DIR=" + b.usageDir,
	}
	if emu != nil {
		env = append(env,
			"SERVITLY_BASE_URL="+emu.URL,
			"SERVITLY_TENANT=demo",
			"SERVITLY_API_KEY=demo-api-key",
			"SERVITLY_PAT=demo-pat",
		)
	}
	if b.cfg.CPUProfile != "" {
		env = append(env, "SERVITLY_PROVIDER_CPUPROFILE="+b.cfg.CPUProfile)
	}
	env = append(env, extraEnv...)
	// Nothing from the caller's Terraform or Servitly settings leaks in:
	// TF_LOG alone would change the provider's CPU use.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "SERVITLY_") {
			env = append(env, kv)
		}
	}
	return &workspace{b: b, dir: dir, env: env, emu: emu}, nil
}

// terraform runs one command, appending its output to terraform.log.
// It returns the wall time, Terraform's rusage and the exit code.
func (w *workspace) terraform(ctx context.Context, args ...string) (time.Duration, *processUsage, int, error) {
	logFile, err := os.OpenFile(filepath.Join(w.dir, "terraform.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, nil, 0, err
	}
	defer func() { _ = logFile.Close() }()
	_, _ = fmt.Fprintf(logFile, "\n$ terraform %s\n", strings.Join(args, " "))
	var tail bytes.Buffer
	cmd := exec.CommandContext(ctx, w.b.cfg.Terraform, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.Stdout = io.MultiWriter(logFile, &tail)
	cmd.Stderr = cmd.Stdout
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	usage := usageOf(cmd.ProcessState)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return elapsed, usage, exitErr.ExitCode(), nil
	}
	if err != nil {
		return elapsed, usage, -1, fmt.Errorf("terraform %s: %w", args[0], err)
	}
	return elapsed, usage, 0, nil
}

// mustTerraform runs a command that must exit with one of okCodes.
func (w *workspace) mustTerraform(ctx context.Context, okCodes []int, args ...string) (time.Duration, *processUsage, error) {
	elapsed, usage, code, err := w.terraform(ctx, args...)
	if err != nil {
		return elapsed, usage, err
	}
	for _, ok := range okCodes {
		if code == ok {
			return elapsed, usage, nil
		}
	}
	return elapsed, usage, fmt.Errorf("terraform %s exited with %d; see %s", strings.Join(args, " "), code,
		filepath.Join(w.dir, "terraform.log"))
}

// measure runs one phase and collects its numbers.
func (w *workspace) measure(ctx context.Context, phase Phase, okCodes []int, args ...string) (Phase, error) {
	if err := clearDir(w.b.usageDir); err != nil {
		return phase, err
	}
	if w.emu != nil {
		w.emu.ResetStats()
	}
	elapsed, tfUsage, err := w.mustTerraform(ctx, okCodes, args...)
	phase.Seconds = elapsed.Seconds()
	if w.emu != nil {
		phase.Requests = w.emu.Stats()
	}
	usage, readErr := readUsage(w.b.usageDir)
	phase.Provider = usage
	if tfUsage != nil {
		phase.TerraformCPU = max(0, tfUsage.cpuSec-usage.CPUSec)
	}
	return phase, errors.Join(err, readErr)
}

func (b *bencher) runPhases(ctx context.Context, typ string, size int) ([]Phase, error) {
	var emu *emulatorServer
	if typ == TypePartner {
		var err error
		if emu, err = b.startEmulator(ctx); err != nil {
			return nil, err
		}
		defer emu.stop()
	}
	w, err := b.newWorkspace(fmt.Sprintf("%s-%d", typ, size), configFor(typ, size), emu)
	if err != nil {
		return nil, err
	}
	// No terraform init: dev_overrides make it unnecessary (and it would ask
	// the registry), and terraform_data is built into Terraform.
	par := fmt.Sprintf("-parallelism=%d", b.cfg.Parallelism)
	type step struct {
		name    string
		okCodes []int
		env     []string
		args    []string
	}
	steps := []step{
		{PhaseCreate, []int{0}, nil, []string{"apply", "-auto-approve", "-input=false", par, "-var=generation=0"}},
		// -detailed-exitcode: 0 means no changes, 2 would be a diff.
		{PhasePlan, []int{0}, nil, []string{"plan", "-input=false", "-detailed-exitcode", par, "-var=generation=0"}},
	}
	if typ == TypePartner && b.cfg.Unbatched {
		steps = append(steps, step{PhasePlanUnbatched, []int{0}, []string{"SERVITLY_BATCH_REFRESH=false"},
			[]string{"plan", "-input=false", "-detailed-exitcode", par, "-var=generation=0"}})
	}
	steps = append(steps,
		step{PhaseUpdate, []int{0}, nil, []string{"apply", "-auto-approve", "-input=false", par, "-var=generation=1"}},
		step{PhaseDestroy, []int{0}, nil, []string{"destroy", "-auto-approve", "-input=false", par, "-var=generation=1"}},
	)
	var phases []Phase
	baseEnv := w.env
	for _, s := range steps {
		b.logf("%-16s N=%-5d %-26s ", typ, size, s.name)
		w.env = append(append([]string{}, s.env...), baseEnv...)
		phase, err := w.measure(ctx, Phase{Size: size, Type: typ, Name: s.name}, s.okCodes, s.args...)
		w.env = baseEnv
		phases = append(phases, phase)
		b.logf("%7.2fs  requests %-5d provider CPU %6.2fs  peak RSS %4.0f MB\n",
			phase.Seconds, phase.APIRequests(), phase.Provider.CPUSec, float64(phase.Provider.MaxRSSKB)/1024)
		if err != nil {
			return phases, err
		}
	}
	if emu != nil {
		if left := len(emu.Partners()); left != 0 {
			return phases, fmt.Errorf("%d partners left on the emulator after destroy", left)
		}
	}
	return phases, nil
}

// smallState creates cfg.SmallN partners in a tenant already holding
// cfg.SmallTenant others, then plans with batching on and off.
func (b *bencher) smallState(ctx context.Context) ([]SmallState, error) {
	emu, err := b.startEmulator(ctx)
	if err != nil {
		return nil, err
	}
	defer emu.stop()
	for i := range b.cfg.SmallTenant {
		emu.AddPartner(emulator.Partner{Name: fmt.Sprintf("Other partner %d", i), Code: fmt.Sprintf("O%06d", i)})
	}
	w, err := b.newWorkspace("small-state", configFor(TypePartner, b.cfg.SmallN), emu)
	if err != nil {
		return nil, err
	}
	par := fmt.Sprintf("-parallelism=%d", b.cfg.Parallelism)
	if _, _, err := w.mustTerraform(ctx, []int{0}, "apply", "-auto-approve", "-input=false", par, "-var=generation=0"); err != nil {
		return nil, err
	}
	modes := []struct{ name, env string }{{"batched (default)", ""}, {"per-partner GETs (batch_refresh = false)", "SERVITLY_BATCH_REFRESH=false"}}
	out := make([]SmallState, len(modes))
	times := make([][]float64, len(modes))
	baseEnv := w.env
	// The plans take a fraction of a second, so each mode runs several
	// times, alternating, and reports its median.
	for range max(1, b.cfg.SmallRepeat) {
		for i, mode := range modes {
			if mode.env != "" {
				w.env = append([]string{mode.env}, baseEnv...)
			}
			phase, err := w.measure(ctx, Phase{Size: b.cfg.SmallN, Type: TypePartner, Name: PhasePlan}, []int{0},
				"plan", "-input=false", "-detailed-exitcode", par, "-var=generation=0")
			w.env = baseEnv
			times[i] = append(times[i], phase.Seconds)
			out[i] = SmallState{Partners: b.cfg.SmallN, Tenant: b.cfg.SmallTenant, Mode: mode.name, Runs: len(times[i]),
				Seconds: median(times[i]), Requests: phase.Requests}
			if err != nil {
				return out, err
			}
		}
	}
	for _, s := range out {
		b.logf("small state: %d of %d, %-40s median %6.2fs of %d, requests %d\n", s.Partners, s.Tenant,
			s.Mode, s.Seconds, s.Runs, s.Requests.Requests-loginRequests(s.Requests))
	}
	if _, _, err := w.mustTerraform(ctx, []int{0}, "destroy", "-auto-approve", "-input=false", par, "-var=generation=0"); err != nil {
		return out, err
	}
	return out, nil
}

// configFor is the configuration of N resources of one type. Both types hold
// the same values, and generation changes every resource in place.
func configFor(typ string, size int) string {
	const variable = `variable "generation" {
  type = number
}
`
	if typ == TypeDataString {
		return variable + fmt.Sprintf(`
resource "terraform_data" "p" {
  count = %d
  input = "Bench partner ${count.index} gen ${var.generation}"
}
`, size)
	}
	if typ == TypeData {
		return variable + fmt.Sprintf(`
resource "terraform_data" "p" {
  count = %d
  input = {
    name       = "Bench partner ${count.index} gen ${var.generation}"
    code       = format("B%%06d", count.index)
    country    = "Italy"
    timezone   = "Europe/Rome"
    properties = { generation = tostring(var.generation) }
  }
}
`, size)
	}
	return `terraform {
  required_providers {
    servitly = { source = "servitly/servitly" }
  }
}

` + variable + fmt.Sprintf(`
resource "servitly_partner" "p" {
  count      = %d
  name       = "Bench partner ${count.index} gen ${var.generation}"
  code       = format("B%%06d", count.index)
  country    = "Italy"
  timezone   = "Europe/Rome"
  properties = { generation = tostring(var.generation) }
}
`, size)
}

// readUsage sums the records servitly-rusagewrap wrote for this phase.
func readUsage(dir string) (Usage, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Usage{}, err
	}
	var u Usage
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return u, err
		}
		var rec struct {
			UserSec  float64 `json:"user_s"`
			SysSec   float64 `json:"sys_s"`
			MaxRSSKB int64   `json:"max_rss_kb"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			return u, fmt.Errorf("%s: %w", e.Name(), err)
		}
		u.Processes++
		u.CPUSec += rec.UserSec + rec.SysSec
		u.MaxRSSKB = max(u.MaxRSSKB, rec.MaxRSSKB)
	}
	return u, nil
}

func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func loginRequests(s emulator.Stats) int {
	return s.ByRoute["POST /identity/users/patLogin"] + s.ByRoute["POST /identity/users/login"] +
		s.ByRoute["POST /identity/users/me/renewToken"]
}

func environment(ctx context.Context, cfg Config) Environment {
	env := Environment{GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), LoadBefore: loadAverage()}
	if out, err := exec.CommandContext(ctx, "git", "-C", cfg.ModuleDir, "rev-parse", "--short", "HEAD").Output(); err == nil {
		env.Commit = strings.TrimSpace(string(out))
		if status, err := exec.CommandContext(ctx, "git", "-C", cfg.ModuleDir, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(status)) > 0 {
			env.Commit += "-dirty"
		}
	}
	if out, err := exec.CommandContext(ctx, cfg.Terraform, "version").Output(); err == nil {
		env.TerraformVersion = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	return env
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return ""
	}
	return strings.Join(fields[:3], " ")
}

// medianPhases merges repeated runs of the same phase: median time and CPU,
// largest peak RSS, the requests of the first run (they do not vary).
func medianPhases(runs []Phase) []Phase {
	type key struct {
		size      int
		typ, name string
	}
	var order []key
	groups := map[key][]Phase{}
	for _, p := range runs {
		k := key{p.Size, p.Type, p.Name}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], p)
	}
	out := make([]Phase, 0, len(order))
	for _, k := range order {
		g := groups[k]
		merged := g[0]
		merged.Runs = len(g)
		var secs, cpu, tfCPU []float64
		for _, p := range g {
			secs = append(secs, p.Seconds)
			cpu = append(cpu, p.Provider.CPUSec)
			tfCPU = append(tfCPU, p.TerraformCPU)
			merged.Provider.MaxRSSKB = max(merged.Provider.MaxRSSKB, p.Provider.MaxRSSKB)
		}
		merged.Seconds, merged.Provider.CPUSec, merged.TerraformCPU = median(secs), median(cpu), median(tfCPU)
		out = append(out, merged)
	}
	return out
}

func median(values []float64) float64 {
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sortedRoutes lists a stats breakdown, biggest first, logins included.
func sortedRoutes(s emulator.Stats) []string {
	type kv struct {
		route string
		n     int
	}
	var all []kv
	for route, n := range s.ByRoute {
		if n > 0 {
			all = append(all, kv{route, n})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].route < all[j].route
	})
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = fmt.Sprintf("%s %d", shortRoute(e.route), e.n)
	}
	return out
}

// shortRoute names a route compactly for the table.
func shortRoute(route string) string {
	switch route {
	case "POST /network/partners":
		return "POST"
	case "GET /network/partners/{id}":
		return "GET"
	case "PUT /network/partners/{id}":
		return "PUT"
	case "DELETE /network/partners/{id}":
		return "DELETE"
	case "GET /v2/network/partners":
		return "list"
	case "POST /identity/users/patLogin", "POST /identity/users/login":
		return "login"
	}
	return route
}
