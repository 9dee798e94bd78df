package emulator

import (
	"net/http"
	"strings"
)

// access says what a route needs from the Authorization header.
type access int

const (
	anonymous      access = iota // the login endpoints
	activeToken                  // an issued, unexpired token
	expiredTokenOK               // renewToken, which is called with the expired token
)

type route struct {
	method      string
	pattern     string // segments in braces match any non-empty segment and become path values
	access      access
	permissions []string // as named in Servitly's permission catalogue
	handle      func(s *Server, w http.ResponseWriter, r *http.Request, caller *issuedToken) error
}

var routes = []route{
	{"POST", "/identity/users/login", anonymous, nil, (*Server).login},
	{"POST", "/identity/users/patLogin", anonymous, nil, (*Server).patLogin},
	{"POST", "/identity/users/me/renewToken", expiredTokenOK, nil, (*Server).renewToken},
	{"POST", "/identity/users/me/logout", activeToken, nil, (*Server).logout},

	{"POST", "/network/partners", activeToken, []string{"READ_PARTNER", "WRITE_PARTNER"}, (*Server).createPartner},
	{"GET", "/network/partners/{id}", activeToken, []string{"READ_PARTNER"}, (*Server).getPartner},
	{"PUT", "/network/partners/{id}", activeToken, []string{"READ_PARTNER", "WRITE_PARTNER"}, (*Server).updatePartner},
	{"DELETE", "/network/partners/{id}", activeToken, []string{"READ_PARTNER", "WRITE_PARTNER"}, (*Server).deletePartner},
	{"GET", "/v2/network/partners", activeToken, []string{"READ_ALL_PARTNERS"}, (*Server).listPartners},

	{"GET", "/network/organizations/{id}", activeToken, []string{"READ_ORGANIZATION"}, (*Server).getOrganization},
	{"GET", "/v2/network/organizations", activeToken, []string{"READ_ALL_ORGANIZATIONS"}, (*Server).listOrganizations},
}

// match finds the route for r and sets its path values. When no route
// matches, allowed lists the methods the path does accept, if any.
func match(r *http.Request) (rt *route, allowed []string) {
	for i := range routes {
		rt := &routes[i]
		switch {
		case !matchPath(rt.pattern, r):
		case rt.method != r.Method:
			allowed = append(allowed, rt.method)
		default:
			return rt, nil
		}
	}
	return nil, allowed
}

// matchPath matches segment by segment, so a trailing slash is a different
// path. It sets path values as it goes; those of a route that is not taken
// in the end are never read.
func matchPath(pattern string, r *http.Request) bool {
	want := strings.Split(pattern, "/")
	got := strings.Split(r.URL.Path, "/")
	if len(want) != len(got) {
		return false
	}
	for i, segment := range want {
		name, isWildcard := strings.CutPrefix(segment, "{")
		if isWildcard && got[i] == "" || !isWildcard && segment != got[i] {
			return false
		}
		if isWildcard {
			r.SetPathValue(strings.TrimSuffix(name, "}"), got[i])
		}
	}
	return true
}
