// Package bench measures the provider at scale with the real Terraform CLI:
// the same four phases (create, no-change plan, update, destroy) for N
// servitly_partner resources against the emulator, and for N terraform_data
// resources (Terraform core alone), in the same run. It records wall time,
// the requests the emulator counted, and the provider processes' CPU time and
// peak RSS (through cmd/servitly-rusagewrap, installed as the provider).
// cmd/servitly-bench is the command line; `make bench` runs it.
package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Resource types the bench measures.
const (
	TypePartner = "servitly_partner"
	TypeData    = "terraform_data"
	// TypeDataString is terraform_data holding one string instead of the partner's
	// fields: a lighter floor, as Terraform core handles dynamic objects at a cost.
	TypeDataString = "terraform_data_string"
)

// types is the order in which every repetition runs the types.
var types = []string{TypePartner, TypeData, TypeDataString}

// Phases, in the order they run.
const (
	PhaseCreate  = "create"
	PhasePlan    = "plan"
	PhaseUpdate  = "update"
	PhaseDestroy = "destroy"
	// PhasePlanUnbatched is an extra no-change plan of servitly_partner with
	// batch_refresh off, run between plan and update; it is not part of the totals.
	PhasePlanUnbatched = "plan, batch_refresh=false"
)

// Config says what to measure.
type Config struct {
	Sizes       []int         // numbers of resources, e.g. 200 and 1000
	Latency     time.Duration // emulator delay before every answer
	Parallelism int           // terraform -parallelism; default 10
	Repeat      int           // runs of every size; medians are reported
	// The small state is a plan of SmallN partners in a tenant already
	// holding SmallTenant others, batched and not; SmallN 0 skips it.
	SmallN      int
	SmallTenant int
	SmallRepeat int       // plans per mode; the median is reported
	Terraform   string    // terraform binary; default "terraform" on PATH
	ModuleDir   string    // root of this Go module; default from `go list -m`
	WorkDir     string    // scratch folder; default a new temporary one, removed afterwards
	CPUProfile  string    // passed to the provider as SERVITLY_PROVIDER_CPUPROFILE (a path prefix)
	Log         io.Writer // progress lines; nil = silent
}

func (c *Config) defaults(ctx context.Context) error {
	if len(c.Sizes) == 0 {
		return errors.New("no sizes to measure")
	}
	if c.Parallelism <= 0 {
		c.Parallelism = 10
	}
	c.Terraform = cmp.Or(c.Terraform, "terraform")
	c.Log = cmp.Or[io.Writer](c.Log, io.Discard)
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
	Size         int
	Type         string
	Name         string
	Runs         int            // repetitions; the numbers are their medians (peak RSS: the largest)
	Seconds      float64        // wall time of the Terraform command
	Requests     emulator.Stats // zero for terraform_data
	Provider     Usage          // summed over the provider processes of the phase
	TerraformCPU float64        // Terraform's own CPU seconds, its provider processes' excluded
}

// APIRequests counts the requests the emulator saw, logins excluded.
func (p Phase) APIRequests() int {
	return p.Requests.Requests - p.Requests.ByRoute["POST /identity/users/patLogin"] -
		p.Requests.ByRoute["POST /identity/users/login"] - p.Requests.ByRoute["POST /identity/users/me/renewToken"]
}

// Usage is what servitly-rusagewrap recorded for the provider processes of a phase.
type Usage struct {
	Processes int
	CPUSec    float64 // user + system, summed over processes
	MaxRSSKB  int64   // largest peak RSS of any one process
}

// Report is the outcome of Run.
type Report struct {
	Config  Config
	Started time.Time
	Env     Environment
	Phases  []Phase
	Small   []Phase // no-change plans of the small state, named after their mode
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
	if cfg.WorkDir == "" {
		dir, err := os.MkdirTemp("", "servitly-bench")
		if err != nil {
			return nil, err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		cfg.WorkDir = dir
	}
	r := &Report{Config: cfg, Started: time.Now(), Env: environment(ctx, cfg)}
	b := &bencher{cfg: cfg}
	if err := b.build(ctx); err != nil {
		return nil, err
	}
	for _, size := range cfg.Sizes {
		// Repetitions alternate the types, so that a busy moment on a
		// shared machine does not fall on one type only.
		var runs []Phase
		for range max(1, cfg.Repeat) {
			for _, typ := range types {
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
	if cfg.SmallN > 0 {
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
	usageDir string   // where servitly-rusagewrap writes its records
	env      []string // the environment of every Terraform command
}

// logf writes a progress line; a failing log writer does not stop the bench.
func (b *bencher) logf(format string, args ...any) {
	_, _ = fmt.Fprintf(b.cfg.Log, format, args...)
}

// build compiles the provider and the wrapper, installs the wrapper as the
// provider in a dev_overrides folder, and sets up Terraform's environment.
func (b *bencher) build(ctx context.Context) error {
	plugins := filepath.Join(b.cfg.WorkDir, "plugins")
	provider := filepath.Join(b.cfg.WorkDir, "real", "terraform-provider-servitly")
	b.usageDir = filepath.Join(b.cfg.WorkDir, "rusage")
	b.logf("building the provider and the rusage wrapper\n")
	builds := [][]string{
		// As .goreleaser.yml builds the released binaries.
		{"build", "-trimpath", "-ldflags", "-s -w -X main.version=bench", "-o", provider, "."},
		{"build", "-o", filepath.Join(plugins, "terraform-provider-servitly"), "./cmd/servitly-rusagewrap"},
	}
	for _, args := range builds {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = b.cfg.ModuleDir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	rcFile := filepath.Join(b.cfg.WorkDir, "terraformrc")
	// OpenTofu resolves servitly/servitly to registry.opentofu.org.
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/servitly/servitly\" = %[1]q\n"+
		"    \"registry.opentofu.org/servitly/servitly\" = %[1]q\n  }\n  direct {}\n}\n", plugins)
	b.env = []string{
		"TF_CLI_CONFIG_FILE=" + rcFile,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"SERVITLY_BENCH_REAL_PROVIDER=" + provider,
		"SERVITLY_BENCH_RUSAGE_DIR=" + b.usageDir,
	}
	if b.cfg.CPUProfile != "" {
		b.env = append(b.env, "SERVITLY_PROVIDER_CPUPROFILE="+b.cfg.CPUProfile)
	}
	// Nothing from the caller's Terraform or Servitly settings leaks in:
	// TF_LOG alone would change the provider's CPU use.
	b.env = append(b.env, slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "SERVITLY_")
	})...)
	return os.WriteFile(rcFile, []byte(rc), 0o600)
}

// workspace is one Terraform working folder.
type workspace struct {
	b   *bencher
	dir string
	env []string
	emu *emulator.Server // terraform_data never calls it
}

// newWorkspace writes the configuration of size resources of typ into a folder
// of its own, with an emulator served on a loopback port until stop is called.
func (b *bencher) newWorkspace(name, typ string, size int) (*workspace, func(), error) {
	w := &workspace{b: b, dir: filepath.Join(b.cfg.WorkDir, name), emu: emulator.New(emulator.Options{Latency: b.cfg.Latency})}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(configFor(typ, size)), 0o600); err != nil {
		return nil, nil, err
	}
	srv := httptest.NewServer(w.emu)
	w.env = append(slices.Clone(b.env),
		"SERVITLY_BASE_URL="+srv.URL,
		"SERVITLY_TENANT=demo",
		"SERVITLY_API_KEY=demo-api-key",
		"SERVITLY_PAT=demo-pat",
	)
	return w, srv.Close, nil
}

// step is one Terraform command (apply, plan or destroy) with the value of
// the generation variable, which changes every resource, and extra environment.
type step struct {
	name, command string
	generation    int
	env           []string
}

// run runs s, which must exit with 0, measured into phase; the output goes to terraform.log.
func (w *workspace) run(ctx context.Context, phase Phase, s step) (Phase, error) {
	if err := errors.Join(os.RemoveAll(w.b.usageDir), os.MkdirAll(w.b.usageDir, 0o755)); err != nil {
		return phase, err
	}
	logPath := filepath.Join(w.dir, "terraform.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return phase, err
	}
	defer func() { _ = logFile.Close() }()
	args := []string{s.command, "-input=false", "-no-color",
		fmt.Sprintf("-parallelism=%d", w.b.cfg.Parallelism), fmt.Sprintf("-var=generation=%d", s.generation)}
	if s.command == "plan" {
		args = append(args, "-detailed-exitcode") // 0 means no changes, 2 would be a diff
	} else {
		args = append(args, "-auto-approve")
	}
	_, _ = fmt.Fprintf(logFile, "\n$ terraform %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, w.b.cfg.Terraform, args...)
	cmd.Dir, cmd.Env = w.dir, slices.Concat(s.env, w.env)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	w.emu.ResetStats()
	start := time.Now()
	err = cmd.Run()
	phase.Seconds = time.Since(start).Seconds()
	phase.Requests = w.emu.Stats()
	if err != nil {
		err = fmt.Errorf("terraform %s: %w; see %s", strings.Join(args, " "), err, logPath)
	}
	usage, readErr := readUsage(w.b.usageDir)
	phase.Provider = usage
	// Terraform's rusage includes the provider processes it waited for.
	if state := cmd.ProcessState; state != nil {
		phase.TerraformCPU = max(0, (state.UserTime()+state.SystemTime()).Seconds()-usage.CPUSec)
	}
	return phase, errors.Join(err, readErr)
}

// batchRefreshOff turns the provider's batch_refresh off.
var batchRefreshOff = []string{"SERVITLY_BATCH_REFRESH=false"}

func (b *bencher) runPhases(ctx context.Context, typ string, size int) ([]Phase, error) {
	w, stop, err := b.newWorkspace(fmt.Sprintf("%s-%d", typ, size), typ, size)
	if err != nil {
		return nil, err
	}
	defer stop()
	// No terraform init: dev_overrides make it unnecessary (and it would ask
	// the registry), and terraform_data is built into Terraform.
	steps := []step{
		{PhaseCreate, "apply", 0, nil},
		{PhasePlan, "plan", 0, nil},
		{PhasePlanUnbatched, "plan", 0, batchRefreshOff},
		{PhaseUpdate, "apply", 1, nil},
		{PhaseDestroy, "destroy", 1, nil},
	}
	var phases []Phase
	for _, s := range steps {
		if s.name == PhasePlanUnbatched && typ != TypePartner {
			continue
		}
		b.logf("%-16s N=%-5d %-26s ", typ, size, s.name)
		phase, err := w.run(ctx, Phase{Size: size, Type: typ, Name: s.name}, s)
		phases = append(phases, phase)
		b.logf("%7.2fs  requests %-5d provider CPU %6.2fs  peak RSS %4.0f MB\n",
			phase.Seconds, phase.APIRequests(), phase.Provider.CPUSec, float64(phase.Provider.MaxRSSKB)/1024)
		if err != nil {
			return phases, err
		}
	}
	if left := len(w.emu.Partners()); left != 0 {
		return phases, fmt.Errorf("%d partners left on the emulator after destroy", left)
	}
	return phases, nil
}

// smallState creates cfg.SmallN partners among cfg.SmallTenant others and plans batched and not.
func (b *bencher) smallState(ctx context.Context) ([]Phase, error) {
	w, stop, err := b.newWorkspace("small-state", TypePartner, b.cfg.SmallN)
	if err != nil {
		return nil, err
	}
	defer stop()
	for i := range b.cfg.SmallTenant {
		w.emu.AddPartner(emulator.Partner{Name: fmt.Sprintf("Other partner %d", i), Code: fmt.Sprintf("O%06d", i)})
	}
	if _, err := w.run(ctx, Phase{}, step{command: "apply"}); err != nil {
		return nil, err
	}
	modes := []step{
		{"batched (default)", "plan", 0, nil},
		{"per-partner GETs (batch_refresh = false)", "plan", 0, batchRefreshOff},
	}
	// The plans take a fraction of a second, so each mode runs several
	// times, alternating, and reports its median.
	var runs []Phase
	for range max(1, b.cfg.SmallRepeat) {
		for _, mode := range modes {
			phase, err := w.run(ctx, Phase{Size: b.cfg.SmallN, Type: TypePartner, Name: mode.name}, mode)
			runs = append(runs, phase)
			if err != nil {
				return medianPhases(runs), err
			}
		}
	}
	plans := medianPhases(runs)
	for _, p := range plans {
		b.logf("small state: %d of %d, %-40s median %6.2fs of %d, requests %d\n", p.Size, b.cfg.SmallTenant,
			p.Name, p.Seconds, p.Runs, p.APIRequests())
	}
	_, err = w.run(ctx, Phase{}, step{command: "destroy"})
	return plans, err
}

// configFor is the configuration of N resources of one type. servitly_partner
// and the terraform_data object hold the same fields (indented for the
// object; HCL does not mind), and generation changes every resource in place.
func configFor(typ string, size int) string {
	const partnerFields = `    name       = "Bench partner ${count.index} gen ${var.generation}"
    code       = format("B%06d", count.index)
    country    = "Italy"
    timezone   = "Europe/Rome"
    properties = { generation = tostring(var.generation) }
`
	resource := func(resourceType string) string {
		return fmt.Sprintf("variable \"generation\" {\n  type = number\n}\n\nresource %q \"p\" {\n  count = %d\n", resourceType, size)
	}
	switch typ {
	case TypeData:
		return resource("terraform_data") + "  input = {\n" + partnerFields + "  }\n}\n"
	case TypeDataString:
		return resource("terraform_data") + "  input = \"Bench partner ${count.index} gen ${var.generation}\"\n}\n"
	}
	return "terraform {\n  required_providers {\n    servitly = { source = \"servitly/servitly\" }\n  }\n}\n\n" +
		resource("servitly_partner") + partnerFields + "}\n"
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

// loadAverage is the first three fields of /proc/loadavg, or "" without one.
func loadAverage() string {
	data, _ := os.ReadFile("/proc/loadavg")
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return ""
	}
	return strings.Join(fields[:3], " ")
}

// medianPhases merges repeated runs of each phase, in the order they first ran: median
// time and CPU, largest peak RSS, the requests of the first run (they do not vary).
func medianPhases(runs []Phase) []Phase {
	var out []Phase
	for _, first := range runs {
		same := func(p Phase) bool { return p.Size == first.Size && p.Type == first.Type && p.Name == first.Name }
		if slices.ContainsFunc(out, same) {
			continue
		}
		merged := first
		var secs, cpu, tfCPU []float64
		for _, p := range runs {
			if same(p) {
				merged.Runs++
				secs = append(secs, p.Seconds)
				cpu = append(cpu, p.Provider.CPUSec)
				tfCPU = append(tfCPU, p.TerraformCPU)
				merged.Provider.MaxRSSKB = max(merged.Provider.MaxRSSKB, p.Provider.MaxRSSKB)
			}
		}
		merged.Seconds, merged.Provider.CPUSec, merged.TerraformCPU = median(secs), median(cpu), median(tfCPU)
		out = append(out, merged)
	}
	return out
}

// median of a non-empty list: the middle value, or the mean of the two middle values.
func median(values []float64) float64 {
	sorted := slices.Sorted(slices.Values(values))
	n := len(sorted)
	return (sorted[(n-1)/2] + sorted[n/2]) / 2
}

// shortRoutes name routes compactly for the tables.
var shortRoutes = map[string]string{
	"POST /network/partners":        "POST",
	"GET /network/partners/{id}":    "GET",
	"PUT /network/partners/{id}":    "PUT",
	"DELETE /network/partners/{id}": "DELETE",
	"GET /v2/network/partners":      "list",
	"POST /identity/users/patLogin": "login",
	"POST /identity/users/login":    "login",
}

// routeSummary lists a stats breakdown, biggest first, logins included.
func routeSummary(s emulator.Stats) string {
	routes := slices.Collect(maps.Keys(s.ByRoute))
	slices.SortFunc(routes, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.ByRoute[b], s.ByRoute[a]), cmp.Compare(a, b))
	})
	var parts []string
	for _, route := range routes {
		if n := s.ByRoute[route]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", cmp.Or(shortRoutes[route], route), n))
		}
	}
	return strings.Join(parts, ", ")
}
