package emulator

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // timezone validation must not depend on the host's zoneinfo
)

// The partner routes, with the permissions each needs.
//
//   - [inferred] Listing partners needs READ_ALL_PARTNERS; deleting one
//     needs READ_PARTNER and WRITE_PARTNER (no DELETE_PARTNER).
func init() {
	addRoutes([]route{
		{"POST", "/network/partners", activeToken, []string{"READ_PARTNER", "WRITE_PARTNER"}, (*Server).createPartner},
		{"GET", "/network/partners/{id}", activeToken, []string{"READ_PARTNER"}, (*Server).getPartner},
		{"PUT", "/network/partners/{id}", activeToken, []string{"READ_PARTNER", "WRITE_PARTNER"}, (*Server).updatePartner},
		{"DELETE", "/network/partners/{id}", activeToken, []string{"READ_PARTNER", "WRITE_PARTNER"}, (*Server).deletePartner},
		{"GET", "/v2/network/partners", activeToken, []string{"READ_ALL_PARTNERS"}, (*Server).listPartners},
	})
}

// partnerWire is a partner on the wire. A request's id, customerCount and
// creationTimestamp are accepted and ignored: the server manages them.
//
//   - [inferred] In answers, code, country and timezone are omitted when
//     empty, organization is omitted when unset, and properties is always
//     an object.
type partnerWire[P any] struct {
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	Code              string     `json:"code,omitempty"`
	Country           string     `json:"country,omitempty"`
	Timezone          string     `json:"timezone,omitempty"`
	Properties        P          `json:"properties,omitempty"`
	Organization      *reference `json:"organization,omitempty"`
	CustomerCount     int64      `json:"customerCount"`
	CreationTimestamp int64      `json:"creationTimestamp"`
}

type (
	partnerJSON   = partnerWire[map[string]string] // in requests, property values are strings
	partnerAnswer = partnerWire[any]               // in answers, Properties is as answer makes it
)

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

// validatePartnerLocked checks what a real tenant plausibly rejects: content
// with a 400, an unknown organization with a 404. s.mu must be held.
//
//   - [inferred] A partner needs a non-blank name; its timezone, when set,
//     must be an IANA name (others are a 400 here; the provider refuses
//     them at plan time); property keys must not be empty; country is free
//     text.
//   - [inferred] An unknown organization.id is a 404, and a 404 on create
//     or update means that the organization.id does not exist.
//   - [inferred] Partner codes are not unique on the server: several
//     partners may share one. The provider never relies on it: after a lost
//     create answer it adopts a partner found by code only when exactly one
//     exists and it holds the planned fields. It keeps codes unique itself:
//     it never creates a second partner for a code in use (README, Guarding
//     a GitOps pipeline). In a tenant of more than 200 partners that check
//     relies on the code filter only once the server has honoured it; with
//     the filter ignored or read literally it lists every page instead,
//     once.
func (s *Server) validatePartnerLocked(p Partner) error {
	if strings.TrimSpace(p.Name) == "" {
		return invalidData("name is required")
	}
	// LoadLocation accepts "", no timezone, and "Local", which names the
	// host's zone, not an IANA zone.
	if _, err := time.LoadLocation(p.Timezone); err != nil || p.Timezone == "Local" {
		return invalidData("unknown timezone %q", p.Timezone)
	}
	if _, ok := p.Properties[""]; ok {
		return invalidData("property keys must not be empty")
	}
	if _, ok := organizationStore.in(s).get(p.OrganizationID); p.OrganizationID != "" && !ok {
		return errNotFound
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
	var fields map[string]json.RawMessage
	if err := decodeStrict(w, r, &body.partnerJSON, &fields); err != nil {
		return body, err
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

// applyTo returns p with the body's client-managed fields: all of them, or
// when merging (Options.MergingUpdate) only those the body sets.
func (b partnerBody) applyTo(p Partner, merging bool) Partner {
	setters := map[string]func(){
		"name":         func() { p.Name = b.Name },
		"code":         func() { p.Code = b.Code },
		"country":      func() { p.Country = b.Country },
		"timezone":     func() { p.Timezone = b.Timezone },
		"properties":   func() { p.Properties = b.Properties },
		"organization": func() { p.OrganizationID = b.Organization.id() },
	}
	for field, set := range setters {
		if !merging || b.set[field] {
			set()
		}
	}
	return p.clone()
}

// answer is p as this server writes it; summary drops what a list summary lacks.
func (s *Server) answer(p Partner, summary bool) partnerAnswer {
	a := partnerAnswer{
		ID: p.ID, Name: p.Name, Code: p.Code, Country: p.Country, Timezone: p.Timezone,
		Properties: p.Properties, Organization: refTo(p.OrganizationID),
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

// listEntry is p as the partner list writes it.
//
//   - [inferred] /v2/network/partners entries are whole partner objects, as
//     GET by id answers them. Other answers: entries that are summaries
//     without properties and organization, GET by id staying full (switch
//     ListSummaries, flag -list-summaries); entries without code, every
//     entry's code left out (switch ListWithoutCodes, flag
//     -list-without-codes). Every read of the provider gives the same answer
//     under each (README, How the provider reads the list).
func (s *Server) listEntry(p Partner) partnerAnswer {
	a := s.answer(p, s.opts.ListSummaries)
	if s.opts.ListWithoutCodes {
		a.Code = ""
	}
	return a
}

// typedValues writes each value that reads as a JSON number, true, false or
// null as that literal, and every other value as a string.
//
//   - [inferred] Property values are JSON strings in every answer. Other
//     answer: numbers and booleans as JSON literals (switch
//     TypedPropertyValues, flag -typed-property-values): a value whose text
//     is a JSON number, true, false or null is written as that literal in
//     every partner answer (GET, list, POST, PUT, DELETE with status 200),
//     e.g. {"a":1,"b":true,"c":null}; what is stored stays text. The
//     provider keeps such a value's JSON text.
func typedValues(props map[string]string) map[string]any {
	out := make(map[string]any, len(props))
	for key, value := range props {
		out[key] = value
		// JSON text, with nothing around it, that is not a string, object or array
		if json.Valid([]byte(value)) && value == strings.TrimSpace(value) && !strings.ContainsAny(value[:1], `"{[`) {
			out[key] = json.RawMessage(value)
		}
	}
	return out
}

func (s *Server) createPartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	body, err := readPartnerBody(w, r)
	if err != nil {
		return err
	}
	p, delay, err := s.commitNewPartner(body.applyTo(Partner{}, false))
	if err != nil {
		return err
	}
	if delay > 0 && !sleep(r.Context(), delay) {
		return nil // the client went away; the partner stays stored
	}
	switch answer, drop := s.takeCommitFault(); {
	case drop:
		dropConnection(w)
		return nil
	case answer != nil:
		return answer
	}
	return writeJSON(w, http.StatusCreated, s.answer(p, false))
}

// commitNewPartner validates and stores p, and says how long to wait before answering.
func (s *Server) commitNewPartner(p Partner) (Partner, time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.validatePartnerLocked(p); err != nil {
		return Partner{}, 0, err
	}
	return s.addPartnerLocked(p), s.faults.CreateAnswerDelay, nil
}

// getPartner answers the partner the path names.
//
//   - [inferred] GET /network/partners/{id} reads a partner and answers
//     404 {"message":"Resource not found"} when it is missing. The provider
//     believes a 404 only in that shape and only from a server that has
//     answered it before (README, Reliability).
func (s *Server) getPartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	p, ok := s.Partner(r.PathValue("id"))
	if !ok {
		return errNotFound
	}
	return writeJSON(w, http.StatusOK, s.answer(p, false))
}

// updatePartner replaces every client-managed field, clearing omitted ones, unless
// Options.MergingUpdate keeps the fields that are absent or null in the body.
//
//   - [inferred] PUT /network/partners/{id} replaces the whole partner: every
//     client-managed field, clearing the ones the body omits; the provider
//     takes any 2xx as success. Other answer: a PUT that merges (switch
//     MergingUpdate, flag -merging-update): a field absent from the body or
//     JSON null keeps its stored value, any other value (including "" and
//     {}) replaces it, so "organization": null keeps the organization. The
//     provider sends every field, so both work, except that a merging server
//     keeps an organization sent as null: that update fails naming
//     organization_id.
func (s *Server) updatePartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	body, err := readPartnerBody(w, r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, found := partnerStore.in(s).get(r.PathValue("id"))
	// A replacing body is checked before the id, so it is a 400 even for an
	// unknown partner; a merged one can only be checked against the stored.
	if !found && s.opts.MergingUpdate {
		return errNotFound
	}
	p := body.applyTo(old, s.opts.MergingUpdate)
	if err := s.validatePartnerLocked(p); err != nil {
		return err
	}
	if !found {
		return errNotFound
	}
	partnerStore.in(s).put(p.ID, p)
	return writeJSON(w, http.StatusOK, s.answer(p, false))
}

// deletePartner removes the partner the path names.
//
//   - [inferred] DELETE /network/partners/{id} answers 200 with the partner
//     or 204 (Options.DeleteStatus, default 204; no flag); the provider
//     counts a 404 as already gone.
func (s *Server) deletePartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	p, ok := s.removePartner(r.PathValue("id"))
	if !ok {
		return errNotFound
	}
	if s.opts.DeleteStatus == http.StatusNoContent {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return writeJSON(w, s.opts.DeleteStatus, s.answer(p, false))
}

func (s *Server) removePartner(id string) (Partner, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return partnerStore.in(s).delete(id)
}

// partnerListing is what GET /v2/network/partners filters and sorts by.
//
//   - [inferred] Partners sort by creationTimestamp,ASC by default and can
//     sort by name, code or creationTimestamp.
var partnerListing = listing[Partner]{
	fields: map[string]func(Partner) string{
		"name":    func(p Partner) string { return p.Name },
		"code":    func(p Partner) string { return p.Code },
		"country": func(p Partner) string { return p.Country },
	},
	orders: map[string]func(a, b Partner) int{
		"name":              func(a, b Partner) int { return strings.Compare(a.Name, b.Name) },
		"code":              func(a, b Partner) int { return strings.Compare(a.Code, b.Code) },
		"creationTimestamp": func(a, b Partner) int { return cmp.Compare(a.CreationTimestamp, b.CreationTimestamp) },
	},
	defaultSort: "creationTimestamp,ASC",
	id:          func(p Partner) string { return p.ID },
	ignorable:   true,
}

func (s *Server) listPartners(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	return writePage(w, r, s.Partners(), partnerListing, s.opts, s.listEntry)
}
