package emulator

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestTenantHeader(t *testing.T) {
	h := newHarness(t, Options{})
	bearer := "Bearer " + h.token
	cases := []struct {
		name    string
		header  http.Header
		status  int
		message string
	}{
		{"missing", http.Header{"Authorization": {bearer}}, 400, "Missing X-Servitly-Tenant header"},
		{"other tenant", http.Header{"X-Servitly-Tenant": {"acme"}, "Authorization": {bearer}}, 404, "Tenant not found"},
		{"other tenant, legacy name", http.Header{"X-Semioty-Tenant": {"acme"}, "Authorization": {bearer}}, 404, "Tenant not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.send("GET", "/v2/network/partners", "", tc.header).expectError(t, tc.status, tc.message)
		})
	}
	for _, name := range []string{"X-Servitly-Tenant", "X-Semioty-Tenant"} {
		t.Run(name, func(t *testing.T) {
			h.send("GET", "/v2/network/partners", "", http.Header{name: {"demo"}, "Authorization": {bearer}}).expect(t, 200)
		})
	}
	t.Run("login needs it too", func(t *testing.T) {
		h.send("POST", "/identity/users/patLogin", `{"apiKey":"demo-api-key","pat":"demo-pat"}`, nil).
			expectError(t, 400, "Missing X-Servitly-Tenant header")
	})
}

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestPATLogin(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now, TokenTTL: 10 * time.Minute})
	first, second := h.patLogin(), h.patLogin()

	if want := clock.Now().Add(10 * time.Minute).UnixMilli(); first.TokenExpirationTimestamp != want {
		t.Errorf("tokenExpirationTimestamp %d, want %d", first.TokenExpirationTimestamp, want)
	}
	if !hex24.MatchString(first.UserID) || !hex24.MatchString(first.TenantID) {
		t.Errorf("userId %q and tenantId %q should be 24 hex characters", first.UserID, first.TenantID)
	}
	if first.UserID != second.UserID || first.TenantID != second.TenantID {
		t.Error("userId and tenantId should not change between logins")
	}
	if first.Token == second.Token || first.RefreshToken == second.RefreshToken {
		t.Error("each login should issue a new token and refresh token")
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(first.RefreshToken) {
		t.Errorf("refresh token %q is not UUID-like", first.RefreshToken)
	}
	h.token = first.Token
	h.call("GET", "/v2/network/partners", "").expect(t, 200)
	if got := h.srv.Stats().Logins; got != 2 {
		t.Errorf("Stats.Logins = %d, want 2", got)
	}
}

func TestPasswordLogin(t *testing.T) {
	h := newHarness(t, Options{Email: "Ops@Example.com", Password: "s3cret"})
	tenant := http.Header{"X-Servitly-Tenant": {"demo"}}
	r := h.send("POST", "/identity/users/login?apiKey=demo-api-key",
		`{"email":"ops@example.com","password":"s3cret","devices":null}`, tenant)
	r.expect(t, 200)
	var login loginResponse
	r.decode(t, &login)
	h.token = login.Token
	h.call("GET", "/v2/network/partners", "").expect(t, 200)
}

func TestWrongCredentials(t *testing.T) {
	h := newHarness(t, Options{})
	tenant := http.Header{"X-Servitly-Tenant": {"demo"}}
	cases := map[string]struct{ path, body string }{
		"wrong pat":              {"/identity/users/patLogin", `{"apiKey":"demo-api-key","pat":"nope"}`},
		"wrong api key in body":  {"/identity/users/patLogin", `{"apiKey":"nope","pat":"demo-pat"}`},
		"wrong password":         {"/identity/users/login?apiKey=demo-api-key", `{"email":"demo@example.com","password":"nope"}`},
		"wrong api key in query": {"/identity/users/login?apiKey=nope", `{"email":"demo@example.com","password":"demo-password"}`},
		"api key not in query":   {"/identity/users/login", `{"email":"demo@example.com","password":"demo-password"}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h.send("POST", tc.path, tc.body, tenant).expectError(t, 401, "Invalid credentials")
		})
	}
	if got := h.srv.Stats().Logins; got != 0 {
		t.Errorf("Stats.Logins = %d, want 0", got)
	}
}

func TestTokenIsASignedJWT(t *testing.T) {
	h := newHarness(t, Options{Tenant: "acme"})
	parts := strings.Split(h.token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q does not have three parts", h.token)
	}
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if string(header) != `{"alg":"HS256","typ":"JWT"}` {
		t.Errorf("header %s", header)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	if c.Tenant != "acme" || !hex24.MatchString(c.Subject) || c.Expires <= c.IssuedAt || c.ID == "" {
		t.Errorf("unexpected claims %+v", c)
	}

	// A forged longer lifetime, or a token from another server, is unknown here.
	c.Expires += 3600
	forged, _ := json.Marshal(c)
	parts[1] = base64.RawURLEncoding.EncodeToString(forged)
	for name, token := range map[string]string{
		"forged payload":      strings.Join(parts, "."),
		"from another server": New(Options{Tenant: "acme"}).IssueToken(0),
		"not a JWT":           "garbage",
		"empty":               "",
	} {
		t.Run(name, func(t *testing.T) {
			h.send("GET", "/v2/network/partners", "", http.Header{
				"X-Servitly-Tenant": {"acme"}, "Authorization": {"Bearer " + token},
			}).expectError(t, 401, "User not authenticated")
		})
	}
	t.Run("no Authorization header", func(t *testing.T) {
		h.send("GET", "/v2/network/partners", "", http.Header{"X-Servitly-Tenant": {"acme"}}).
			expectError(t, 401, "User not authenticated")
	})
}

func TestTokenExpiry(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now, TokenTTL: 300 * time.Millisecond})
	h.token = h.patLogin().Token

	clock.Advance(299 * time.Millisecond)
	h.call("GET", "/v2/network/partners", "").expect(t, 200)
	clock.Advance(time.Millisecond)
	h.call("GET", "/v2/network/partners", "").expectError(t, 401, "User not authenticated")
}

func TestIssueTokenTTL(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now})
	h.token = h.srv.IssueToken(time.Second)
	h.call("GET", "/v2/network/partners", "").expect(t, 200)
	clock.Advance(time.Second)
	h.call("GET", "/v2/network/partners", "").expect(t, 401)
}

func renewBody(l loginResponse) string {
	b, _ := json.Marshal(map[string]string{"refreshToken": l.RefreshToken, "userId": l.UserID, "tenantId": l.TenantID})
	return string(b)
}

func TestRenewBeforeExpiry(t *testing.T) {
	h := newHarness(t, Options{})
	login := h.patLogin()
	h.token = login.Token
	h.call("POST", "/identity/users/me/renewToken", renewBody(login)).
		expectError(t, 400, "Token cannot be renewed because not yet expired")
}

func TestRenewAfterExpiryRotatesRefreshToken(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now, TokenTTL: time.Minute})
	login := h.patLogin()
	h.token = login.Token
	clock.Advance(time.Minute)

	r := h.call("POST", "/identity/users/me/renewToken", renewBody(login))
	r.expect(t, 200)
	var renewed loginResponse
	r.decode(t, &renewed)
	if renewed.Token == login.Token || renewed.RefreshToken == login.RefreshToken {
		t.Fatal("renewal should issue a new token and a new refresh token")
	}
	if renewed.UserID != login.UserID || renewed.TenantID != login.TenantID {
		t.Error("renewal changed userId or tenantId")
	}
	if want := clock.Now().Add(time.Minute).UnixMilli(); renewed.TokenExpirationTimestamp != want {
		t.Errorf("tokenExpirationTimestamp %d, want %d", renewed.TokenExpirationTimestamp, want)
	}

	// The old refresh token is spent.
	h.call("POST", "/identity/users/me/renewToken", renewBody(login)).expectError(t, 401, "User not authenticated")

	h.token = renewed.Token
	h.call("GET", "/v2/network/partners", "").expect(t, 200)
	if got := h.srv.Stats().Renewals; got != 1 {
		t.Errorf("Stats.Renewals = %d, want 1", got)
	}
}

func TestRenewRejectsMismatches(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now, TokenTTL: time.Minute})
	login := h.patLogin()
	pasted := h.srv.IssueToken(0)
	clock.Advance(time.Minute)

	wrongUser, unknownRefresh := login, login
	wrongUser.UserID = "000000000000000000000000"
	unknownRefresh.RefreshToken = "cd2bd3a0-861d-4798-8fd6-2a2a99fb92e8"
	for name, tc := range map[string]struct {
		token string
		body  string
	}{
		"wrong userId":          {login.Token, renewBody(wrongUser)},
		"unknown refresh token": {login.Token, renewBody(unknownRefresh)},
		"IssueToken token":      {pasted, renewBody(login)},
	} {
		t.Run(name, func(t *testing.T) {
			h.token = tc.token
			h.call("POST", "/identity/users/me/renewToken", tc.body).expectError(t, 401, "User not authenticated")
		})
	}
}

func TestLogoutInvalidatesRefreshToken(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, Options{Now: clock.Now, TokenTTL: time.Minute})
	login := h.patLogin()
	h.token = login.Token

	r := h.call("POST", "/identity/users/me/logout", `{"refreshToken":"`+login.RefreshToken+`"}`)
	r.expect(t, 200)
	if string(r.body) != "1" {
		t.Errorf("logout body %q, want 1", r.body)
	}
	clock.Advance(time.Minute)
	h.call("POST", "/identity/users/me/renewToken", renewBody(login)).expect(t, 401)
}

func TestPermissions(t *testing.T) {
	h := newHarness(t, Options{Permissions: []string{"READ_PARTNER", "READ_ORGANIZATION"}})
	root := h.srv.RootOrganizationID()
	p := h.srv.AddPartner(Partner{Name: "Seeded"})

	h.call("GET", "/network/partners/"+p.ID, "").expect(t, 200)
	h.call("GET", "/network/organizations/"+root, "").expect(t, 200)
	for _, req := range []struct{ method, path, body string }{
		{"POST", "/network/partners", `{"name":"x"}`},
		{"PUT", "/network/partners/" + p.ID, `{"name":"x"}`},
		{"DELETE", "/network/partners/" + p.ID, ""},
		{"GET", "/v2/network/partners", ""},
		{"GET", "/v2/network/organizations", ""},
	} {
		t.Run(req.method+" "+req.path, func(t *testing.T) {
			h.call(req.method, req.path, req.body).expectError(t, 403, "User not authorized")
		})
	}
	if _, ok := h.srv.Partner(p.ID); !ok {
		t.Error("a refused DELETE removed the partner")
	}
}

func TestNoPermissions(t *testing.T) {
	h := newHarness(t, Options{Permissions: []string{}})
	h.call("GET", "/network/partners/abc", "").expectError(t, 403, "User not authorized")
}
