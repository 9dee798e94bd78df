package emulator

import (
	"cmp"
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

// readPartnerBody decodes and validates a create or update body.
func readPartnerBody(w http.ResponseWriter, r *http.Request) (partnerJSON, error) {
	var body partnerJSON
	if err := decodeStrict(w, r, &body); err != nil {
		return body, err
	}
	return body, body.validate()
}

// applyTo replaces every client-managed field of p with the body's.
func (b partnerJSON) applyTo(p Partner) Partner {
	p.Name, p.Code, p.Country, p.Timezone = b.Name, b.Code, b.Country, b.Timezone
	p.Properties = b.Properties
	p.OrganizationID = b.Organization.id()
	return p.clone()
}

func (s *Server) createPartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	body, err := readPartnerBody(w, r)
	if err != nil {
		return err
	}
	p, fault, err := s.commitNewPartner(body)
	switch {
	case err != nil:
		return err
	case fault == commitThenError:
		return errInternal
	case fault == commitThenDrop:
		dropConnection(w)
		return nil
	}
	writeJSON(w, http.StatusCreated, toPartnerJSON(p))
	return nil
}

// commitNewPartner stores the partner and tells whether a commit fault is due.
func (s *Server) commitNewPartner(body partnerJSON) (Partner, commitFault, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.organizationKnownLocked(body.Organization.id()) {
		return Partner{}, noCommitFault, errNotFound
	}
	p := s.addPartnerLocked(body.applyTo(Partner{ID: newID()}))
	return p, s.takeCommitFaultLocked(), nil
}

func (s *Server) getPartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	p, ok := s.Partner(r.PathValue("id"))
	if !ok {
		return errNotFound
	}
	writeJSON(w, http.StatusOK, toPartnerJSON(p))
	return nil
}

// updatePartner is a full replacement: omitted fields are cleared, and only
// the server-managed customerCount and creationTimestamp survive.
func (s *Server) updatePartner(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	body, err := readPartnerBody(w, r)
	if err != nil {
		return err
	}
	p, err := s.replacePartner(r.PathValue("id"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toPartnerJSON(p))
	return nil
}

func (s *Server) replacePartner(id string, body partnerJSON) (Partner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.partners[id]
	if !ok || !s.organizationKnownLocked(body.Organization.id()) {
		return Partner{}, errNotFound
	}
	p := body.applyTo(old)
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
	writeJSON(w, s.opts.DeleteStatus, toPartnerJSON(p))
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
	result, err := listPage(all, r, partnerListing, s.opts.MaxPageSize)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, result)
	return nil
}
