package bench

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// mainPhases are the phases that make up the totals and the goals.
var mainPhases = []string{PhaseCreate, PhasePlan, PhaseUpdate, PhaseDestroy}

// Goals of issue 5, checked by Goals.
const (
	goalTimeRatio      = 1.15 // servitly_partner total / terraform_data total
	goalCPUPerResource = 0.008
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

// total adds up the wall time and Terraform's CPU of the main phases; false if one is missing.
func (r *Report) total(size int, typ string) (Phase, bool) {
	var total Phase
	for _, name := range mainPhases {
		p, ok := r.Phase(size, typ, name)
		if !ok {
			return Phase{}, false
		}
		total.Seconds += p.Seconds
		total.TerraformCPU += p.TerraformCPU
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
	add := func(size int, what, want, got string, passed bool) {
		goals = append(goals, Goal{Size: size, What: what, Want: want, Got: got, Passed: passed})
	}
	for _, size := range r.Config.Sizes {
		partner, okP := r.total(size, TypePartner)
		for _, base := range []struct{ typ, what string }{
			{TypeData, "total time vs terraform_data"},
			{TypeDataString, "total time vs terraform_data with a string input"},
		} {
			baseTotal, okB := r.total(size, base.typ)
			if okP && okB && baseTotal.Seconds > 0 {
				ratio := partner.Seconds / baseTotal.Seconds
				add(size, base.what, fmt.Sprintf("<= %.2fx", goalTimeRatio),
					fmt.Sprintf("%.2fx (%.1fs / %.1fs)", ratio, partner.Seconds, baseTotal.Seconds), ratio <= goalTimeRatio)
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
		add(size, "provider CPU per resource per phase", fmt.Sprintf("<= %.0f ms", goalCPUPerResource*1000),
			fmt.Sprintf("%.1f ms (worst: %s)", worstCPU*1000, worstPhase), worstCPU <= goalCPUPerResource)
		if limit := rssGoalMB(size); limit > 0 {
			mb := float64(peak) / 1024
			add(size, "provider peak RSS", fmt.Sprintf("<= %d MB", limit), fmt.Sprintf("%.0f MB", mb), mb <= float64(limit))
		}
		create, _ := r.Phase(size, TypePartner, PhaseCreate)
		add(size, "create requests", fmt.Sprintf("%d POST, no GET, <= %d list requests (code checks, a lookup per code)", size, size+codeCheckPages),
			routeSummary(create.Requests), createRequestsOK(create.Requests, size))
		plan, _ := r.Phase(size, TypePartner, PhasePlan)
		add(size, "no-change plan requests", fmt.Sprintf("<= %d (N/100+2), logins aside", refreshBudget(size)),
			fmt.Sprintf("%d (%s)", plan.APIRequests(), routeSummary(plan.Requests)),
			plan.APIRequests() <= refreshBudget(size))
		// Update and destroy write every partner once after a refresh; an update's apply first
		// checks, through a second refresh, that the partner is unchanged since the plan.
		for i, write := range []struct{ phase, method, note string }{
			{PhaseUpdate, "PUT", " twice (plan, unchanged-since-plan check), no GET after PUT"},
			{PhaseDestroy, "DELETE", ""},
		} {
			p, _ := r.Phase(size, TypePartner, write.phase)
			budget := (2 - i) * refreshBudget(size) // the update refreshes twice
			add(size, write.phase+" requests", fmt.Sprintf("%d %s + refresh%s <= %d", size, write.method, write.note, budget),
				routeSummary(p.Requests),
				p.Requests.ByRoute[write.method+" /network/partners/{id}"] == size && p.APIRequests()-size <= budget)
		}
	}
	if len(r.Small) == 2 {
		on, off := r.Small[0], r.Small[1]
		listed := on.Requests.ByRoute["GET /v2/network/partners"]
		// One GET per partner is the floor; batching may add the one list
		// page that tells it the tenant is large.
		add(on.Size, fmt.Sprintf("small state (%d of %d partners) lists at most one page", on.Size, r.Config.SmallTenant),
			"<= 1 list page, requests <= per-partner + 1",
			fmt.Sprintf("%d list pages; %d requests batched, %d per-partner", listed, on.APIRequests(), off.APIRequests()),
			listed <= 1 && on.APIRequests() <= off.APIRequests()+1)
		// Within 5 ms: the plans are measured in milliseconds.
		add(on.Size, fmt.Sprintf("small state (%d of %d partners) is not slower", on.Size, r.Config.SmallTenant),
			"batched median <= per-partner median",
			fmt.Sprintf("%.3fs batched, %.3fs per-partner (medians of %d)", on.Seconds, off.Seconds, on.Runs),
			on.Seconds <= off.Seconds+0.005)
	}
	return goals
}

// rssGoalMB is the provider's peak RSS goal at size partners; none above 1000.
func rssGoalMB(size int) int {
	switch {
	case size <= 200:
		return 64
	case size <= 1000:
		return 100
	}
	return 0
}

// codeCheckPages is what checking that no partner has a created code costs
// in an empty tenant: page 0 of the list, in the plan and in the apply.
const codeCheckPages = 2

// createRequestsOK: one POST per partner, no GET, the code checks, and one
// lookup by code per partner after its POST (settling a racing create).
func createRequestsOK(s emulator.Stats, size int) bool {
	return s.ByRoute["POST /network/partners"] == size && s.ByRoute["GET /network/partners/{id}"] == 0 &&
		s.ByRoute["GET /v2/network/partners"] <= size+codeCheckPages
}

// Markdown renders the report: one table per size, the small-state table, and the goals.
func (r *Report) Markdown() string {
	var b strings.Builder
	c := r.Config
	fmt.Fprintf(&b, "# servitly provider bench, %s\n\n", r.Started.Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "- commit `%s`, %s, %s, %d CPUs\n", cmp.Or(r.Env.Commit, "unknown"), cmp.Or(r.Env.TerraformVersion, "unknown"), r.Env.GoVersion, r.Env.CPUs)
	fmt.Fprintf(&b, "- emulator on loopback with %s latency per request; `-parallelism=%d`; provider logs in with api_key + pat\n", c.Latency, c.Parallelism)
	if r.Env.LoadBefore != "" {
		fmt.Fprintf(&b, "- load average before %s, after %s (the machine may be shared: compare ratios, not absolute seconds)\n", r.Env.LoadBefore, cmp.Or(r.Env.LoadAfter, "unknown"))
	}
	b.WriteString("- requests as counted by the emulator, logins shown apart; provider CPU is user+system of every provider process of the phase; peak RSS is the largest process\n")
	if c.Repeat > 1 {
		fmt.Fprintf(&b, "- every size ran %d times, the types alternating; times and CPU are medians, peak RSS the largest\n", c.Repeat)
	}
	for _, size := range c.Sizes {
		fmt.Fprintf(&b, "\n## N = %d\n\n", size)
		b.WriteString("| phase | terraform_data s | terraform_data (string) s | servitly_partner s | ratio | ratio to string | API requests | by route | provider CPU s | CPU ms / resource | provider peak RSS MB | processes |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
		names := mainPhases
		if _, ok := r.Phase(size, TypePartner, PhasePlanUnbatched); ok {
			names = append(slices.Clone(mainPhases), PhasePlanUnbatched)
		}
		for _, name := range names {
			row := timeCells(name, "%.2f", func(typ string) (Phase, bool) { return r.Phase(size, typ, name) })
			if p, ok := r.Phase(size, TypePartner, name); ok {
				row = append(row, fmt.Sprint(p.APIRequests()), routeSummary(p.Requests), fmt.Sprintf("%.2f", p.Provider.CPUSec),
					fmt.Sprintf("%.2f", p.Provider.CPUSec/float64(size)*1000),
					fmt.Sprintf("%.0f", float64(p.Provider.MaxRSSKB)/1024), fmt.Sprint(p.Provider.Processes))
			} else {
				row = append(row, "", "", "", "", "", "")
			}
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
		totals := timeCells("**total (4 phases)**", "**%.2f**", func(typ string) (Phase, bool) { return r.total(size, typ) })
		b.WriteString("| " + strings.Join(totals, " | ") + " | | | | | | |\n")
		var cpuParts []string
		for _, typ := range []string{TypeData, TypeDataString, TypePartner} {
			if total, ok := r.total(size, typ); ok {
				cpuParts = append(cpuParts, fmt.Sprintf("%.1fs with %s", total.TerraformCPU, typ))
			}
		}
		if len(cpuParts) > 0 {
			fmt.Fprintf(&b, "\nTerraform's own CPU over the 4 phases (provider processes excluded): %s.\n", strings.Join(cpuParts, ", "))
		}
	}
	if len(r.Small) > 0 {
		fmt.Fprintf(&b, "\n## Small state: %d partners in a tenant of %d\n\n", r.Small[0].Size, c.SmallTenant)
		b.WriteString("| no-change plan | median seconds | runs | API requests | by route |\n|---|---:|---:|---:|---|\n")
		for _, s := range r.Small {
			fmt.Fprintf(&b, "| %s | %.2f | %d | %d | %s |\n", s.Name, s.Seconds, s.Runs, s.APIRequests(), routeSummary(s.Requests))
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

// timeCells are a row's first six cells: the label, the seconds of each type and the ratios
// of servitly_partner to both terraform_data types, in ratioFormat; empty when not measured.
func timeCells(label, ratioFormat string, phase func(typ string) (Phase, bool)) []string {
	row := []string{label}
	for _, typ := range []string{TypeData, TypeDataString, TypePartner} {
		p, ok := phase(typ)
		row = append(row, cell(ok, "%.2f", p.Seconds))
	}
	p, okP := phase(TypePartner)
	for _, typ := range []string{TypeData, TypeDataString} {
		base, ok := phase(typ)
		row = append(row, cell(okP && ok && base.Seconds > 0, ratioFormat, p.Seconds/base.Seconds))
	}
	return row
}

// cell formats v, or nothing when it was not measured.
func cell(ok bool, format string, v float64) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf(format, v)
}
