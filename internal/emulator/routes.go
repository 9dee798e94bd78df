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

// routes are added by each entity's file, from its init, next to the handlers.
var routes []route

func addRoutes(rs []route) { routes = append(routes, rs...) }

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
