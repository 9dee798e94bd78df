// Package probe checks the Servitly API behaviours that the provider relies
// on but Servitly does not document, against a real tenant: it creates one
// partner with a unique code, reads, lists, filters, updates and deletes it,
// and reports, for each behaviour, whether it held. cmd/servitly-probe runs it
// (make probe). Whatever it created is deleted again, even when a step fails.
package probe

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

const (
	// CodePrefix starts the code of every partner the probe creates.
	CodePrefix = "tfprobe-"
	userAgent  = "servitly-probe"
	// missingID is an id no partner has.
	missingID = "000000000000000000000000"
	// maxListPages bounds how far the probe walks a list looking for its partner.
	maxListPages = 25
	country      = "Italy"
	timezone     = "Europe/Rome"
)

// Options tunes a run. The zero value is fine.
type Options struct {
	// Code of the partner to create; default CodePrefix plus 12 random hex digits.
	Code string
	// Logf reports progress, one line per step; nil is silent.
	Logf func(format string, args ...any)
	// CleanupTimeout bounds the cleanup, which runs even after ctx ends; default 2m.
	CleanupTimeout time.Duration
}

// run is the state of one probe run.
type run struct {
	client *client.Client
	wire   *wire
	rec    *recorder
	report *Report
	logf   func(format string, args ...any)

	input   client.PartnerInput
	id      string // of the created partner, once known
	created bool   // a create was sent, so something may need cleaning up
	deleted bool
}

// Run probes the tenant that cfg points at and returns the report. cfg is the
// client configuration the provider would use; its HTTPClient (if any) is
// kept, with the probe's recorder wrapped around its transport.
func Run(ctx context.Context, cfg client.Config, opts Options) *Report {
	report := &Report{BaseURL: cfg.BaseURL, Tenant: cfg.Tenant, Checks: catalogue()}
	if report.BaseURL == "" {
		report.BaseURL = client.DefaultBaseURL
	}
	base, err := client.ParseBaseURL(report.BaseURL)
	if err != nil {
		report.Err = err
		return report
	}
	httpClient := &http.Client{}
	if cfg.HTTPClient != nil {
		*httpClient = *cfg.HTTPClient
	}
	next := httpClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	rec := &recorder{next: next}
	httpClient.Transport = rec
	cfg.HTTPClient = httpClient
	if cfg.UserAgent == "" {
		cfg.UserAgent = userAgent
	}
	c, err := client.New(cfg)
	if err != nil {
		report.Err = err
		return report
	}
	r := &run{client: c, rec: rec, report: report, logf: opts.Logf}
	if r.logf == nil {
		r.logf = func(string, ...any) {}
	}
	r.wire = &wire{base: base, tenant: cfg.Tenant, http: httpClient, rec: rec,
		reauth:  func(ctx context.Context) { _, _ = c.GetPartner(ctx, missingID) },
		backoff: cmp.Or(cfg.MinBackoff, 5*time.Second)}
	report.Code = opts.Code
	if report.Code == "" {
		report.Code = CodePrefix + randomHex(6)
	}

	cleanupTimeout := opts.CleanupTimeout
	if cleanupTimeout <= 0 {
		cleanupTimeout = 2 * time.Minute
	}
	defer func() {
		// Clean up even when ctx was cancelled (Ctrl-C) or a step failed.
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		r.cleanup(cleanupCtx)
		r.checkRateLimits()
	}()
	report.Err = r.steps(ctx)
	return report
}

// steps runs the probe in order; an error stops it.
func (r *run) steps(ctx context.Context) error {
	for _, step := range []struct {
		name string
		do   func(context.Context) error
	}{
		{"log in and find the root organization", r.findOrganization},
		{"create a partner", r.create},
		{"read it back", r.get},
		{"find it in the list", r.list},
		{"filter the list", r.filters},
		{"update it with a field left out", r.update},
		{"update it with number-like property values", r.typedValues},
		{"read a missing partner", r.missing},
		{"delete it", r.delete},
	} {
		r.logf("probe: %s", step.name)
		if err := step.do(ctx); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}
	return nil
}

func (r *run) findOrganization(ctx context.Context) error {
	r.input = client.PartnerInput{
		Name:       "Terraform probe " + r.report.Code,
		Code:       r.report.Code,
		Country:    country,
		Timezone:   timezone,
		Properties: map[string]string{"tfprobe": "created by servitly-probe, safe to delete"},
	}
	orgs, err := r.client.ListOrganizations(ctx, "")
	var loginErr *client.LoginError
	switch {
	case errors.As(err, &loginErr):
		return err
	case err != nil:
		r.report.note("the partner gets no organization: listing organizations failed: %v", err)
		return nil
	}
	for _, o := range orgs {
		if o.Parent == nil || o.Parent.ID == "" {
			r.input.Organization = &client.Ref{ID: o.ID}
			r.report.note("the partner belongs to the root organization %q (%s)", o.Name, o.ID)
			return nil
		}
	}
	r.report.note("the partner gets no organization: none of the %d organizations listed is a root", len(orgs))
	return nil
}

func (r *run) create(ctx context.Context) error {
	r.created = true
	p, _, err := r.client.CreatePartner(ctx, r.input)
	e, sent := r.rec.last(http.MethodPost, "/network/partners")
	if err != nil {
		seen := err.Error()
		if sent {
			seen = fmt.Sprintf("HTTP %d: %v", e.Status, err)
		}
		r.report.set(CheckCreate, Differs, "%s", seen)
		return err
	}
	r.id = p.ID
	r.report.note("created partner %s with code %s", p.ID, r.report.Code)
	r.report.set(CheckCreate, OK, "HTTP %d with id %s", e.Status, p.ID)
	return nil
}

func (r *run) get(ctx context.Context) error {
	p, err := r.client.GetPartner(ctx, r.id)
	if err != nil {
		r.report.set(CheckGet, Differs, "%v", err)
		return err
	}
	var diffs []string
	add := func(field, got, want string) {
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s %q (sent %q)", field, got, want))
		}
	}
	add("name", p.Name, r.input.Name)
	add("code", p.Code, r.input.Code)
	add("country", p.Country, r.input.Country)
	add("timezone", p.Timezone, r.input.Timezone)
	add("organization", p.OrganizationID(), refID(r.input.Organization))
	if !maps.Equal(p.Properties, r.input.Properties) {
		diffs = append(diffs, fmt.Sprintf("properties %v (sent %v)", p.Properties, r.input.Properties))
	}
	if len(diffs) > 0 {
		r.report.set(CheckGet, Differs, "%s", strings.Join(diffs, "; "))
		return nil
	}
	r.report.set(CheckGet, OK, "HTTP 200, every field as sent")
	return nil
}

// list walks the unfiltered list as batch_refresh does, through the client,
// and looks at the raw entry of the probe's partner.
func (r *run) list(ctx context.Context) error {
	for number := 0; number < maxListPages; number++ {
		page, err := r.client.ListPartnersPage(ctx, number)
		if err != nil {
			r.report.set(CheckListFull, Differs, "%v", err)
			return nil // the provider falls back; the other steps still tell something
		}
		if i := slices.IndexFunc(page.Partners, func(p client.Partner) bool { return p.ID == r.id }); i >= 0 {
			e, _ := r.rec.last(http.MethodGet, "/v2/network/partners")
			entries, _, err := listAnswer(e.Body)
			if err != nil {
				r.report.set(CheckListFull, Differs, "%v", err)
				return nil
			}
			at := slices.IndexFunc(entries, func(e listEntry) bool { return e.ID == r.id })
			if at < 0 {
				r.report.set(CheckListFull, Differs, "page %d: the client found the partner but the raw answer does not hold it", number)
				return nil
			}
			entry := entries[at]
			want := []string{"name", "code", "country", "timezone", "properties"}
			if r.input.Organization != nil {
				want = append(want, "organization")
			}
			var missing []string
			for _, key := range want {
				if _, ok := entry.raw[key]; !ok {
					missing = append(missing, key)
				}
			}
			if len(missing) > 0 {
				r.report.set(CheckListFull, Differs, "page %d lists the partner as a summary without %s", number, strings.Join(missing, ", "))
				return nil
			}
			r.report.set(CheckListFull, OK, "page %d lists the full partner", number)
			return nil
		}
		if page.Last {
			break
		}
	}
	r.report.set(CheckListFull, Differs, "the partner is not in the first %d pages of the unfiltered list", maxListPages)
	return nil
}

// filters sends each filter twice, raw: with the partner's value, which must
// list it and only partners that match, and with a value no partner has,
// which must list nothing. A filter that lists non-matching partners is
// ignored; one that does not list the partner missed it.
func (r *run) filters(ctx context.Context) error {
	nomatch := r.report.Code + "-nomatch"
	for _, f := range []struct {
		check        string
		query        func(value string) url.Values
		value, shown string
		field        func(listEntry) string
	}{
		{CheckFilterCode, eqFilter("code"), r.input.Code, "code=eq;" + r.input.Code, func(e listEntry) string { return e.Code }},
		{CheckFilterName, eqFilter("name"), r.input.Name, "name=eq;" + r.input.Name, func(e listEntry) string { return e.Name }},
		{CheckFilterCountry, eqFilter("country"), r.input.Country, "country=eq;" + r.input.Country, func(e listEntry) string { return e.Country }},
		{CheckFilterSearch, func(v string) url.Values { return url.Values{"searchText": {v}, "searchField": {"name"}} },
			r.input.Name, "searchText=" + r.input.Name + "&searchField=name", func(e listEntry) string { return strings.ToLower(e.Name) }},
	} {
		want := f.value
		if f.check == CheckFilterSearch {
			want = strings.ToLower(want) // searchText matches case-insensitively
		}
		found, strangers, status, err := r.filtered(ctx, f.query(f.value), func(e listEntry) bool { return f.field(e) == want })
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			r.report.set(f.check, Differs, "%s answered HTTP %d", f.shown, status)
			continue
		}
		_, others, status, err := r.filtered(ctx, f.query(nomatch), func(listEntry) bool { return false })
		if err != nil {
			return err
		}
		switch {
		case strangers > 0 || others > 0:
			r.report.set(f.check, Differs, "ignored: %s also listed %d partner(s) that do not match, and a value no partner has listed %d",
				f.shown, strangers, others)
		case status != http.StatusOK:
			r.report.set(f.check, Differs, "a value no partner has answered HTTP %d", status)
		case !found:
			r.report.set(f.check, Differs, "missed: %s did not list the partner", f.shown)
		default:
			r.report.set(f.check, OK, "%s listed the partner and only matching partners", f.shown)
		}
	}
	return nil
}

func eqFilter(name string) func(string) url.Values {
	return func(v string) url.Values { return url.Values{name: {"eq;" + v}} }
}

// filtered walks a filtered list until it finds the probe's partner, and
// counts the entries that do not match.
func (r *run) filtered(ctx context.Context, filter url.Values, matches func(listEntry) bool) (found bool, strangers, status int, err error) {
	for number := 0; number < maxListPages; number++ {
		q := maps.Clone(filter)
		q.Set("page", fmt.Sprint(number))
		q.Set("size", fmt.Sprint(client.PageSize))
		e, err := r.wire.call(ctx, http.MethodGet, "/v2/network/partners", q, nil)
		if err != nil {
			return false, 0, 0, err
		}
		if e.Status != http.StatusOK {
			return false, 0, e.Status, nil
		}
		entries, last, err := listAnswer(e.Body)
		if err != nil {
			return false, 0, 0, err
		}
		for _, entry := range entries {
			found = found || entry.ID == r.id
			if !matches(entry) {
				strangers++
			}
		}
		if found || last || strangers > 0 {
			return found, strangers, http.StatusOK, nil
		}
	}
	return found, strangers, http.StatusOK, nil
}

// body is the partner as a raw PUT body, every field present.
func (r *run) body(properties map[string]string) map[string]any {
	b := map[string]any{
		"name": r.input.Name, "code": r.input.Code, "country": r.input.Country,
		"timezone": r.input.Timezone, "properties": properties, "organization": nil,
	}
	if r.input.Organization != nil {
		b["organization"] = map[string]string{"id": r.input.Organization.ID}
	}
	return b
}

// update sends a raw PUT without country: a replacing server clears it, a
// merging one keeps it. Then it restores the partner through the client.
func (r *run) update(ctx context.Context) error {
	b := r.body(r.input.Properties)
	delete(b, "country")
	put, err := r.wire.call(ctx, http.MethodPut, "/network/partners/"+r.id, nil, b)
	if err != nil {
		return err
	}
	if put.Status < 200 || put.Status > 299 {
		r.report.set(CheckPutReplaces, Differs, "PUT answered HTTP %d: %s", put.Status, excerpt(put.Body))
		return nil
	}
	got, err := r.read(ctx)
	if err != nil {
		return err
	}
	var country string
	_ = json.Unmarshal(got["country"], &country)
	if country == "" {
		r.report.set(CheckPutReplaces, OK, "HTTP %d; country, left out, was cleared", put.Status)
	} else {
		r.report.set(CheckPutReplaces, Differs, "merge: HTTP %d, and country, left out of the body, kept %q", put.Status, country)
	}
	if _, err := r.client.UpdatePartner(ctx, r.id, r.input); err != nil {
		r.report.note("restoring the partner after the update check failed: %v", err)
	}
	return nil
}

// typedValues stores number- and boolean-like property values raw and looks
// at how the answer writes them.
func (r *run) typedValues(ctx context.Context) error {
	props := maps.Clone(r.input.Properties)
	props["tfprobe_number"], props["tfprobe_flag"] = "42", "true"
	put, err := r.wire.call(ctx, http.MethodPut, "/network/partners/"+r.id, nil, r.body(props))
	if err != nil {
		return err
	}
	if put.Status < 200 || put.Status > 299 {
		r.report.set(CheckPropertyStrings, NotSeen, "PUT with the properties answered HTTP %d: %s", put.Status, excerpt(put.Body))
		return nil
	}
	got, err := r.read(ctx)
	if err != nil {
		return err
	}
	var values map[string]json.RawMessage
	if err := json.Unmarshal(got["properties"], &values); err != nil {
		r.report.set(CheckPropertyStrings, Differs, "properties is not an object (%v): %s", err, excerpt(got["properties"]))
		return nil //nolint:nilerr // a differing answer goes into the report; the probe goes on
	}
	var typed []string
	for _, key := range []string{"tfprobe_number", "tfprobe_flag"} {
		if v, ok := values[key]; ok && !bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) {
			typed = append(typed, fmt.Sprintf("%s: %s", key, v))
		}
	}
	if len(typed) > 0 {
		r.report.set(CheckPropertyStrings, Differs, "values come back unquoted (%s)", strings.Join(typed, ", "))
		return nil
	}
	r.report.set(CheckPropertyStrings, OK, `"42" and "true" come back as strings`)
	return nil
}

// read is a raw GET of the probe's partner.
func (r *run) read(ctx context.Context) (map[string]json.RawMessage, error) {
	e, err := r.wire.call(ctx, http.MethodGet, "/network/partners/"+r.id, nil, nil)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if e.Status != http.StatusOK || json.Unmarshal(e.Body, &fields) != nil {
		return nil, fmt.Errorf("GET /network/partners/%s answered HTTP %d: %s", r.id, e.Status, excerpt(e.Body))
	}
	return fields, nil
}

func (r *run) missing(ctx context.Context) error {
	_, err := r.client.GetPartner(ctx, missingID)
	e, _ := r.rec.last(http.MethodGet, "/network/partners/"+missingID)
	if client.IsNotFound(err) {
		r.report.set(CheckMissing404, OK, "HTTP 404")
	} else {
		r.report.set(CheckMissing404, Differs, "HTTP %d (%v)", e.Status, err)
	}
	var body struct {
		Message *string `json:"message"`
	}
	if json.Unmarshal(e.Body, &body) == nil && body.Message != nil {
		r.report.set(CheckErrorBody, OK, "HTTP %d %s", e.Status, excerpt(e.Body))
	} else {
		r.report.set(CheckErrorBody, Differs, "HTTP %d with body %s", e.Status, excerpt(e.Body))
	}
	return nil
}

func (r *run) delete(ctx context.Context) error {
	err := r.client.DeletePartner(ctx, r.id)
	e, _ := r.rec.last(http.MethodDelete, "/network/partners/"+r.id)
	if err != nil {
		r.report.set(CheckDelete, Differs, "%v", err)
		return nil // cleanup tries again
	}
	switch e.Status {
	case http.StatusNoContent:
		r.report.set(CheckDeleteStatus, OK, "HTTP 204")
	default:
		r.report.set(CheckDeleteStatus, Differs, "HTTP %d %s", e.Status, excerpt(e.Body))
	}
	_, err = r.client.GetPartner(ctx, r.id)
	switch {
	case e.Status < 200 || e.Status > 299:
		r.report.set(CheckDelete, Differs, "DELETE answered HTTP %d", e.Status)
	case client.IsNotFound(err):
		r.deleted = true
		r.report.note("deleted partner %s", r.id)
		r.report.set(CheckDelete, OK, "HTTP %d, then GET answered 404", e.Status)
	default:
		r.report.set(CheckDelete, Differs, "HTTP %d, but GET afterwards answered %v", e.Status, errOrOK(err))
	}
	return nil
}

// cleanup deletes the probe's partner: by id when the create answered, and
// otherwise every partner holding the probe's unique code.
func (r *run) cleanup(ctx context.Context) {
	if !r.created || r.deleted {
		return
	}
	ids := []string{r.id}
	if r.id == "" {
		found, err := r.findByCode(ctx)
		if err != nil {
			r.report.CleanupErr = fmt.Errorf("looking up partners with code %s: %w", r.report.Code, err)
			return
		}
		ids = found
	}
	var errs []error
	for _, id := range ids {
		if err := r.client.DeletePartner(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("deleting partner %s: %w", id, err))
			continue
		}
		r.report.note("cleanup: deleted partner %s", id)
	}
	r.report.CleanupErr = errors.Join(errs...)
}

// findByCode walks the whole list (filters may be ignored or misread) and
// returns the ids of the partners with the probe's code.
func (r *run) findByCode(ctx context.Context) ([]string, error) {
	var ids []string
	for number := 0; ; number++ {
		q := url.Values{"page": {fmt.Sprint(number)}, "size": {fmt.Sprint(client.PageSize)}}
		e, err := r.wire.call(ctx, http.MethodGet, "/v2/network/partners", q, nil)
		if err != nil {
			return nil, err
		}
		if e.Status != http.StatusOK {
			return nil, fmt.Errorf("the list answered HTTP %d: %s", e.Status, excerpt(e.Body))
		}
		entries, last, err := listAnswer(e.Body)
		if err != nil {
			return nil, err
		}
		for _, entry := range entries {
			if entry.Code == r.report.Code && entry.ID != "" {
				ids = append(ids, entry.ID)
			}
		}
		if last {
			return ids, nil
		}
	}
}

// checkRateLimits looks at every 429 the run met, retries included.
func (r *run) checkRateLimits() {
	var with, without int
	for _, e := range r.rec.all() {
		if e.Status != http.StatusTooManyRequests {
			continue
		}
		if e.Header.Get("Retry-After") != "" {
			with++
		} else {
			without++
		}
	}
	switch {
	case with+without == 0:
		r.report.set(CheckRetryAfter, NotSeen, "no 429 during the run")
	case without > 0:
		r.report.set(CheckRetryAfter, Differs, "%d of %d answers 429 had no Retry-After", without, with+without)
	default:
		r.report.set(CheckRetryAfter, OK, "%d answers 429, each with Retry-After", with)
	}
}

func refID(ref *client.Ref) string {
	if ref == nil {
		return ""
	}
	return ref.ID
}

func errOrOK(err error) any {
	if err == nil {
		return "200 (the partner is still there)"
	}
	return err
}

func excerpt(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
