package emulator

import (
	"cmp"
	"net/http"
	"strings"
)

func init() {
	addRoutes([]route{
		{"GET", "/network/organizations/{id}", activeToken, []string{"READ_ORGANIZATION"}, (*Server).getOrganization},
		{"GET", "/v2/network/organizations", activeToken, []string{"READ_ALL_ORGANIZATIONS"}, (*Server).listOrganizations},
	})
}

// Organization is a stored organization. An empty ParentID marks a root.
type Organization struct{ ID, Name, Country, Timezone, ParentID string }

var organizationStore storeKey[Organization] = "organizations"

// organizationJSON is an organization on the wire.
//
//   - [inferred] Unlike partners, organizations always carry every field,
//     with parent null at the root.
type organizationJSON struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Country  string     `json:"country"`
	Timezone string     `json:"timezone"`
	Parent   *reference `json:"parent"`
}

func toOrganizationJSON(o Organization) organizationJSON {
	return organizationJSON{ID: o.ID, Name: o.Name, Country: o.Country, Timezone: o.Timezone, Parent: refTo(o.ParentID)}
}

// AddOrganization stores o, assigning an ID when it is empty; one with the same ID is replaced.
func (s *Server) AddOrganization(o Organization) Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	o.ID = cmp.Or(o.ID, newID())
	organizationStore.in(s).put(o.ID, o)
	return o
}

// Organizations returns all organizations in the order they were added.
func (s *Server) Organizations() []Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	return organizationStore.in(s).all()
}

// RootOrganizationID returns the id of the organization seeded by New.
func (s *Server) RootOrganizationID() string { return s.rootOrgID }

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	s.mu.Lock()
	o, ok := organizationStore.in(s).get(r.PathValue("id"))
	s.mu.Unlock()
	if !ok {
		return errNotFound
	}
	return writeJSON(w, http.StatusOK, toOrganizationJSON(o))
}

// organizationListing is what GET /v2/network/organizations filters and sorts by.
//
//   - [inferred] The organization list takes name=eq;<name>, as the customer
//     list documents. Other answer: the value compared literally (switch
//     LiteralFilterValues, flag -literal-filter-values; see filter).
//     Organizations sort by name,ASC by default and can sort only by name.
var organizationListing = listing[Organization]{
	fields: map[string]func(Organization) string{
		"name": func(o Organization) string { return o.Name },
	},
	orders: map[string]func(a, b Organization) int{
		"name": func(a, b Organization) int { return strings.Compare(a.Name, b.Name) },
	},
	defaultSort: "name,ASC",
	id:          func(o Organization) string { return o.ID },
}

func (s *Server) listOrganizations(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	return writePage(w, r, s.Organizations(), organizationListing, s.opts, toOrganizationJSON)
}
