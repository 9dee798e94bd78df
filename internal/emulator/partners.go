package emulator

import (
	"cmp"
	"maps"
	"slices"
)

// Partner is a stored partner. Properties is never nil in values returned by
// the Server, mirroring the API, which always sends an object.
type Partner struct {
	ID, Name, Code, Country, Timezone string
	Properties                        map[string]string
	OrganizationID                    string
	CustomerCount                     int64
	CreationTimestamp                 int64 // epoch ms
}

var partnerStore storeKey[Partner] = "partners"

// clone returns p with its own copy of Properties.
func (p Partner) clone() Partner {
	p.Properties = maps.Clone(p.Properties)
	if p.Properties == nil {
		p.Properties = map[string]string{}
	}
	return p
}

// Partners returns copies of all partners, ordered by CreationTimestamp then ID.
func (s *Server) Partners() []Partner {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := partnerStore.in(s).all()
	for i, p := range all {
		all[i] = p.clone()
	}
	slices.SortFunc(all, func(a, b Partner) int {
		return cmp.Or(cmp.Compare(a.CreationTimestamp, b.CreationTimestamp), cmp.Compare(a.ID, b.ID))
	})
	return all
}

// Partner returns a copy of the partner with the given id.
func (s *Server) Partner(id string) (Partner, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := partnerStore.in(s).get(id)
	if !ok {
		return Partner{}, false
	}
	return p.clone(), true
}

// AddPartner stores p as if it had been created out of band (e.g. in the
// Servitly console), assigning ID and CreationTimestamp when they are empty.
// It validates nothing, so tests can seed data the API would refuse.
func (s *Server) AddPartner(p Partner) Partner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPartnerLocked(p)
}

func (s *Server) addPartnerLocked(p Partner) Partner {
	p = p.clone()
	p.ID = cmp.Or(p.ID, newID())
	p.CreationTimestamp = cmp.Or(p.CreationTimestamp, s.opts.Now().UnixMilli())
	partnerStore.in(s).put(p.ID, p)
	return p.clone()
}

// UpdatePartner replaces the stored partner with the same ID, CustomerCount
// included, as an out-of-band edit would; a zero CreationTimestamp keeps the
// stored one. It reports false if there is no such partner.
func (s *Server) UpdatePartner(p Partner) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := partnerStore.in(s).get(p.ID)
	if ok {
		p.CreationTimestamp = cmp.Or(p.CreationTimestamp, old.CreationTimestamp)
		partnerStore.in(s).put(p.ID, p.clone())
	}
	return ok
}

// DeletePartner removes a partner out of band and reports whether it existed.
func (s *Server) DeletePartner(id string) bool {
	_, ok := s.removePartner(id)
	return ok
}
