package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
)

const partnersPath = "/network/partners"

// Ref is the API's reference to another object, such as {"id": "..."}.
type Ref struct {
	ID string `json:"id"`
}

// Partner is a partner as the API returns it.
type Partner struct {
	ID                string            `json:"id"`
	Name              string            `json:"name"`
	Code              string            `json:"code"`
	Country           string            `json:"country"`
	Timezone          string            `json:"timezone"`
	Properties        map[string]string `json:"properties"`
	Organization      *Ref              `json:"organization"`
	CustomerCount     Int64             `json:"customerCount"`
	CreationTimestamp Int64             `json:"creationTimestamp"`
}

// OrganizationID returns the parent organization's id, or "".
func (p Partner) OrganizationID() string {
	if p.Organization == nil {
		return ""
	}
	return p.Organization.ID
}

// PartnerInput is the body of a create or a full-replacement update. Empty
// strings are omitted, which on PUT clears the field; properties are always
// sent so that removing the last one clears them too.
type PartnerInput struct {
	Name         string            `json:"name"`
	Code         string            `json:"code,omitempty"`
	Country      string            `json:"country,omitempty"`
	Timezone     string            `json:"timezone,omitempty"`
	Properties   map[string]string `json:"properties"`
	Organization *Ref              `json:"organization"`
}

// Matches reports whether p holds exactly the fields of in.
func (in PartnerInput) Matches(p Partner) bool {
	orgID := ""
	if in.Organization != nil {
		orgID = in.Organization.ID
	}
	return p.Name == in.Name && p.Code == in.Code && p.Country == in.Country && p.Timezone == in.Timezone &&
		p.OrganizationID() == orgID && maps.Equal(nonNil(p.Properties), nonNil(in.Properties))
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func (in PartnerInput) body() PartnerInput {
	in.Properties = nonNil(in.Properties)
	return in
}

// GetPartner reads one partner. A missing partner gives an error for which
// IsNotFound is true.
func (c *Client) GetPartner(ctx context.Context, id string) (*Partner, error) {
	var p Partner
	if err := c.do(ctx, request{method: http.MethodGet, path: partnerPath(id)}, &p); err != nil {
		return nil, err
	}
	if err := checkPartner(p, http.MethodGet, partnerPath(id)); err != nil {
		return nil, err
	}
	return &p, nil
}

// UpdatePartner replaces every writable field of partner id with in.
func (c *Client) UpdatePartner(ctx context.Context, id string, in PartnerInput) (*Partner, error) {
	var p Partner
	if err := c.do(ctx, request{method: http.MethodPut, path: partnerPath(id), body: in.body()}, &p); err != nil {
		return nil, err
	}
	if p.ID == "" {
		// [inferred] any 2xx means success; without the partner in the
		// answer (204, empty body), read it back so state comes from the API.
		return c.GetPartner(ctx, id)
	}
	return &p, nil
}

// DeletePartner deletes partner id. A partner that is already gone counts as
// deleted.
func (c *Client) DeletePartner(ctx context.Context, id string) error {
	err := c.do(ctx, request{method: http.MethodDelete, path: partnerPath(id)}, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// CreateOutcomeUnknownError means a create may have happened but could not
// be confirmed, and the partner could not be identified safely afterwards.
type CreateOutcomeUnknownError struct {
	Input PartnerInput
	Err   error
	// Candidates are existing partners with the same code, if any were found.
	Candidates []Partner
	// LookupErr is set when looking the partner up by code failed.
	LookupErr error
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

// maxCreateAttempts bounds how often a create is sent again after the lookup
// by code proved the previous attempt created nothing.
const maxCreateAttempts = 4

// CreatePartner creates a partner and never creates it twice. When a POST's
// outcome is unknown (connection lost, 5xx), it looks the partner up by code:
// no match means nothing was created, so it sends the POST again; exactly one
// match holding the requested fields is adopted; anything else is a
// *CreateOutcomeUnknownError. Without a code there is no safe lookup.
func (c *Client) CreatePartner(ctx context.Context, in PartnerInput) (*Partner, error) {
	for attempt := 1; ; attempt++ {
		var p Partner
		err := c.do(ctx, request{method: http.MethodPost, path: partnersPath, body: in.body()}, &p)
		var unknown *OutcomeUnknownError
		if err == nil {
			if err = checkPartner(p, http.MethodPost, partnersPath); err == nil {
				return &p, nil
			}
			err = &OutcomeUnknownError{Method: http.MethodPost, Path: partnersPath, Err: err}
		}
		if !errors.As(err, &unknown) {
			return nil, err
		}
		if in.Code == "" {
			return nil, &CreateOutcomeUnknownError{Input: in, Err: err}
		}
		matches, lookupErr := c.FindPartnersByCode(ctx, in.Code)
		if lookupErr != nil {
			return nil, &CreateOutcomeUnknownError{Input: in, Err: err, LookupErr: lookupErr}
		}
		if len(matches) == 1 && in.Matches(matches[0]) {
			c.logger.Warn(ctx, "create outcome was unknown; adopted the partner the server had created", map[string]any{"id": matches[0].ID, "code": in.Code})
			return &matches[0], nil
		}
		if len(matches) > 0 || attempt >= maxCreateAttempts {
			return nil, &CreateOutcomeUnknownError{Input: in, Err: err, Candidates: matches}
		}
		c.logger.Debug(ctx, "create outcome was unknown and no partner has its code; sending it again", map[string]any{"code": in.Code, "attempt": attempt})
	}
}

// FindPartnersByCode lists the partners whose code is exactly code.
func (c *Client) FindPartnersByCode(ctx context.Context, code string) ([]Partner, error) {
	all, err := c.ListPartners(ctx, PartnerFilter{Code: code})
	if err != nil {
		return nil, err
	}
	// Filter again: a server that ignores the filter must not make us adopt
	// the wrong partner.
	var exact []Partner
	for _, p := range all {
		if p.Code == code {
			exact = append(exact, p)
		}
	}
	return exact, nil
}

// PartnerFilter narrows ListPartners. Empty fields do not filter.
type PartnerFilter struct {
	Name, Code, Country string
	// SearchText uses the API's wildcards (foo*, *foo*, *foo) on SearchField.
	SearchText, SearchField string
}

func (f PartnerFilter) query() url.Values {
	// The forms the documented customer list uses: name as an "eq;"
	// predicate, code and country as plain values. Callers filter the
	// answer again, so a server reading them differently cannot mislead us.
	q := url.Values{}
	if f.Name != "" {
		q.Set("name", "eq;"+f.Name)
	}
	if f.Code != "" {
		q.Set("code", f.Code)
	}
	if f.Country != "" {
		q.Set("country", f.Country)
	}
	if f.SearchText != "" {
		q.Set("searchText", f.SearchText)
		field := f.SearchField
		if field == "" {
			field = "name"
		}
		q.Set("searchField", field)
	}
	return q
}

// ListPartners returns every partner matching f, walking all pages.
func (c *Client) ListPartners(ctx context.Context, f PartnerFilter) ([]Partner, error) {
	var out []Partner
	err := walkPages(ctx, c, "/v2/network/partners", f.query(), func(page []Partner) {
		out = append(out, page...)
	})
	return out, err
}

// checkPartner rejects an answer that decoded but is not a partner, so a
// wrong body never becomes a partner without an id in Terraform state.
func checkPartner(p Partner, method, path string) error {
	if p.ID == "" {
		return fmt.Errorf("%s %s: the server's answer has no partner id", method, path)
	}
	return nil
}

func partnerPath(id string) string { return partnersPath + "/" + url.PathEscape(id) }
