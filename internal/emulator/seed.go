package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// seed is the JSON document LoadSeed reads.
type seed struct {
	Organization  string            `json:"organization"`
	Organizations []json.RawMessage `json:"organizations"`
	Partners      []json.RawMessage `json:"partners"`
}

type seedOrganization struct {
	Name     string `json:"name"`
	Country  string `json:"country"`
	Timezone string `json:"timezone"`
	Parent   string `json:"parent"`
}

// seedPartner is a partner as requests carry it, but with its organization by name.
type seedPartner struct {
	partnerJSON
	Organization string `json:"organization"`
}

// LoadSeed adds organizations and partners to s, as if they had been made in
// the Servitly console, from a JSON seed (servitly-emulator -seed file.json):
//
//	{
//	  "organization": "Acme",
//	  "organizations": [
//	    {"name": "Acme Dealers Italy", "country": "Italy", "timezone": "Europe/Rome"},
//	    {"name": "Acme Dealers Milan", "parent": "Acme Dealers Italy"}
//	  ],
//	  "partners": [
//	    {"id": "65f1c0ffee0000000000a123", "name": "Rossi Macchine S.r.l.", "code": "P000123",
//	     "country": "Italy", "timezone": "Europe/Rome", "properties": {"tier": "gold"},
//	     "organization": "Acme Dealers Italy", "customerCount": 12,
//	     "creationTimestamp": 1700000000000}
//	  ]
//	}
//
// "organization" renames the root organization (Options.OrganizationName).
// Entries refer to organizations by name: a parent is the root or an
// organization listed before, and an omitted parent means the root; a partner
// without "organization" belongs to none. Every entry needs a name; a
// partner's id and creationTimestamp (epoch ms) are assigned when omitted.
//
// An unknown field, a missing name, or an organization name that matches no
// organization or several is an error naming the entry and the field. The
// whole seed is checked before anything is stored, so a bad seed changes
// nothing. LoadSeed reports how many organizations and partners it added.
func (s *Server) LoadSeed(data []byte) (organizations, partners int, err error) {
	var file seed
	if err := unmarshalStrict(data, &file); err != nil {
		return 0, 0, err
	}
	orgs := s.Organizations()
	root := slices.IndexFunc(orgs, func(o Organization) bool { return o.ID == s.rootOrgID })
	if file.Organization != "" {
		orgs[root].Name = file.Organization
	}
	existing := len(orgs)
	for i, raw := range file.Organizations {
		var o seedOrganization
		if err := unmarshalStrict(raw, &o); err != nil || o.Name == "" {
			return 0, 0, fmt.Errorf("organizations[%d]: %w", i, cmp.Or(err, errNameRequired))
		}
		parentID := s.rootOrgID
		if o.Parent != "" {
			if parentID, err = organizationNamed(orgs, o.Parent); err != nil {
				return 0, 0, fmt.Errorf("organizations[%d] %q: parent: %w", i, o.Name, err)
			}
		}
		orgs = append(orgs, Organization{ID: newID(), Name: o.Name, Country: o.Country, Timezone: o.Timezone, ParentID: parentID})
	}
	added := make([]Partner, len(file.Partners))
	for i, raw := range file.Partners {
		var p seedPartner
		if err := unmarshalStrict(raw, &p); err != nil || p.Name == "" {
			return 0, 0, fmt.Errorf("partners[%d]: %w", i, cmp.Or(err, errNameRequired))
		}
		var orgID string
		if p.Organization != "" {
			if orgID, err = organizationNamed(orgs, p.Organization); err != nil {
				return 0, 0, fmt.Errorf("partners[%d] %q: organization: %w", i, p.Name, err)
			}
		}
		added[i] = Partner{ID: p.ID, Name: p.Name, Code: p.Code, Country: p.Country, Timezone: p.Timezone, Properties: p.Properties,
			OrganizationID: orgID, CustomerCount: p.CustomerCount, CreationTimestamp: p.CreationTimestamp}
	}

	if file.Organization != "" {
		s.AddOrganization(orgs[root])
	}
	for _, o := range orgs[existing:] {
		s.AddOrganization(o)
	}
	for _, p := range added {
		s.AddPartner(p)
	}
	return len(orgs) - existing, len(added), nil
}

var errNameRequired = errors.New(`"name" is required`)

// organizationNamed returns the id of the one organization in orgs called name.
func organizationNamed(orgs []Organization, name string) (string, error) {
	var ids []string
	for _, o := range orgs {
		if o.Name == name {
			ids = append(ids, o.ID)
		}
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("no organization is named %q", name)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%d organizations are named %q", len(ids), name)
}
