package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // timezone validation must not depend on the host's zoneinfo
)

// partnerJSON is a partner on the wire, in requests and answers alike.
// In requests, id, customerCount and creationTimestamp are accepted and
// ignored because the server manages them.
type partnerJSON struct {
	ID                string            `json:"id"`
	Name              string            `json:"name"`
	Code              string            `json:"code,omitempty"`
	Country           string            `json:"country,omitempty"`
	Timezone          string            `json:"timezone,omitempty"`
	Properties        map[string]string `json:"properties"`
	Organization      *reference        `json:"organization,omitempty"`
	CustomerCount     int64             `json:"customerCount"`
	CreationTimestamp int64             `json:"creationTimestamp"`
}

// reference is how Servitly points at another object: {"id": "..."}.
type reference struct {
	ID string `json:"id"`
}

func refTo(id string) *reference {
	if id == "" {
		return nil
	}
	return &reference{ID: id}
}

func (r *reference) id() string {
	if r == nil {
		return ""
	}
	return r.ID
}

func toPartnerJSON(p Partner) partnerJSON {
	p = p.clone()
	return partnerJSON{
		ID:                p.ID,
		Name:              p.Name,
		Code:              p.Code,
		Country:           p.Country,
		Timezone:          p.Timezone,
		Properties:        p.Properties,
		Organization:      refTo(p.OrganizationID),
		CustomerCount:     p.CustomerCount,
		CreationTimestamp: p.CreationTimestamp,
	}
}

// validate checks what a real tenant plausibly rejects; see the package doc.
func (b partnerJSON) validate() error {
	if strings.TrimSpace(b.Name) == "" {
		return invalidData("name is required")
	}
	if b.Timezone != "" {
		// LoadLocation accepts "Local", which names the host's zone, not an IANA zone.
		if _, err := time.LoadLocation(b.Timezone); err != nil || b.Timezone == "Local" {
			return invalidData("unknown timezone %q", b.Timezone)
		}
	}
	for key := range b.Properties {
		if key == "" {
			return invalidData("property keys must not be empty")
		}
	}
	return nil
}

// partnerBody is a decoded create or update body plus the fields it sets:
// the lower-cased names of the top-level keys that are present and not null.
type partnerBody struct {
	partnerJSON
	set map[string]bool
}

// readPartnerBody decodes a create or update body; the caller validates.
func readPartnerBody(w http.ResponseWriter, r *http.Request) (partnerBody, error) {
	var body partnerBody
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return body, errBadRequest
	}
	if err := decodeStrictFrom(bytes.NewReader(raw), &body.partnerJSON); err != nil {
		return body, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return body, errBadRequest
	}
	body.set = make(map[string]bool, len(fields))
	for key, value := range fields {
		// encoding/json matches keys to fields case-insensitively; so do we.
		if string(value) != "null" {
			body.set[strings.ToLower(key)] = true
		}
	}
	return body, nil
}

// applyTo replaces every client-managed field of p with the body's.
func (b partnerJSON) applyTo(p Partner) Partner {
	p.Name, p.Code, p.Country, p.Timezone = b.Name, b.Code, b.Country, b.Timezone
	p.Properties = b.Properties
	p.OrganizationID = b.Organization.id()
	return p.clone()
}

// mergeInto replaces only the fields of p that the body sets (present and
// not null), as Options.MergingUpdate asks.
func (b partnerBody) mergeInto(p Partner) Partner {
	if b.set["name"] {
		p.Name = b.Name
	}
	if b.set["code"] {
		p.Code = b.Code
	}
	if b.set["country"] {
		p.Country = b.Country
	}
	if b.set["timezone"] {
		p.Timezone = b.Timezone
	}
	if b.set["properties"] {
		p.Properties = b.Properties
	}
	if b.set["organization"] {
		p.OrganizationID = b.Organization.id()
	}
	return p.clone()
}

// partnerAnswer is a partner in an answer. Properties holds a
// map[string]string, a map of JSON literals (Options.TypedPropertyValues), or
// nil in the list summaries of Options.ListSummaries, where it is omitted.
type partnerAnswer struct {
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	Code              string     `json:"code,omitempty"`
	Country           string     `json:"country,omitempty"`
	Timezone          string     `json:"timezone,omitempty"`
	Properties        any        `json:"properties,omitempty"`
	Organization      *reference `json:"organization,omitempty"`
	CustomerCount     int64      `json:"customerCount"`
	CreationTimestamp int64      `json:"creationTimestamp"`
}

// answer is p as this server writes it; summary drops what a list summary lacks.
func (s *Server) answer(p partnerJSON, summary bool) partnerAnswer {
	a := partnerAnswer{
		ID: p.ID, Name: p.Name, Code: p.Code, Country: p.Country, Timezone: p.Timezone,
		Properties: p.Properties, Organization: p.Organization,
		CustomerCount: p.CustomerCount, CreationTimestamp: p.CreationTimestamp,
	}
	if s.opts.TypedPropertyValues {
		a.Properties = typedValues(p.Properties)
	}
	if summary {
		a.Properties, a.Organization = nil, nil
	}
	return a
}

func (s *Server) partnerAnswer(p Partner) partnerAnswer { return s.answer(toPartnerJSON(p), false) }

// typedValues writes each value that reads as a JSON number, true, false or
// null as that literal, and every other value as a string.
func typedValues(props map[string]string) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(props))
	for key, value := range props {
		if readsAsJSONLiteral(value) {
			out[key] = json.RawMessage(value)
			continue
		}
		quoted, _ := json.Marshal(value) // a string always marshals
		out[key] = quoted
	}
	return out
}

func readsAsJSONLiteral(v string) bool {
	switch {
	case v == "true", v == "false", v == "null":
		return true
	case v == "" || v != strings.TrimSpace(v):
		return false
	case v[0] != '-' && (v[0] < '0' || v[0] > '9'):
		return false // strings, objects and arrays start otherwise
	}
	return json.Valid([]byte(v))
}

func (s *Server) createPartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	body, err := readPartnerBody(w, r)
	if err != nil {
		return err
	}
	if err := body.validate(); err != nil {
		return err
	}
	p, err := s.commitNewPartner(body.partnerJSON)
	if err != nil {
		return err
	}
	if delay := s.createAnswerDelay(); delay > 0 && !sleep(r.Context(), delay) {
		return nil // the client went away; the partner stays stored
	}
	switch s.takeCommitFault() {
	case commitThenError:
		return errInternal
	case commitThenDrop:
		dropConnection(w)
		return nil
	}
	writeJSON(w, http.StatusCreated, s.partnerAnswer(p))
	return nil
}

// commitNewPartner stores the partner.
func (s *Server) commitNewPartner(body partnerJSON) (Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.organizationKnownLocked(body.Organization.id()) {
		return Partner{}, errNotFound
	}
	return s.addPartnerLocked(body.applyTo(Partner{ID: newID()})), nil
}

func (s *Server) createAnswerDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.CreateAnswerDelay
}

func (s *Server) takeCommitFault() commitFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.takeCommitFaultLocked()
}

func (s *Server) getPartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	p, ok := s.Partner(r.PathValue("id"))
	if !ok {
		return errNotFound
	}
	writeJSON(w, http.StatusOK, s.partnerAnswer(p))
	return nil
}

// updatePartner is a full replacement by default: omitted fields are
// cleared, and only the server-managed customerCount and creationTimestamp
// survive. Options.MergingUpdate keeps fields that are absent or null.
func (s *Server) updatePartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	body, err := readPartnerBody(w, r)
	if err != nil {
		return err
	}
	if !s.opts.MergingUpdate {
		if err := body.validate(); err != nil {
			return err
		}
	}
	p, err := s.replacePartner(r.PathValue("id"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.partnerAnswer(p))
	return nil
}

func (s *Server) replacePartner(id string, body partnerBody) (Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.partners[id]
	if !ok {
		return Partner{}, errNotFound
	}
	p := body.applyTo(old)
	if s.opts.MergingUpdate {
		p = body.mergeInto(old)
		if err := toPartnerJSON(p).validate(); err != nil {
			return Partner{}, err
		}
	}
	if !s.organizationKnownLocked(p.OrganizationID) {
		return Partner{}, errNotFound
	}
	s.partners[id] = p
	return p, nil
}

func (s *Server) deletePartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	p, ok := s.removePartner(r.PathValue("id"))
	if !ok {
		return errNotFound
	}
	if s.opts.DeleteStatus == http.StatusNoContent {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	writeJSON(w, s.opts.DeleteStatus, s.partnerAnswer(p))
	return nil
}

func (s *Server) removePartner(id string) (Partner, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.partners[id]
	delete(s.partners, id)
	return p, ok
}

// partnerListing is what GET /v2/network/partners filters and sorts by.
var partnerListing = listing[partnerJSON]{
	fields: map[string]func(partnerJSON) string{
		"name":    func(p partnerJSON) string { return p.Name },
		"code":    func(p partnerJSON) string { return p.Code },
		"country": func(p partnerJSON) string { return p.Country },
	},
	orders: map[string]func(a, b partnerJSON) int{
		"name":              func(a, b partnerJSON) int { return strings.Compare(a.Name, b.Name) },
		"code":              func(a, b partnerJSON) int { return strings.Compare(a.Code, b.Code) },
		"creationTimestamp": func(a, b partnerJSON) int { return cmp.Compare(a.CreationTimestamp, b.CreationTimestamp) },
	},
	defaultSort: "creationTimestamp,ASC",
	id:          func(p partnerJSON) string { return p.ID },
}

func (s *Server) listPartners(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	partners := s.Partners()
	all := make([]partnerJSON, len(partners))
	for i, p := range partners {
		all[i] = toPartnerJSON(p)
	}
	rules := filterRules{literal: s.opts.LiteralFilterValues, ignore: s.opts.IgnoreListFilters}
	result, err := listPage(all, r, partnerListing, s.opts.MaxPageSize, rules)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mapPage(result, func(p partnerJSON) partnerAnswer { return s.answer(p, s.opts.ListSummaries) }))
	return nil
}
