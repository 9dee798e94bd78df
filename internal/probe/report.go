package probe

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Status is the outcome of one check.
type Status string

const (
	OK      Status = "ok"       // the API behaved as the provider expects
	Differs Status = "DIFFERS"  // it behaved otherwise
	NotSeen Status = "not seen" // the probe could not observe it (a step failed, or nothing happened, e.g. no 429)
)

// Check IDs, stable for scripts and tests.
const (
	CheckCreate          = "create"
	CheckGet             = "get"
	CheckListFull        = "list-full"
	CheckFilterCode      = "filter-code"
	CheckFilterName      = "filter-name"
	CheckFilterCountry   = "filter-country"
	CheckFilterSearch    = "filter-search"
	CheckFilterOrgName   = "filter-org-name"
	CheckPutReplaces     = "put-replaces"
	CheckPropertyStrings = "property-strings"
	CheckMissing404      = "missing-404"
	CheckErrorBody       = "error-body"
	CheckDelete          = "delete"
	CheckDeleteStatus    = "delete-status"
	CheckRetryAfter      = "retry-after"
)

// Check is one API behaviour and what the probe saw of it.
type Check struct {
	ID        string
	Behaviour string // what the provider (or the emulator) assumes
	Relied    bool   // the provider depends on it; the other checks are informational
	Status    Status
	Seen      string // what the probe observed
	Advice    string // what to do when the behaviour differs
}

const listAdvice = "the provider re-checks every list answer against the filter and walks the whole list when needed: " +
	"data sources and import by code stay correct but read more pages on large tenants"

const organizationListAdvice = "the provider matches names itself from the whole list: " +
	"the organization data source stays correct by name but reads every page of the organization list"

// catalogue lists every check in table order, before anything is seen.
func catalogue() []Check {
	checks := []Check{
		{ID: CheckCreate, Relied: true,
			Behaviour: "POST /network/partners creates the partner and answers it with its id",
			Advice:    "the provider cannot create partners on this tenant; check the permissions READ_PARTNER and WRITE_PARTNER and the error above"},
		{ID: CheckGet, Relied: true,
			Behaviour: "GET /network/partners/{id} answers every field as it was sent",
			Advice:    "fields the server changes show up as a diff after every apply; set them in the configuration as the server stores them"},
		{ID: CheckListFull, Relied: true,
			Behaviour: "GET /v2/network/partners (pages of 200) lists each partner as its GET answers it, properties and organization included",
			Advice:    "batch_refresh notices summaries and falls back to one GET per partner; set batch_refresh = false (README, Performance) to skip the list"},
		{ID: CheckFilterCode, Relied: true, Behaviour: "list filter code=eq;<code> returns exactly the matching partners", Advice: listAdvice},
		{ID: CheckFilterName, Relied: true, Behaviour: "list filter name=eq;<name> returns exactly the matching partners", Advice: listAdvice},
		{ID: CheckFilterCountry, Relied: true, Behaviour: "list filter country=eq;<country> returns exactly the matching partners", Advice: listAdvice},
		{ID: CheckFilterSearch, Relied: true, Behaviour: "list filter searchText=<name>&searchField=name returns exactly the matching partners", Advice: listAdvice},
		{ID: CheckFilterOrgName, Relied: true,
			Behaviour: "organization list filter name=eq;<name> returns exactly the organizations of that name", Advice: organizationListAdvice},
		{ID: CheckPutReplaces, Relied: true,
			Behaviour: "PUT /network/partners/{id} replaces the whole partner: a field left out of the body is cleared",
			Advice: "the provider sends every field on update, so changes still apply; removing organization_id from a partner may be refused " +
				"with a clear error, then recreate the partner (README, Check the API against your tenant)"},
		{ID: CheckPropertyStrings, Relied: true,
			Behaviour: `property values come back as JSON strings, e.g. "42" and "true"`,
			Advice:    "the provider reads properties as strings and cannot read these answers; please report this table to the provider's maintainers"},
		{ID: CheckMissing404, Relied: true,
			Behaviour: "GET of a missing partner answers 404",
			Advice:    "the provider cannot tell that a partner was deleted outside Terraform; please report this table to the provider's maintainers"},
		{ID: CheckErrorBody, Behaviour: `error answers carry {"message": "..."}`,
			Advice: "nothing to do: error messages show the HTTP status text instead of the server's message"},
		{ID: CheckDelete, Relied: true,
			Behaviour: "DELETE /network/partners/{id} answers 2xx and a GET afterwards answers 404",
			Advice:    "terraform destroy may not remove partners; check the permissions (WRITE_PARTNER or a DELETE permission) and the error above"},
		{ID: CheckDeleteStatus, Behaviour: "DELETE answers 204 No Content (as the emulator does by default)",
			Advice: "nothing to do: the provider accepts any 2xx"},
		{ID: CheckRetryAfter, Behaviour: "a 429 (rate limit) answer carries Retry-After",
			Advice: "nothing to do: without Retry-After the provider backs off from 1 s to 60 s; max_requests_per_minute avoids the limit"},
	}
	for i := range checks {
		checks[i].Status = NotSeen
	}
	return checks
}

// Report is the outcome of a probe run.
type Report struct {
	BaseURL string
	Tenant  string
	Code    string // code of the partner the probe created
	Checks  []Check
	Notes   []string // what happened along the way, cleanup included
	Err     error    // the step that stopped the run early, if any
	// CleanupErr is set when something the probe created may be left behind.
	CleanupErr error
}

// set records what the probe saw of a check; an unknown id panics.
func (r *Report) set(id string, status Status, format string, args ...any) {
	c := &r.Checks[r.index(id)]
	c.Status, c.Seen = status, fmt.Sprintf(format, args...)
}

func (r *Report) index(id string) int {
	return slices.IndexFunc(r.Checks, func(c Check) bool { return c.ID == id })
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// Differing returns the IDs of the relied-on checks that differ.
func (r *Report) Differing() []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Relied && c.Status == Differs {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// ExitCode is 0 when every relied-on behaviour held and the run finished and cleaned up, else 1.
func (r *Report) ExitCode() int {
	if len(r.Differing()) > 0 || r.Err != nil || r.CleanupErr != nil {
		return 1
	}
	return 0
}

// WriteTable prints the checks, the notes and a verdict.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Servitly API probe of tenant %q at %s\n\n", r.Tenant, r.BaseURL)
	for _, c := range r.Checks {
		behaviour := c.Behaviour
		if !c.Relied {
			behaviour += " (informational)"
		}
		fmt.Fprintf(&b, "%-9s %-17s %s\n", c.Status, c.ID, behaviour)
		if c.Seen != "" {
			fmt.Fprintf(&b, "%27s seen: %s\n", "", oneLine(c.Seen))
		}
		if c.Status == Differs {
			fmt.Fprintf(&b, "%27s do:   %s\n", "", c.Advice)
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(&b, "\nNotes:")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  - %s\n", oneLine(n))
		}
	}
	fmt.Fprintln(&b)
	switch differing := r.Differing(); {
	case r.Err != nil:
		fmt.Fprintf(&b, "The probe stopped early: %v\n", r.Err)
	case len(differing) > 0:
		fmt.Fprintf(&b, "%d behaviour(s) the provider relies on differ: %s. Read the advice above before the first apply.\n",
			len(differing), strings.Join(differing, ", "))
	default:
		fmt.Fprintln(&b, "Every behaviour the provider relies on held.")
	}
	if r.CleanupErr != nil {
		fmt.Fprintf(&b, "CLEANUP FAILED: %v\nDelete partners with code %q in the Servitly console.\n", r.CleanupErr, r.Code)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
