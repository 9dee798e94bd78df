package bench

import (
	"fmt"
	"strings"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// mainPhases are the phases that make up the totals and the goals.
var mainPhases = []string{PhaseCreate, PhasePlan, PhaseUpdate, PhaseDestroy}

// Goals of issue 5, checked by Goals.
const (
	goalTimeRatio       = 1.15 // servitly_partner total / terraform_data total
	goalCPUPerResource  = 0.008
	goalRSSSmallMB      = 64 // for N <= 200
	goalRSSLargeMB      = 100
	goalRSSLargeMaxSize = 1000
)

// Phase returns the measured phase, if any.
func (r *Report) Phase(size int, typ, name string) (Phase, bool) {
	for _, p := range r.Phases {
		if p.Size == size && p.Type == typ && p.Name == name {
			return p, true
		}
	}
	return Phase{}, false
}

// Total is the wall time of the four main phases.
func (r *Report) Total(size int, typ string) (float64, bool) {
	total := 0.0
	for _, name := range mainPhases {
		p, ok := r.Phase(size, typ, name)
		if !ok {
			return 0, false
		}
		total += p.Seconds
	}
	return total, true
}

// refreshBudget is the most requests a refresh of n partners may cost.
func refreshBudget(n int) int { return n/100 + 2 }

// Goal is one checked target.
type Goal struct {
	Size   int
	What   string
	Want   string
	Got    string
	Passed bool
}

// Goals checks the measured numbers against the targets.
func (r *Report) Goals() []Goal {
	var goals []Goal
	for _, size := range r.Config.Sizes {
		add := func(what, want, got string, ok bool) {
			goals = append(goals, Goal{Size: size, What: what, Want: want, Got: got, Passed: ok})
		}
		partnerTotal, okP := r.Total(size, TypePartner)
		for _, base := range []struct{ typ, what string }{
			{TypeData, "total time vs terraform_data"},
			{TypeDataString, "total time vs terraform_data with a string input"},
		} {
			baseTotal, okB := r.Total(size, base.typ)
			if okP && okB && baseTotal > 0 {
				ratio := partnerTotal / baseTotal
				add(base.what, fmt.Sprintf("<= %.2fx", goalTimeRatio),
					fmt.Sprintf("%.2fx (%.1fs / %.1fs)", ratio, partnerTotal, baseTotal), ratio <= goalTimeRatio)
			}
		}
		if !okP {
			continue
		}
		worstCPU, worstPhase := 0.0, ""
		var peak int64
		for _, name := range mainPhases {
			p, _ := r.Phase(size, TypePartner, name)
			if perRes := p.Provider.CPUSec / float64(size); perRes > worstCPU {
				worstCPU, worstPhase = perRes, name
			}
			peak = max(peak, p.Provider.MaxRSSKB)
		}
		add("provider CPU per resource per phase", fmt.Sprintf("<= %.0f ms", goalCPUPerResource*1000),
			fmt.Sprintf("%.1f ms (worst: %s)", worstCPU*1000, worstPhase), worstCPU <= goalCPUPerResource)
		if limit := rssGoalMB(size); limit > 0 {
			mb := float64(peak) / 1024
			add("provider peak RSS", fmt.Sprintf("<= %d MB", limit), fmt.Sprintf("%.0f MB", mb), mb <= float64(limit))
		}
		create, _ := r.Phase(size, TypePartner, PhaseCreate)
		add("create requests", fmt.Sprintf("%d POST, no GET", size), strings.Join(sortedRoutes(create.Requests), ", "),
			create.Requests.ByRoute["POST /network/partners"] == size && reads(create.Requests) == 0)
		plan, _ := r.Phase(size, TypePartner, PhasePlan)
		add("no-change plan requests", fmt.Sprintf("<= %d (N/100+2), logins aside", refreshBudget(size)),
			fmt.Sprintf("%d (%s)", plan.APIRequests(), strings.Join(sortedRoutes(plan.Requests), ", ")),
			plan.APIRequests() <= refreshBudget(size))
		update, _ := r.Phase(size, TypePartner, PhaseUpdate)
		add("update requests", fmt.Sprintf("%d PUT + refresh <= %d, no GET after PUT", size, refreshBudget(size)),
			strings.Join(sortedRoutes(update.Requests), ", "),
			update.Requests.ByRoute["PUT /network/partners/{id}"] == size && update.APIRequests()-size <= refreshBudget(size))
		destroy, _ := r.Phase(size, TypePartner, PhaseDestroy)
		add("destroy requests", fmt.Sprintf("%d DELETE + refresh <= %d", size, refreshBudget(size)),
			strings.Join(sortedRoutes(destroy.Requests), ", "),
			destroy.Requests.ByRoute["DELETE /network/partners/{id}"] == size && destroy.APIRequests()-size <= refreshBudget(size))
	}
	if len(r.Small) == 2 {
		on, off := r.Small[0], r.Small[1]
		onReq, offReq := on.Requests.Requests-loginRequests(on.Requests), off.Requests.Requests-loginRequests(off.Requests)
		listed := on.Requests.ByRoute["GET /v2/network/partners"]
		goals = append(goals, Goal{Size: on.Partners,
			What: fmt.Sprintf("small state (%d of %d partners) lists at most one page", on.Partners, on.Tenant),
			Want: "<= 1 list page, requests <= per-partner + 1",
			Got:  fmt.Sprintf("%d list pages; %d requests batched, %d per-partner", listed, onReq, offReq),
			// One GET per partner is the floor; batching may add the one
			// list page that tells it the tenant is large.
			Passed: listed <= 1 && onReq <= offReq+1,
		})
		goals = append(goals, Goal{Size: on.Partners,
			What: fmt.Sprintf("small state (%d of %d partners) is not slower", on.Partners, on.Tenant),
			Want: "batched median <= per-partner median",
			Got:  fmt.Sprintf("%.3fs batched, %.3fs per-partner (medians of %d)", on.Seconds, off.Seconds, on.Runs),
			// Within 5 ms: the plans are measured in milliseconds.
			Passed: on.Seconds <= off.Seconds+0.005,
		})
	}
	return goals
}

func rssGoalMB(size int) int {
	switch {
	case size <= 200:
		return goalRSSSmallMB
	case size <= goalRSSLargeMaxSize:
		return goalRSSLargeMB
	}
	return 0
}

// reads counts the requests that read partners: GETs by id and list pages.
func reads(s emulator.Stats) int {
	return s.ByRoute["GET /network/partners/{id}"] + s.ByRoute["GET /v2/network/partners"]
}

// Markdown renders the report: one table per size, the small-state table,
// and the goals.
func (r *Report) Markdown() string {
	var b strings.Builder
	c := r.Config
	fmt.Fprintf(&b, "# servitly provider bench, %s\n\n", r.Started.Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "- commit `%s`, %s, %s, %d CPUs\n", orUnknown(r.Env.Commit), orUnknown(r.Env.TerraformVersion), r.Env.GoVersion, r.Env.CPUs)
	fmt.Fprintf(&b, "- emulator on loopback with %s latency per request; `-parallelism=%d`; provider logs in with api_key + pat\n", c.Latency, c.Parallelism)
	if r.Env.LoadBefore != "" {
		fmt.Fprintf(&b, "- load average before %s, after %s (the machine may be shared: compare ratios, not absolute seconds)\n", r.Env.LoadBefore, orUnknown(r.Env.LoadAfter))
	}
	b.WriteString("- requests as counted by the emulator, logins shown apart; provider CPU is user+system of every provider process of the phase; peak RSS is the largest process\n")
	if c.Repeat > 1 {
		fmt.Fprintf(&b, "- every size ran %d times, the types alternating; times and CPU are medians, peak RSS the largest\n", c.Repeat)
	}
	for _, size := range c.Sizes {
		fmt.Fprintf(&b, "\n## N = %d\n\n", size)
		b.WriteString("| phase | terraform_data s | terraform_data (string) s | servitly_partner s | ratio | ratio to string | API requests | by route | provider CPU s | CPU ms / resource | provider peak RSS MB | processes |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
		names := append([]string{}, mainPhases...)
		if _, ok := r.Phase(size, TypePartner, PhasePlanUnbatched); ok {
			names = append(names, PhasePlanUnbatched)
		}
		for _, name := range names {
			d, okD := r.Phase(size, TypeData, name)
			ds, okS := r.Phase(size, TypeDataString, name)
			p, okP := r.Phase(size, TypePartner, name)
			row := []string{name, cell(okD, d.Seconds), cell(okS, ds.Seconds), cell(okP, p.Seconds), "", "", "", "", "", "", "", ""}
			if okD && okP && d.Seconds > 0 {
				row[4] = fmt.Sprintf("%.2f", p.Seconds/d.Seconds)
			}
			if okS && okP && ds.Seconds > 0 {
				row[5] = fmt.Sprintf("%.2f", p.Seconds/ds.Seconds)
			}
			if okP {
				row[6] = fmt.Sprint(p.APIRequests())
				row[7] = strings.Join(sortedRoutes(p.Requests), ", ")
				row[8] = fmt.Sprintf("%.2f", p.Provider.CPUSec)
				row[9] = fmt.Sprintf("%.2f", p.Provider.CPUSec/float64(size)*1000)
				row[10] = fmt.Sprintf("%.0f", float64(p.Provider.MaxRSSKB)/1024)
				row[11] = fmt.Sprint(p.Provider.Processes)
			}
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
		dt, okD := r.Total(size, TypeData)
		st, okS := r.Total(size, TypeDataString)
		pt, okP := r.Total(size, TypePartner)
		ratio, ratioS := "", ""
		if okD && okP && dt > 0 {
			ratio = fmt.Sprintf("**%.2f**", pt/dt)
		}
		if okS && okP && st > 0 {
			ratioS = fmt.Sprintf("**%.2f**", pt/st)
		}
		fmt.Fprintf(&b, "| **total (4 phases)** | %s | %s | %s | %s | %s | | | | | | |\n",
			cell(okD, dt), cell(okS, st), cell(okP, pt), ratio, ratioS)
		var cpuParts []string
		for _, typ := range []string{TypeData, TypeDataString, TypePartner} {
			if _, ok := r.Total(size, typ); !ok {
				continue
			}
			cpu := 0.0
			for _, name := range mainPhases {
				p, _ := r.Phase(size, typ, name)
				cpu += p.TerraformCPU
			}
			cpuParts = append(cpuParts, fmt.Sprintf("%.1fs with %s", cpu, typ))
		}
		if len(cpuParts) > 0 {
			fmt.Fprintf(&b, "\nTerraform's own CPU over the 4 phases (provider processes excluded): %s.\n", strings.Join(cpuParts, ", "))
		}
	}
	if len(r.Small) > 0 {
		fmt.Fprintf(&b, "\n## Small state: %d partners in a tenant of %d\n\n", r.Small[0].Partners, r.Small[0].Tenant)
		b.WriteString("| no-change plan | median seconds | runs | API requests | by route |\n|---|---:|---:|---:|---|\n")
		for _, s := range r.Small {
			fmt.Fprintf(&b, "| %s | %.2f | %d | %d | %s |\n", s.Mode, s.Seconds, s.Runs, s.Requests.Requests-loginRequests(s.Requests),
				strings.Join(sortedRoutes(s.Requests), ", "))
		}
	}
	b.WriteString("\n## Goals\n\n| N | goal | target | measured | |\n|---:|---|---|---|---|\n")
	for _, g := range r.Goals() {
		verdict := "met"
		if !g.Passed {
			verdict = "**missed**"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", g.Size, g.What, g.Want, g.Got, verdict)
	}
	return b.String()
}

// cell formats seconds, or nothing when the phase was not measured.
func cell(ok bool, v float64) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf("%.2f", v)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
