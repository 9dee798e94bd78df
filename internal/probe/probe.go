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
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

const (
	// CodePrefix starts the code of every partner the probe creates.
	CodePrefix = "tfprobe-"
	// maxListPages bounds how far the probe walks a list looking for its partner.
	maxListPages = 25
	// cleanupTimeout bounds the cleanup, which runs even after the run's context ends.
	cleanupTimeout = 2 * time.Minute
)

// run is the state of one probe run.
type run struct {
	client *client.Client
	limits *rateLimits
	report *Report

	orgs    []client.Organization // the unfiltered organization list
	orgsErr error                 // why listing them failed
	input   client.PartnerInput
	id      string         // of the created partner, once known
	got     client.Partner // its GET answer
	created bool           // a create was sent and no delete held, so something may need cleaning up
}

// Run probes the tenant that cfg points at and returns the report. cfg is the
// client configuration the provider would use; its Logger is replaced by the
// probe's count of answers 429. logf reports progress, one line per step; nil
// is silent.
func Run(ctx context.Context, cfg client.Config, logf func(format string, args ...any)) *Report {
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix) // crypto/rand.Read never fails
	report := &Report{BaseURL: cmp.Or(cfg.BaseURL, client.DefaultBaseURL), Tenant: cfg.Tenant,
		Code: CodePrefix + hex.EncodeToString(suffix), Checks: catalogue()}
	limits := &rateLimits{}
	cfg.Logger = limits
	cfg.UserAgent = cmp.Or(cfg.UserAgent, "servitly-probe")
	c, err := client.New(cfg)
	if err != nil {
		report.Err = err
		return report
	}
	r := &run{client: c, limits: limits, report: report}
	defer func() {
		// Clean up even when ctx was cancelled (Ctrl-C) or a step failed.
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		r.cleanup(cleanupCtx)
		r.checkRateLimits()
	}()
	// The steps run in order; an error stops the run.
	for _, step := range []struct {
		name string
		do   func(context.Context) error
	}{
		{"log in and find the root organization", r.findOrganization},
		{"create a partner", r.create},
		{"read it back", r.get},
		{"find it in the list", r.list},
		{"filter the list", r.filters},
		{"filter the organization list", r.organizationFilter},
		{"update it with a field left out", r.update},
		{"update it with number-like property values", r.typedValues},
		{"read a missing partner", r.missing},
		{"delete it", r.delete},
	} {
		if logf != nil {
			logf("probe: %s", step.name)
		}
		if err := step.do(ctx); err != nil {
			report.Err = fmt.Errorf("%s: %w", step.name, err)
			break
		}
	}
	return report
}

// ConfigFromEnv reads the provider's SERVITLY_* environment variables:
// SERVITLY_BASE_URL, SERVITLY_TENANT and one login flow (SERVITLY_TOKEN;
// SERVITLY_API_KEY with SERVITLY_PAT; or SERVITLY_API_KEY with
// SERVITLY_EMAIL and SERVITLY_PASSWORD).
func ConfigFromEnv(getenv func(string) string) (client.Config, error) {
	cfg := client.Config{
		BaseURL:  cmp.Or(getenv("SERVITLY_BASE_URL"), client.DefaultBaseURL),
		Tenant:   getenv("SERVITLY_TENANT"),
		Token:    getenv("SERVITLY_TOKEN"),
		APIKey:   getenv("SERVITLY_API_KEY"),
		PAT:      getenv("SERVITLY_PAT"),
		Email:    getenv("SERVITLY_EMAIL"),
		Password: getenv("SERVITLY_PASSWORD"),
	}
	if cfg.Tenant == "" {
		return cfg, errors.New("set SERVITLY_TENANT to your tenant (application) name")
	}
	if _, err := client.LoginFlowOf(cfg, nil); err != nil {
		return cfg, fmt.Errorf("%w (environment: SERVITLY_TOKEN, or SERVITLY_API_KEY and SERVITLY_PAT, "+
			"or SERVITLY_API_KEY, SERVITLY_EMAIL and SERVITLY_PASSWORD)", err)
	}
	return cfg, nil
}

// WhatItDoes describes the changes a run makes to the tenant.
const WhatItDoes = `The probe creates one partner with a code starting "` + CodePrefix + `" (name "Terraform probe <code>",
country Italy, timezone Europe/Rome, a property "tfprobe", and the root organization when it can list one),
reads, lists, filters and updates it, then deletes it. It deletes it again on the way out if a step fails;
if that cleanup fails, it prints the code to delete by hand.`

// CheckTarget refuses a base URL that is not on this machine unless yes is
// set: the probe writes to the tenant.
func CheckTarget(baseURL string, yes bool) error {
	u, err := client.ParseBaseURL(baseURL)
	if err != nil {
		return err
	}
	if yes || client.IsLoopbackHost(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("%s is not on this machine: run again with --yes to probe it.\n%s", baseURL, WhatItDoes)
}

func (r *run) findOrganization(ctx context.Context) error {
	r.input = client.PartnerInput{
		Name:       "Terraform probe " + r.report.Code,
		Code:       r.report.Code,
		Country:    "Italy",
		Timezone:   "Europe/Rome",
		Properties: map[string]string{"tfprobe": "created by servitly-probe, safe to delete"},
	}
	orgs, err := r.client.ListOrganizations(ctx, "")
	r.orgs, r.orgsErr = orgs, err
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
	if err != nil {
		r.report.set(CheckCreate, Differs, "%v", err)
		return err
	}
	r.id = p.ID
	r.report.note("created partner %s with code %s", p.ID, r.report.Code)
	r.report.set(CheckCreate, OK, "answered the partner with id %s", p.ID)
	return nil
}

func (r *run) get(ctx context.Context) error {
	p, err := r.client.GetPartner(ctx, r.id)
	if err != nil {
		r.report.set(CheckGet, Differs, "%v", err)
		return err
	}
	r.got = *p
	diffs := describe(r.input.Diff(*p))
	r.report.set(CheckGet, verdict(diffs == ""), "%s", cmp.Or(diffs, "every field as sent"))
	return nil
}

// describe says how each differing field reads in the second partner instead of the first.
func describe(diffs []client.Difference) string {
	var out []string
	for _, d := range diffs {
		field := d.Field
		if d.Key != "" {
			field += fmt.Sprintf("[%q]", d.Key)
		}
		out = append(out, fmt.Sprintf("%s %q instead of %q", field, d.Other, d.Value))
	}
	return strings.Join(out, "; ")
}

// list walks the unfiltered list as batch_refresh does and compares the partner there with its GET.
func (r *run) list(ctx context.Context) error {
	listed := 0
	for p, err := range r.client.StreamPartners(ctx, client.PartnerFilter{}) {
		if err != nil {
			r.report.set(CheckListFull, Differs, "%v", err)
			return nil // the provider falls back; the other steps still tell something
		}
		if p.ID == r.id {
			page := listed / client.PageSize
			if diffs := describe(r.got.Diff(p)); diffs != "" {
				r.report.set(CheckListFull, Differs, "page %d lists the partner otherwise than GET: %s", page, diffs)
			} else {
				r.report.set(CheckListFull, OK, "page %d lists the full partner", page)
			}
			return nil
		}
		if listed++; listed == maxListPages*client.PageSize {
			break
		}
	}
	r.report.set(CheckListFull, Differs, "the partner is not in the first %d pages of the unfiltered list", maxListPages)
	return nil
}

// filters lists with each filter as the provider sends it, twice: with the
// partner's value, which must list it and only matching partners (else the
// filter missed it or is ignored), and with a value no partner has.
func (r *run) filters(ctx context.Context) error {
	in, nomatch := r.input, r.report.Code+"-nomatch"
	for _, f := range []struct {
		check, shown    string
		filter, nothing client.PartnerFilter
	}{
		{CheckFilterCode, "code=eq;" + in.Code, client.PartnerFilter{Code: in.Code}, client.PartnerFilter{Code: nomatch}},
		{CheckFilterName, "name=eq;" + in.Name, client.PartnerFilter{Name: in.Name}, client.PartnerFilter{Name: nomatch}},
		{CheckFilterCountry, "country=eq;" + in.Country, client.PartnerFilter{Country: in.Country}, client.PartnerFilter{Country: nomatch}},
		{CheckFilterSearch, "searchText=" + in.Name + "&searchField=name",
			client.PartnerFilter{SearchText: in.Name}, client.PartnerFilter{SearchText: nomatch}},
	} {
		found, stranger, status, err := r.filtered(ctx, f.filter)
		if err != nil {
			return err
		}
		if status != 0 {
			r.report.set(f.check, Differs, "%s answered HTTP %d", f.shown, status)
			continue
		}
		_, other, status, err := r.filtered(ctx, f.nothing)
		if err != nil {
			return err
		}
		switch {
		case stranger != nil:
			r.report.set(f.check, Differs, "ignored: %s also listed %q (code %q), which does not match", f.shown, stranger.Name, stranger.Code)
		case other != nil:
			r.report.set(f.check, Differs, "ignored: a value no partner has listed %q (code %q)", other.Name, other.Code)
		case status != 0:
			r.report.set(f.check, Differs, "a value no partner has answered HTTP %d", status)
		case !found:
			r.report.set(f.check, Differs, "missed: %s did not list the partner", f.shown)
		default:
			r.report.set(f.check, OK, "%s listed the partner and only matching partners", f.shown)
		}
	}
	return nil
}

// filtered lists the partners f selects, up to maxListPages pages, until
// the probe's partner or the first one f does not match. An error answer's
// status is returned, not as an error.
func (r *run) filtered(ctx context.Context, f client.PartnerFilter) (found bool, stranger *client.Partner, status int, err error) {
	listed := 0
	for p, err := range r.client.StreamPartners(ctx, f) {
		var apiErr *client.APIError
		switch {
		case errors.As(err, &apiErr):
			return false, nil, apiErr.StatusCode, nil
		case err != nil:
			return false, nil, 0, err
		case !f.Matches(p):
			return found, &p, 0, nil
		}
		// Walking on costs a request a page; the value no partner has shows an ignored filter.
		if found = p.ID == r.id; found {
			break
		}
		if listed++; listed == maxListPages*client.PageSize {
			break
		}
	}
	return found, nil, 0, nil
}

// organizationFilter checks the name filter of the organization data source
// as filters checks the partner filters, with the name of the first named
// organization of the unfiltered list and with a name no organization has.
func (r *run) organizationFilter(ctx context.Context) error {
	i := slices.IndexFunc(r.orgs, func(o client.Organization) bool { return o.Name != "" })
	switch {
	case r.orgsErr != nil:
		r.report.set(CheckFilterOrgName, NotSeen, "listing organizations failed: %v", r.orgsErr)
		return nil //nolint:nilerr // a failed list goes into the report; the probe goes on
	case i < 0:
		r.report.set(CheckFilterOrgName, NotSeen, "the unfiltered list shows no organization with a name")
		return nil
	}
	org := r.orgs[i]
	shown := "name=eq;" + org.Name
	listed, bad, err := r.organizationsNamed(ctx, org.Name)
	if err != nil {
		return err
	}
	if bad != "" {
		r.report.set(CheckFilterOrgName, Differs, "%s %s", shown, bad)
		return nil
	}
	others, otherBad, err := r.organizationsNamed(ctx, r.report.Code+"-nomatch")
	if err != nil {
		return err
	}
	stranger := slices.IndexFunc(listed, func(o client.Organization) bool { return o.Name != org.Name })
	switch {
	case stranger >= 0:
		r.report.set(CheckFilterOrgName, Differs, "ignored: %s also listed %q (id %s), which does not match",
			shown, listed[stranger].Name, listed[stranger].ID)
	case len(others) > 0:
		r.report.set(CheckFilterOrgName, Differs, "ignored: a name no organization has listed %q (id %s)", others[0].Name, others[0].ID)
	case otherBad != "":
		r.report.set(CheckFilterOrgName, Differs, "a name no organization has %s", otherBad)
	case !slices.ContainsFunc(listed, func(o client.Organization) bool { return o.ID == org.ID }):
		r.report.set(CheckFilterOrgName, Differs, "missed: %s did not list the organization (id %s)", shown, org.ID)
	default:
		r.report.set(CheckFilterOrgName, OK, "%s listed the organization and only organizations of that name", shown)
	}
	return nil
}

// organizationsNamed reads the first page of the organizations named name
// raw, as ListOrganizations asks for them: the check judges the server's
// answer, not the client's. An answer that is not a list is described in bad.
func (r *run) organizationsNamed(ctx context.Context, name string) (orgs []client.Organization, bad string, err error) {
	query := url.Values{"name": {"eq;" + name}, "page": {"0"}, "size": {strconv.Itoa(client.PageSize)}}
	status, answer, err := r.client.Raw(ctx, http.MethodGet, "/v2/network/organizations", query, nil)
	if err != nil {
		return nil, "", err
	}
	var page client.Page[client.Organization]
	switch {
	case status < 200 || status > 299:
		return nil, fmt.Sprintf("answered HTTP %d", status), nil
	case json.Unmarshal(answer, &page) != nil:
		return nil, fmt.Sprintf("answered HTTP %d with no list: %s", status, client.Excerpt(answer)), nil //nolint:nilerr // described in bad
	}
	return page.Content, "", nil
}

// update sends a raw PUT without country: a replacing server clears it, a
// merging one keeps it. Then it restores the partner through the client.
func (r *run) update(ctx context.Context) error {
	in := r.input
	body := map[string]any{"name": in.Name, "code": in.Code, "timezone": in.Timezone, "properties": in.Properties, "organization": in.Organization}
	got, err := r.putThenRead(ctx, body, CheckPutReplaces, Differs)
	if got == nil {
		return err
	}
	var country string
	_ = json.Unmarshal(got["country"], &country)
	r.report.set(CheckPutReplaces, verdict(country == ""), "country, left out of the body, came back as %q", country)
	if _, err := r.client.UpdatePartner(ctx, r.id, r.input); err != nil {
		r.report.note("restoring the partner after the update check failed: %v", err)
	}
	return nil
}

// typedValues stores number- and boolean-like property values raw and looks at how they come back.
func (r *run) typedValues(ctx context.Context) error {
	in := r.input
	in.Properties = maps.Clone(in.Properties)
	in.Properties["tfprobe_number"], in.Properties["tfprobe_flag"] = "42", "true"
	got, err := r.putThenRead(ctx, in, CheckPropertyStrings, NotSeen)
	if got == nil {
		return err
	}
	var values map[string]json.RawMessage
	if err := json.Unmarshal(got["properties"], &values); err != nil {
		r.report.set(CheckPropertyStrings, Differs, "properties is not an object (%v): %s", err, client.Excerpt(got["properties"]))
		return nil //nolint:nilerr // a differing answer goes into the report; the probe goes on
	}
	var typed []string
	for _, key := range []string{"tfprobe_number", "tfprobe_flag"} {
		if v, ok := values[key]; ok && !bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) {
			typed = append(typed, fmt.Sprintf("%s: %s", key, v))
		}
	}
	r.report.set(CheckPropertyStrings, verdict(typed == nil), "unquoted values: %s", cmp.Or(strings.Join(typed, ", "), "none"))
	return nil
}

// putThenRead sends body as a raw PUT of the probe's partner and reads it back raw. A PUT
// answered otherwise than 2xx sets check to refused and answers nothing, so the probe goes on.
func (r *run) putThenRead(ctx context.Context, body any, check string, refused Status) (map[string]json.RawMessage, error) {
	path := client.PartnerPath(r.id)
	status, answer, err := r.client.Raw(ctx, http.MethodPut, path, nil, body)
	switch {
	case err != nil:
		return nil, err
	case status < 200 || status > 299:
		r.report.set(check, refused, "PUT answered HTTP %d: %s", status, client.Excerpt(answer))
		return nil, nil
	}
	status, answer, err = r.client.Raw(ctx, http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if status != http.StatusOK || json.Unmarshal(answer, &fields) != nil || fields == nil {
		return nil, fmt.Errorf("GET %s answered HTTP %d: %s", path, status, client.Excerpt(answer))
	}
	return fields, nil
}

// missing reads a partner that does not exist, raw. The provider takes only
// a 404 in the API's error shape for a deleted partner.
func (r *run) missing(ctx context.Context) error {
	status, answer, err := r.client.Raw(ctx, http.MethodGet, client.PartnerPath("000000000000000000000000"), nil, nil)
	if err != nil {
		return err
	}
	var body struct {
		Message *string `json:"message"`
	}
	structured := json.Unmarshal(answer, &body) == nil && body.Message != nil
	r.report.set(CheckMissing404, verdict(status == http.StatusNotFound && structured), "HTTP %d %s", status, client.Excerpt(answer))
	r.report.set(CheckErrorBody, verdict(structured), "HTTP %d %s", status, client.Excerpt(answer))
	return nil
}

func (r *run) delete(ctx context.Context) error {
	status, answer, err := r.client.Raw(ctx, http.MethodDelete, client.PartnerPath(r.id), nil, nil)
	switch {
	case err != nil:
		r.report.set(CheckDelete, Differs, "%v", err)
		return nil // cleanup tries again
	case status < 200 || status > 299:
		r.report.set(CheckDelete, Differs, "DELETE answered HTTP %d: %s", status, client.Excerpt(answer))
		return nil
	}
	r.report.set(CheckDeleteStatus, verdict(status == http.StatusNoContent), "HTTP %d %s", status, client.Excerpt(answer))
	_, err = r.client.GetPartner(ctx, r.id)
	switch {
	case err == nil:
		r.report.set(CheckDelete, Differs, "HTTP %d, but GET afterwards answered 200 (the partner is still there)", status)
		return nil
	case !client.IsNotFound(err):
		r.report.set(CheckDelete, Differs, "HTTP %d, but GET afterwards answered %v", status, err)
		return nil
	}
	r.created = false
	r.report.note("deleted partner %s", r.id)
	r.report.set(CheckDelete, OK, "HTTP %d, then GET answered 404", status)
	return nil
}

// cleanup deletes the probe's partner: by id when the create answered, else every partner
// with the probe's code, found by walking the whole list (filters may be ignored or misread).
func (r *run) cleanup(ctx context.Context) {
	if !r.created {
		return
	}
	partners := []client.Partner{{ID: r.id}}
	if r.id == "" {
		all, err := r.client.ListPartners(ctx, client.PartnerFilter{})
		if err != nil {
			r.report.CleanupErr = fmt.Errorf("looking up partners with code %s: %w", r.report.Code, err)
			return
		}
		partners = slices.DeleteFunc(all, func(p client.Partner) bool { return p.Code != r.report.Code })
	}
	var errs []error
	for _, p := range partners {
		if err := r.client.DeletePartner(ctx, p.ID); err != nil {
			errs = append(errs, fmt.Errorf("deleting partner %s: %w", p.ID, err))
			continue
		}
		r.report.note("cleanup: deleted partner %s", p.ID)
	}
	r.report.CleanupErr = errors.Join(errs...)
}

// checkRateLimits looks at every 429 the run met, retries included.
func (r *run) checkRateLimits() {
	with, without := r.limits.with.Load(), r.limits.without.Load()
	switch {
	case with+without == 0:
		r.report.set(CheckRetryAfter, NotSeen, "no 429 during the run")
	case without > 0:
		r.report.set(CheckRetryAfter, Differs, "%d of %d answers 429 had no Retry-After", without, with+without)
	default:
		r.report.set(CheckRetryAfter, OK, "%d answers 429, each with Retry-After", with)
	}
}

// rateLimits is the client's Logger: the client warns of every answer 429,
// retries included, with its Retry-After.
type rateLimits struct{ with, without atomic.Int64 }

func (l *rateLimits) Debug(context.Context, string, map[string]any) {}

func (l *rateLimits) Warn(_ context.Context, _ string, fields map[string]any) {
	switch {
	case fields["status"] != http.StatusTooManyRequests:
	case fields["retry_after"] != "":
		l.with.Add(1)
	default:
		l.without.Add(1)
	}
}

// verdict is OK when the behaviour held, Differs otherwise.
func verdict(held bool) Status {
	if held {
		return OK
	}
	return Differs
}
