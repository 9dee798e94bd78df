package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	partnersPath = "/network/partners"
	partnerWrite = "READ_PARTNER and WRITE_PARTNER" // a create, update or delete's permissions
)

// partnerList is a GET of the partner list with query q.
func partnerList(q url.Values) request {
	return request{method: http.MethodGet, path: "/v2/network/partners", query: q, permission: "READ_ALL_PARTNERS"}
}

// Ref is the API's reference to another object, such as {"id": "..."}.
type Ref struct {
	ID string `json:"id"`
}

// IDOrEmpty is the id r refers to, or "" when there is no reference.
func (r *Ref) IDOrEmpty() string {
	if r == nil {
		return ""
	}
	return r.ID
}

// Partner is a partner as the API returns it.
type Partner struct {
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	Code              string     `json:"code"`
	Country           string     `json:"country"`
	Timezone          string     `json:"timezone"`
	Properties        Properties `json:"properties"`
	Organization      *Ref       `json:"organization"`
	CustomerCount     Int64      `json:"customerCount"`
	CreationTimestamp Int64      `json:"creationTimestamp"`
}

// OrganizationID returns the parent organization's id, or "".
func (p Partner) OrganizationID() string { return p.Organization.IDOrEmpty() }

func (p Partner) objectID() string { return p.ID }

// PartnerInput is the body of an update, every field so that it clears under either PUT (replace or merge),
// or of a create, which leaves out the empty fields tagged create:"omitempty": it has nothing to clear.
type PartnerInput struct {
	Name         string            `json:"name"`
	Code         string            `json:"code" create:"omitempty"`
	Country      string            `json:"country" create:"omitempty"`
	Timezone     string            `json:"timezone" create:"omitempty"`
	Properties   map[string]string `json:"properties"`
	Organization *Ref              `json:"organization" create:"omitempty"`
}

// body is in as a create or an update sends it, with properties {} when none.
func (in PartnerInput) body(create bool) json.RawMessage {
	if in.Properties == nil {
		in.Properties = map[string]string{}
	}
	v, fields := reflect.ValueOf(in), []string{}
	for i := range v.NumField() {
		if f := v.Type().Field(i); !create || f.Tag.Get("create") != "omitempty" || !v.Field(i).IsZero() {
			value, _ := json.Marshal(v.Field(i).Interface()) // strings, a map of strings, a *Ref: cannot fail
			fields = append(fields, strconv.Quote(f.Tag.Get("json"))+":"+string(value))
		}
	}
	return json.RawMessage("{" + strings.Join(fields, ",") + "}")
}

// GetPartner reads one partner; IsNotFound(err) means it does not exist.
func (c *Client) GetPartner(ctx context.Context, id string) (*Partner, error) {
	return call[Partner](ctx, c, request{method: http.MethodGet, path: PartnerPath(id), permission: "READ_PARTNER"})
}

// UpdatePartner replaces every writable field of partner id with in.
func (c *Client) UpdatePartner(ctx context.Context, id string, in PartnerInput) (*Partner, error) {
	p, err := call[Partner](ctx, c, request{method: http.MethodPut, path: PartnerPath(id), body: in.body(false), permission: partnerWrite})
	if err == nil {
		c.index.wrote(p)
	}
	return p, err
}

// DeletePartner deletes partner id; one already gone counts as deleted.
func (c *Client) DeletePartner(ctx context.Context, id string) error {
	err := c.remove(ctx, request{method: http.MethodDelete, path: PartnerPath(id), permission: partnerWrite})
	if err == nil {
		c.index.deleted(id)
	}
	return err
}

// IsListRefused reports whether err is the list's own 403 or 404 in the API's shape (not a login or tenant failure).
func IsListRefused(err error) bool {
	apiErr, ok := errors.AsType[*APIError](err)
	return ok && apiErr.Structured && !errors.As(err, new(*LoginError)) && !IsUnknownTenant(err) &&
		(apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusNotFound)
}

// proofRequest asks for one entry of the partner list, the one list every tenant has (see gone).
var proofRequest = partnerList(url.Values{"page": {"0"}, "size": {"1"}})

// CreateOutcomeUnknownError means a create may have happened and its partner cannot be identified safely.
type CreateOutcomeUnknownError struct {
	Input      PartnerInput
	Err        error
	Candidates []Partner // existing partners with the same code, if any were found
	LookupErr  error     // set when looking the partner up by code failed
}

func (e *CreateOutcomeUnknownError) Error() string {
	switch {
	case e.Input.Code == "":
		return fmt.Sprintf("%v; the partner has no code, so it cannot be looked up safely", e.Err)
	case e.LookupErr != nil:
		return fmt.Sprintf("%v; looking it up by code %q failed too: %v", e.Err, e.Input.Code, e.LookupErr)
	default:
		return fmt.Sprintf("%v; %d partners with code %q exist but none can be adopted safely", e.Err, len(e.Candidates), e.Input.Code)
	}
}

func (e *CreateOutcomeUnknownError) Unwrap() error { return e.Err }

const (
	maxCreateAttempts = 8                // sends of a create whose lookup found nothing created
	recoveryTimeout   = 30 * time.Second // the lookup after a create whose caller gave up
)

// evenIfGivenUp is ctx, or one of recoveryTimeout once its caller gave up: a partner that may exist must be found now.
func evenIfGivenUp(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), recoveryTimeout)
}

// CreatePartner creates a partner, never twice. After a POST of unknown outcome one match by code with the
// requested fields is adopted (recovered); none sends it again unless the caller gave up; else *CreateOutcomeUnknownError.
func (c *Client) CreatePartner(ctx context.Context, in PartnerInput) (created *Partner, recovered bool, err error) {
	for attempt := 1; ; attempt++ {
		p, err := call[Partner](ctx, c, request{method: http.MethodPost, path: partnersPath, body: in.body(true), permission: partnerWrite})
		if err == nil {
			c.index.wrote(p)
			return p, false, nil
		}
		if _, ok := errors.AsType[*OutcomeUnknownError](err); !ok {
			return nil, false, err
		}
		if in.Code == "" {
			return nil, false, &CreateOutcomeUnknownError{Input: in, Err: err}
		}
		lookupCtx, cancel := evenIfGivenUp(ctx)
		defer cancel()
		matches, lookupErr := c.findPartners(lookupCtx, filter{{"code", in.Code, false}}, true)
		if lookupErr == nil && len(matches) == 1 && len(in.Diff(matches[0])) > 0 { // an entry may lack fields: its GET decides
			matches, lookupErr = c.Complete(lookupCtx, matches)
		}
		if lookupErr != nil {
			return nil, false, &CreateOutcomeUnknownError{Input: in, Err: err, LookupErr: lookupErr}
		}
		if len(matches) == 1 && len(in.Diff(matches[0])) == 0 {
			c.logger.Warn(ctx, "create outcome was unknown; adopted the partner the server had created", map[string]any{"id": matches[0].ID, "code": in.Code})
			c.index.wrote(&matches[0])
			return &matches[0], true, nil
		}
		if len(matches) > 0 || attempt >= maxCreateAttempts || ctx.Err() != nil {
			return nil, false, &CreateOutcomeUnknownError{Input: in, Err: err, Candidates: matches}
		}
		c.logger.Debug(ctx, "create outcome was unknown and no partner has its code; sending it again", map[string]any{"code": in.Code, "attempt": attempt})
	}
}

// StreamPartners yields the partners matching f as the server lists them (see items).
func (c *Client) StreamPartners(ctx context.Context, f PartnerFilter) iter.Seq2[Partner, error] {
	return items[Partner](ctx, c, partnerList(f.filter().query()))
}

// ListPartners returns every partner matching f, walking all pages.
func (c *Client) ListPartners(ctx context.Context, f PartnerFilter) ([]Partner, error) {
	return collect(c.StreamPartners(ctx, f))
}

// PartnerPages yields the unfiltered list's pages from page from on, readAhead at a time once their count is known.
func (c *Client) PartnerPages(ctx context.Context, from, total int) iter.Seq2[*Page[Partner], error] {
	return pages[Partner](ctx, c, partnerList(nil), from, total, readAhead)
}

// PartnerPath is the path of partner id, escaped, for Raw.
func PartnerPath(id string) string { return partnersPath + "/" + url.PathEscape(id) }

// Int64 decodes a whole JSON number, written 3, 3.0 or 3e0; null decodes as 0.
type Int64 int64

func (n *Int64) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*n = 0
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(data, &num); err != nil {
		return fmt.Errorf("expected a number, got %s", Excerpt(data))
	}
	if i, err := num.Int64(); err == nil {
		*n = Int64(i)
		return nil
	}
	f, err := num.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return fmt.Errorf("expected a whole number, got %s", num)
	}
	*n = Int64(f)
	return nil
}

// Properties are a partner's custom properties; a value that is not a string is kept as its JSON text.
type Properties map[string]string

func (p *Properties) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		*p = nil
		return nil
	}
	out := make(Properties, len(raw))
	for key, value := range raw {
		var s string
		if !bytes.Equal(bytes.TrimSpace(value), []byte("null")) && json.Unmarshal(value, &s) == nil {
			out[key] = s
			continue
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, value); err != nil {
			return err
		}
		out[key] = compact.String()
	}
	*p = out
	return nil
}

// partnerFields are a Partner's fields but its id, named as the provider's attributes, as text by
// key: a property under its key, any other field under "".
var partnerFields = []partnerField{
	{"name", required, func(p Partner) map[string]string { return one(p.Name) }},
	{"code", optional, func(p Partner) map[string]string { return one(p.Code) }},
	{"country", optional, func(p Partner) map[string]string { return one(p.Country) }},
	{"timezone", optional, func(p Partner) map[string]string { return one(p.Timezone) }},
	{"properties", optional, func(p Partner) map[string]string { return p.Properties }},
	{"organization_id", optional, func(p Partner) map[string]string { return one(p.OrganizationID()) }},
	{"customer_count", serverSet, func(p Partner) map[string]string { return one(strconv.FormatInt(int64(p.CustomerCount), 10)) }},
	{"creation_timestamp", serverSet, func(p Partner) map[string]string { return one(strconv.FormatInt(int64(p.CreationTimestamp), 10)) }},
}

type partnerField struct {
	name   string
	kind   fieldKind
	values func(Partner) map[string]string
}

type fieldKind int // who sets a field

const (
	required  fieldKind = iota // a write, never empty
	optional                   // a write, maybe empty: a list entry that leaves it empty may be a summary
	serverSet                  // the server
)

var (
	writtenFields  = slices.DeleteFunc(slices.Clone(partnerFields), func(f partnerField) bool { return f.kind == serverSet })
	optionalFields = slices.DeleteFunc(slices.Clone(partnerFields), func(f partnerField) bool { return f.kind != optional })
)

// holds reports whether p has a value in f: a property, or any text.
func (f partnerField) holds(p Partner) bool {
	for key, value := range f.values(p) {
		if key != "" || value != "" {
			return true
		}
	}
	return false
}

func one(value string) map[string]string { return map[string]string{"": value} }

// Difference is a field two partners differ in: Value in the first, Other in the second; Key names a property.
type Difference struct{ Field, Key, Value, Other string }

// Diff lists, in field order, the fields but the id in which other differs from p; no properties equal {}.
func (p Partner) Diff(other Partner) []Difference { return diff(partnerFields, p, other) }

// Diff lists the fields a client writes in which p differs from what in asks for.
func (in PartnerInput) Diff(p Partner) []Difference { return diff(writtenFields, in.Partner(), p) }

// Partner is the partner in asks for, without what the server adds.
func (in PartnerInput) Partner() Partner {
	return Partner{Name: in.Name, Code: in.Code, Country: in.Country, Timezone: in.Timezone,
		Properties: in.Properties, Organization: in.Organization}
}

// diff compares a and b in fields.
func diff(fields []partnerField, a, b Partner) []Difference {
	var out []Difference
	for _, f := range fields {
		va, vb := f.values(a), f.values(b)
		keys := slices.AppendSeq(slices.Collect(maps.Keys(va)), maps.Keys(vb))
		slices.Sort(keys)
		for _, key := range slices.Compact(keys) {
			if va[key] != vb[key] {
				out = append(out, Difference{Field: f.name, Key: key, Value: va[key], Other: vb[key]})
			}
		}
	}
	return out
}
