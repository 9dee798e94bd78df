package emulator

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is a usable demo tenant.
type Options struct {
	Tenant           string                           // tenant name accepted in X-Servitly-Tenant or legacy X-Semioty-Tenant; default "demo"
	APIKey           string                           // default "demo-api-key"
	PAT              string                           // default "demo-pat"
	Email            string                           // default "demo@example.com"
	Password         string                           // default "demo-password"
	TokenTTL         time.Duration                    // lifetime of issued JWTs; default 1h
	Latency          time.Duration                    // sleep before answering every request, cut short if the client goes away
	DeleteStatus     int                              // success status of DELETE /network/partners/{id}: 200 or 204; default 204
	Permissions      []string                         // permissions every issued token has; nil means all permissions
	MaxPageSize      int                              // largest page size served by the /v2 lists; default 200
	OrganizationName string                           // name of the root organization seeded at start; default "Demo Manufacturing"
	Now              func() time.Time                 // clock; default time.Now
	Logf             func(format string, args ...any) // one line per request; nil = silent

	// Switches that make the emulator answer the other plausible way where
	// the API is undocumented. Each is described with the guess it answers,
	// beside the code that applies it (see the package doc). All default to off.
	ListSummaries       bool // GET /v2/network/partners entries omit properties and organization
	ListWithoutCodes    bool // GET /v2/network/partners entries omit code (the code filter still applies)
	MergingUpdate       bool // PUT /network/partners/{id} keeps fields that are absent or null in the body
	LiteralFilterValues bool // /v2 field filters compare the raw value, without understanding "eq;"
	IgnoreListFilters   bool // GET /v2/network/partners ignores code, name, country and searchText
	TypedPropertyValues bool // partner answers write property values that read as JSON literals unquoted
}

func (o Options) withDefaults() Options {
	o.Tenant = cmp.Or(o.Tenant, "demo")
	o.APIKey = cmp.Or(o.APIKey, "demo-api-key")
	o.PAT = cmp.Or(o.PAT, "demo-pat")
	o.Email = cmp.Or(o.Email, "demo@example.com")
	o.Password = cmp.Or(o.Password, "demo-password")
	o.TokenTTL = cmp.Or(o.TokenTTL, time.Hour)
	o.DeleteStatus = cmp.Or(o.DeleteStatus, http.StatusNoContent)
	if o.MaxPageSize <= 0 {
		o.MaxPageSize = 200
	}
	o.OrganizationName = cmp.Or(o.OrganizationName, "Demo Manufacturing")
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Permissions = slices.Clone(o.Permissions) // nil stays nil: every permission
	return o
}

// Variant is one of the switches of Options that make the emulator answer
// the other plausible way where the API is undocumented, under the name the
// acceptance tests' SERVITLY_ACC_VARIANT gives it.
type Variant struct {
	Flag string         // cmd/servitly-emulator's flag for the same switch, without the dash
	Set  func(*Options) // turns the switch on
}

// Variants are the API variants by name. TypedPropertyValues is not one:
// the provider reads either answer, and its own test covers both.
var Variants = map[string]Variant{
	"literal-filters":    {"literal-filter-values", func(o *Options) { o.LiteralFilterValues = true }},
	"ignored-filters":    {"ignore-list-filters", func(o *Options) { o.IgnoreListFilters = true }},
	"list-summaries":     {"list-summaries", func(o *Options) { o.ListSummaries = true }},
	"list-without-codes": {"list-without-codes", func(o *Options) { o.ListWithoutCodes = true }},
	"merging-put":        {"merging-update", func(o *Options) { o.MergingUpdate = true }},
}

// LookupVariant returns the variant called name, or an error listing the names.
func LookupVariant(name string) (Variant, error) {
	if v, ok := Variants[name]; ok {
		return v, nil
	}
	return Variant{}, fmt.Errorf("unknown API variant %q: want one of %s", name, strings.Join(slices.Sorted(maps.Keys(Variants)), ", "))
}

// Server is the emulated API. It implements http.Handler and all its methods
// are safe for concurrent use.
type Server struct {
	opts     Options
	jwtKey   []byte // signs this server's tokens
	userID   string
	tenantID string

	mu        sync.Mutex
	tokens    map[string]*issuedToken // by the full JWT
	stores    map[any]any             // each entity's *store[T], by its storeKey[T]
	rootOrgID string
	faults    faultState
	stats     Stats
}

// New returns a Server holding one root organization and nothing else.
// It panics if opts.DeleteStatus is neither 0, 200 nor 204.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	if opts.DeleteStatus != http.StatusOK && opts.DeleteStatus != http.StatusNoContent {
		panic("emulator: Options.DeleteStatus must be 200 or 204")
	}
	s := &Server{
		opts:     opts,
		jwtKey:   randomBytes(32),
		userID:   newID(),
		tenantID: newID(),
		tokens:   make(map[string]*issuedToken),
		stores:   make(map[any]any),
		stats:    Stats{ByRoute: make(map[string]int)},
	}
	s.rootOrgID = s.AddOrganization(Organization{Name: opts.OrganizationName, Country: "Italy", Timezone: "Europe/Rome"}).ID
	return s
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	if s.opts.Logf != nil {
		defer func() { s.opts.Logf("%s %s %s", r.Method, r.URL.Path, rec.outcome()) }()
	}
	rt, allowed := match(r)
	s.countRequest(rt)
	if !sleep(r.Context(), s.opts.Latency) {
		return // the client gave up; nobody is left to answer
	}
	if err := s.serve(rec, r, rt, allowed); err != nil {
		writeError(rec, err)
	}
}

// serve applies the checks every request goes through, in the order a real
// gateway would plausibly apply them, then runs the route's handler.
//
//   - [inferred] Faults, then the tenant header, then the route, then the
//     bearer token, then permissions are checked, in that order. An unknown
//     path is a 404 "Resource not found"; a known path with another method is
//     a 405 {"message":"Method X not allowed"} with an Allow header.
//   - [inferred] A missing tenant header is a 400; a tenant header naming
//     another tenant is answered 404 {"message":"Tenant not found"}, on the
//     login endpoints and on every other call. Tenant names are compared
//     exactly (case-sensitive).
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt *route, allowed []string) error {
	switch answer, hang := s.rollFault(r, w.Header()); {
	case hang:
		// net/http notices a closed connection only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done() // the client cancelled, timed out or closed the connection
		return nil
	case answer != nil:
		return answer
	}
	// The tenant header has a legacy name too.
	switch cmp.Or(r.Header.Get("X-Servitly-Tenant"), r.Header.Get("X-Semioty-Tenant")) {
	case "":
		return &apiError{http.StatusBadRequest, "Missing X-Servitly-Tenant header"}
	case s.opts.Tenant: // the tenant this server emulates
	default:
		return &apiError{http.StatusNotFound, "Tenant not found"}
	}
	if rt == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			return &apiError{http.StatusMethodNotAllowed, "Method " + r.Method + " not allowed"}
		}
		return errNotFound
	}
	var caller *issuedToken
	if rt.access != anonymous {
		var err error
		if caller, err = s.authenticate(r, rt.access == expiredTokenOK); err != nil {
			return err
		}
		if !s.allowed(rt.permissions) {
			return errForbidden
		}
	}
	return rt.handle(s, w, r, caller)
}

// sleep waits for d and reports whether ctx was still live afterwards.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
