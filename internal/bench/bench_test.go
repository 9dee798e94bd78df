package bench

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestAccBenchSmoke runs the whole bench at N = 5 so that it cannot rot:
// the real CLI, the emulator, the rusage wrapper and the report.
func TestAccBenchSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	if cli := os.Getenv("TF_ACC_TERRAFORM_PATH"); cli != "" && os.Getenv("SERVITLY_ACC_PASS") != "oldest" {
		t.Skipf("the bench's harness runs in one pass per run (make acc, and make test's acc-oldest), not with %s", cli)
	}
	const n = 5
	cfg := Config{
		Sizes:       []int{n},
		Latency:     time.Millisecond,
		Parallelism: 10,
		SmallN:      2,
		SmallTenant: 250,
		ModuleDir:   "../..",
	}
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		cfg.Terraform = tf
	}
	if testing.Verbose() {
		cfg.Log = os.Stderr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	report, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}

	for _, typ := range []string{TypePartner, TypeData, TypeDataString} {
		for _, name := range mainPhases {
			if _, ok := report.Phase(n, typ, name); !ok {
				t.Errorf("no %s row for %s", name, typ)
			}
		}
	}
	phase := func(name string) Phase {
		p, _ := report.Phase(n, TypePartner, name)
		return p
	}
	create, plan, unbatched, update, destroy := phase(PhaseCreate), phase(PhasePlan), phase(PhasePlanUnbatched), phase(PhaseUpdate), phase(PhaseDestroy)
	if !createRequestsOK(create.Requests, n) {
		t.Errorf("create: %v; want %d POST, no GET and at most %d list requests", create.Requests.ByRoute, n, n+codeCheckPages)
	}
	if plan.APIRequests() > refreshBudget(n) || plan.Requests.ByRoute["GET /v2/network/partners"] == 0 {
		t.Errorf("no-change plan: %v; want at most %d requests, using the list", plan.Requests.ByRoute, refreshBudget(n))
	}
	if got := unbatched.Requests.ByRoute["GET /network/partners/{id}"]; got != n || unbatched.Requests.ByRoute["GET /v2/network/partners"] != 0 {
		t.Errorf("plan with batch_refresh = false: %v; want a GET per partner", unbatched.Requests.ByRoute)
	}
	if got := update.Requests.ByRoute["PUT /network/partners/{id}"]; got != n {
		t.Errorf("update: %v; want %d PUT", update.Requests.ByRoute, n)
	}
	if got := destroy.Requests.ByRoute["DELETE /network/partners/{id}"]; got != n {
		t.Errorf("destroy: %v; want %d DELETE", destroy.Requests.ByRoute, n)
	}
	for _, p := range []Phase{create, plan, update, destroy} {
		if p.Seconds <= 0 || p.Provider.Processes == 0 || p.Provider.CPUSec <= 0 || p.Provider.MaxRSSKB <= 0 {
			t.Errorf("%s: %.2fs, provider usage %+v; want every number measured", p.Name, p.Seconds, p.Provider)
		}
	}
	if d, _ := report.Phase(n, TypeData, PhaseCreate); d.Requests.Requests != 0 || d.Provider.Processes != 0 {
		t.Errorf("terraform_data create: %d requests, %d provider processes; want none", d.Requests.Requests, d.Provider.Processes)
	}
	if len(report.Small) != 2 || report.Small[0].Requests.ByRoute["GET /v2/network/partners"] > 1 {
		t.Errorf("small state: %+v; want two plans, the batched one listing at most one page", report.Small)
	}
	md := report.Markdown()
	for _, want := range []string{"## N = 5", "| create |", "| plan, batch_refresh=false |", "**total (4 phases)**", "## Small state", "## Goals"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

func TestReportGoals(t *testing.T) {
	stats := func(routes map[string]int) emulator.Stats {
		total := 0
		for _, n := range routes {
			total += n
		}
		return emulator.Stats{Requests: total, ByRoute: routes}
	}
	usage := Usage{Processes: 3, CPUSec: 1.0, MaxRSSKB: 40 << 10}
	r := &Report{Config: Config{Sizes: []int{200}}, Started: time.Unix(0, 0)}
	for _, p := range []struct {
		name   string
		routes map[string]int
		cpu    float64
	}{
		{PhaseCreate, map[string]int{"POST /network/partners": 200, "POST /identity/users/patLogin": 1}, 1.0},
		{PhasePlan, map[string]int{"GET /network/partners/{id}": 1, "GET /v2/network/partners": 1}, 1.0},
		{PhaseUpdate, map[string]int{"PUT /network/partners/{id}": 200, "GET /v2/network/partners": 1, "GET /network/partners/{id}": 1}, 2.0}, // 10 ms per resource
		{PhaseDestroy, map[string]int{"DELETE /network/partners/{id}": 200, "GET /v2/network/partners": 1, "GET /network/partners/{id}": 1}, 1.0},
	} {
		u := usage
		u.CPUSec = p.cpu
		r.Phases = append(r.Phases,
			Phase{Size: 200, Type: TypePartner, Name: p.name, Seconds: 2.2, Requests: stats(p.routes), Provider: u},
			Phase{Size: 200, Type: TypeData, Name: p.name, Seconds: 2.0})
	}
	got := map[string]bool{}
	for _, g := range r.Goals() {
		got[g.What] = g.Passed
	}
	want := map[string]bool{
		"total time vs terraform_data":        true, // 1.10x
		"provider CPU per resource per phase": false,
		"provider peak RSS":                   true,
		"create requests":                     true,
		"no-change plan requests":             true,
		"update requests":                     true,
		"destroy requests":                    true,
	}
	for what, passed := range want {
		if p, ok := got[what]; !ok || p != passed {
			t.Errorf("goal %q: passed=%v (reported %v), want %v", what, p, ok, passed)
		}
	}
	md := r.Markdown()
	if !strings.Contains(md, "| **total (4 phases)** | 8.00 |  | 8.80 | **1.10** |  |") || !strings.Contains(md, "**missed**") {
		t.Errorf("unexpected report:\n%s", md)
	}
}

func TestMedianPhases(t *testing.T) {
	runs := []Phase{
		{Size: 5, Type: TypePartner, Name: PhaseCreate, Seconds: 3, Provider: Usage{CPUSec: 1, MaxRSSKB: 10}},
		{Size: 5, Type: TypeData, Name: PhaseCreate, Seconds: 1},
		{Size: 5, Type: TypePartner, Name: PhaseCreate, Seconds: 1, Provider: Usage{CPUSec: 3, MaxRSSKB: 30}},
		{Size: 5, Type: TypePartner, Name: PhaseCreate, Seconds: 2, Provider: Usage{CPUSec: 2, MaxRSSKB: 20}},
	}
	got := medianPhases(runs)
	if len(got) != 2 || got[0].Type != TypePartner || got[1].Type != TypeData {
		t.Fatalf("got %+v, want one partner row then one terraform_data row", got)
	}
	if p := got[0]; p.Runs != 3 || p.Seconds != 2 || p.Provider.CPUSec != 2 || p.Provider.MaxRSSKB != 30 {
		t.Errorf("merged %+v; want 3 runs, median 2s and 2s CPU, largest RSS 30", p)
	}
}
