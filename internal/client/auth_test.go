package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAPIKey   = "key-SECRET-4b1d"
	testPAT      = "pat-SECRET-77aa"
	testEmail    = "ops@example.com"
	testPassword = "pw-SECRET-9f0e"
)

// makeJWT builds an unsigned JWT whose exp claim is exp.
func makeJWT(exp time.Time, salt string) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]any{"exp": exp.Unix(), "sub": salt})
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc(payload) + ".sig"
}

func loginAnswer(token string, exp time.Time, refresh string) string {
	return fmt.Sprintf(`{"token":%q,"tokenExpirationTimestamp":%d,"refreshToken":%q,"userId":"u1","tenantId":"t1"}`,
		token, exp.UnixMilli(), refresh)
}

// authAPI fakes the identity endpoints and one partner endpoint that
// accepts the tokens in valid.
type authAPI struct {
	*apiServer
	logins, renews, calls atomic.Int64

	mu    sync.Mutex
	valid map[string]bool

	login func(w http.ResponseWriter, n int) // n is 1-based
	renew func(w http.ResponseWriter, n int)
}

func newAuthAPI(t *testing.T) *authAPI {
	a := &authAPI{valid: map[string]bool{}}
	a.apiServer = newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.URL.Path {
		case "/identity/users/patLogin", "/identity/users/login":
			a.login(w, int(a.logins.Add(1)))
		case "/identity/users/me/renewToken":
			a.renew(w, int(a.renews.Add(1)))
		case "/network/partners/p1":
			a.calls.Add(1)
			token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			a.mu.Lock()
			ok := a.valid[token]
			a.mu.Unlock()
			if !ok {
				writeMessage(w, http.StatusUnauthorized, "User not authenticated")
				return
			}
			writeJSON(w, http.StatusOK, fullPartnerJSON)
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
	})
	a.renew = func(w http.ResponseWriter, _ int) { t.Error("unexpected renewToken"); w.WriteHeader(http.StatusTeapot) }
	return a
}

func (a *authAPI) accept(tokens ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, tok := range tokens {
		a.valid[tok] = true
	}
}

func patConfig(url string) Config {
	cfg := fastConfig(url)
	cfg.Token = ""
	cfg.APIKey = testAPIKey
	cfg.PAT = testPAT
	return cfg
}

func passwordConfig(url string) Config {
	cfg := fastConfig(url)
	cfg.Token = ""
	cfg.APIKey = testAPIKey
	cfg.Email = testEmail
	cfg.Password = testPassword
	return cfg
}

func (a *authAPI) byPath(path string) []seen {
	var out []seen
	for _, r := range a.requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func TestPATLogin(t *testing.T) {
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, _ int) {
		writeJSON(w, http.StatusOK, loginAnswer("jwt-1", time.Now().Add(time.Hour), "r1"))
	}
	a.accept("jwt-1")
	c := newTestClient(t, patConfig(a.URL))
	for range 3 {
		if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
			t.Fatalf("GetPartner: %v", err)
		}
	}
	logins := a.byPath("/identity/users/patLogin")
	if len(logins) != 1 {
		t.Fatalf("%d logins, want 1 for three calls", len(logins))
	}
	l := logins[0]
	if l.Method != http.MethodPost || len(l.Query) != 0 {
		t.Errorf("login = %s ?%v, want POST without query", l.Method, l.Query)
	}
	assertJSON(t, l.Body, `{"apiKey":"`+testAPIKey+`","pat":"`+testPAT+`"}`)
	if l.Header.Get(TenantHeader) != testTenant || l.Header.Get("Content-Type") != "application/json" || l.Header.Get("User-Agent") != testUA {
		t.Errorf("login headers = %v", l.Header)
	}
	if got := l.Header.Get("Authorization"); got != "" {
		t.Errorf("login sent Authorization %q", got)
	}
	for _, r := range a.byPath("/network/partners/p1") {
		if got := r.Header.Get("Authorization"); got != "Bearer jwt-1" {
			t.Errorf("call Authorization = %q, want Bearer jwt-1", got)
		}
	}
}

func TestPasswordLogin(t *testing.T) {
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, _ int) {
		writeJSON(w, http.StatusOK, loginAnswer("jwt-1", time.Now().Add(time.Hour), "r1"))
	}
	a.accept("jwt-1")
	c := newTestClient(t, passwordConfig(a.URL))
	if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
		t.Fatalf("GetPartner: %v", err)
	}
	logins := a.byPath("/identity/users/login")
	if len(logins) != 1 {
		t.Fatalf("%d logins, want 1", len(logins))
	}
	l := logins[0]
	assertQuery(t, l.Query, map[string]string{"apiKey": testAPIKey})
	assertJSON(t, l.Body, `{"email":"`+testEmail+`","password":"`+testPassword+`"}`)
	if l.Header.Get(TenantHeader) != testTenant || l.Header.Get("Authorization") != "" {
		t.Errorf("login headers = %v", l.Header)
	}
}

func TestConcurrentCallsLogInOnce(t *testing.T) {
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, n int) {
		time.Sleep(30 * time.Millisecond) // keep the flight open while the others arrive
		writeJSON(w, http.StatusOK, loginAnswer(fmt.Sprintf("jwt-%d", n), time.Now().Add(time.Hour), "r"))
	}
	a.accept("jwt-1")
	c := newTestClient(t, patConfig(a.URL))
	const workers = 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			_, err := c.GetPartner(context.Background(), "p1")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("GetPartner: %v", err)
		}
	}
	if n := a.logins.Load(); n != 1 {
		t.Errorf("%d logins for %d concurrent calls, want 1", n, workers)
	}
	if n := a.calls.Load(); n != workers {
		t.Errorf("%d calls, want %d", n, workers)
	}
}

func TestExpiredSessionIsRenewed(t *testing.T) {
	a := newAuthAPI(t)
	expired := makeJWT(time.Now().Add(-time.Minute), "old")
	a.login = func(w http.ResponseWriter, _ int) {
		writeJSON(w, http.StatusOK, loginAnswer(expired, time.Now().Add(-time.Second), "refresh-1"))
	}
	// The renewal does not rotate the refresh token.
	a.renew = func(w http.ResponseWriter, n int) {
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"token":"jwt-renewed-%d","tokenExpirationTimestamp":%d,"userId":"u1","tenantId":"t1"}`,
			n, time.Now().Add(time.Hour).UnixMilli()))
	}
	a.accept(expired, "jwt-renewed-1")
	c := newTestClient(t, patConfig(a.URL))
	ctx := context.Background()
	if _, err := c.GetPartner(ctx, "p1"); err != nil { // logs in, gets an already expired token
		t.Fatalf("first call: %v", err)
	}
	if _, err := c.GetPartner(ctx, "p1"); err != nil { // must renew first
		t.Fatalf("second call: %v", err)
	}
	renews := a.byPath("/identity/users/me/renewToken")
	if len(renews) != 1 || a.logins.Load() != 1 {
		t.Fatalf("%d renewals and %d logins, want 1 and 1", len(renews), a.logins.Load())
	}
	r := renews[0]
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer "+expired || r.Header.Get(TenantHeader) != testTenant {
		t.Errorf("renew = %s with headers %v, want POST with the expired JWT as Bearer", r.Method, r.Header)
	}
	assertJSON(t, r.Body, `{"refreshToken":"refresh-1","userId":"u1","tenantId":"t1"}`)
	calls := a.byPath("/network/partners/p1")
	if got := calls[len(calls)-1].Header.Get("Authorization"); got != "Bearer jwt-renewed-1" {
		t.Errorf("call after renewal sent %q", got)
	}
}

func TestRenewRefusedFallsBackToLogin(t *testing.T) {
	for name, renew := range map[string]func(w http.ResponseWriter, _ int){
		"400 not yet expired": func(w http.ResponseWriter, _ int) { w.WriteHeader(http.StatusBadRequest) },
		"401":                 func(w http.ResponseWriter, _ int) { writeMessage(w, http.StatusUnauthorized, "User not authenticated") },
		"answer without token": func(w http.ResponseWriter, _ int) {
			writeJSON(w, http.StatusOK, `{"tokenExpirationTimestamp":1}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAuthAPI(t)
			a.login = func(w http.ResponseWriter, n int) {
				exp := time.Now().Add(-time.Second) // the first session is born expired
				if n > 1 {
					exp = time.Now().Add(time.Hour)
				}
				writeJSON(w, http.StatusOK, loginAnswer(fmt.Sprintf("jwt-%d", n), exp, "r"))
			}
			a.renew = renew
			a.accept("jwt-1", "jwt-2")
			c := newTestClient(t, patConfig(a.URL))
			for i := range 2 {
				if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if a.renews.Load() != 1 || a.logins.Load() != 2 {
				t.Errorf("%d renewals and %d logins, want 1 and 2", a.renews.Load(), a.logins.Load())
			}
			calls := a.byPath("/network/partners/p1")
			if got := calls[len(calls)-1].Header.Get("Authorization"); got != "Bearer jwt-2" {
				t.Errorf("call after the new login sent %q", got)
			}
		})
	}
}

func TestUnauthorizedCallLogsInAgainOnce(t *testing.T) {
	t.Run("then succeeds", func(t *testing.T) {
		a := newAuthAPI(t)
		a.login = func(w http.ResponseWriter, n int) {
			writeJSON(w, http.StatusOK, loginAnswer(fmt.Sprintf("jwt-%d", n), time.Now().Add(time.Hour), "r"))
		}
		a.accept("jwt-2") // the server has revoked jwt-1
		c := newTestClient(t, patConfig(a.URL))
		if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
			t.Fatalf("GetPartner: %v", err)
		}
		if a.logins.Load() != 2 || a.calls.Load() != 2 || a.renews.Load() != 0 {
			t.Errorf("%d logins, %d calls, %d renewals; want 2, 2, 0", a.logins.Load(), a.calls.Load(), a.renews.Load())
		}
	})

	t.Run("then gives up", func(t *testing.T) {
		a := newAuthAPI(t)
		a.login = func(w http.ResponseWriter, n int) {
			writeJSON(w, http.StatusOK, loginAnswer(fmt.Sprintf("jwt-%d", n), time.Now().Add(time.Hour), "r"))
		}
		c := newTestClient(t, patConfig(a.URL))
		_, err := c.GetPartner(context.Background(), "p1")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("error = %v, want *APIError 401", err)
		}
		if a.logins.Load() != 2 || a.calls.Load() != 2 {
			t.Errorf("%d logins and %d calls, want 2 and 2 (one recovery, no loop)", a.logins.Load(), a.calls.Load())
		}
	})
}

func TestWrongCredentials(t *testing.T) {
	for _, flow := range []string{loginFlowPAT, loginFlowPassword} {
		t.Run(flow, func(t *testing.T) {
			a := newAuthAPI(t)
			a.login = func(w http.ResponseWriter, _ int) { writeMessage(w, http.StatusUnauthorized, "Invalid credentials") }
			cfg := patConfig(a.URL)
			if flow == loginFlowPassword {
				cfg = passwordConfig(a.URL)
			}
			c := newTestClient(t, cfg)
			for i := range 3 {
				_, err := c.GetPartner(context.Background(), "p1")
				var loginErr *LoginError
				if !errors.As(err, &loginErr) || loginErr.Flow != flow {
					t.Fatalf("call %d: error = %T %v, want *LoginError for %s", i, err, err, flow)
				}
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || !strings.Contains(err.Error(), "Invalid credentials") {
					t.Errorf("call %d: error = %v, want the login's 401 inside", i, err)
				}
			}
			if n := len(a.requests()); n != 1 {
				t.Errorf("server saw %d requests, want only the 1 failed login", n)
			}
		})
	}
}

// A login is safe to repeat, so a server error during login is retried with
// back-off like any idempotent call, and is not remembered as a refusal.
func TestLoginServerErrorsAreRetried(t *testing.T) {
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, n int) {
		if n <= 3 {
			writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
			return
		}
		writeJSON(w, http.StatusOK, loginAnswer("jwt-ok", time.Now().Add(time.Hour), "r"))
	}
	a.accept("jwt-ok")
	c := newTestClient(t, patConfig(a.URL))
	if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
		t.Fatalf("the login should succeed on its fourth try: %v", err)
	}
	if n := a.logins.Load(); n != 4 {
		t.Errorf("%d login attempts, want 4", n)
	}
}

func TestLoginAnswerWithoutToken(t *testing.T) {
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, _ int) { writeJSON(w, http.StatusOK, `{"refreshToken":"r"}`) }
	c := newTestClient(t, patConfig(a.URL))
	_, err := c.GetPartner(context.Background(), "p1")
	var loginErr *LoginError
	if !errors.As(err, &loginErr) || !strings.Contains(err.Error(), "without a token") {
		t.Errorf("error = %v, want a *LoginError about the missing token", err)
	}
	if a.calls.Load() != 0 {
		t.Error("the call was sent without a token")
	}
}

func TestCancelWhileWaitingForLogin(t *testing.T) {
	release := make(chan struct{})
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, _ int) {
		<-release
		writeJSON(w, http.StatusOK, loginAnswer("jwt-1", time.Now().Add(time.Hour), "r"))
	}
	t.Cleanup(func() { close(release) })
	c := newTestClient(t, patConfig(a.URL))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetPartner(ctx, "p1")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned %s after the call began, want promptly after the cancellation", d)
	}
}

func TestStaticToken(t *testing.T) {
	t.Run("401 with an expired JWT", func(t *testing.T) {
		exp := time.Now().Add(-time.Hour).Truncate(time.Second)
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeMessage(w, http.StatusUnauthorized, "User not authenticated")
		})
		cfg := fastConfig(srv.URL)
		cfg.Token = makeJWT(exp, "x")
		c := newTestClient(t, cfg)
		_, err := c.GetPartner(context.Background(), "p1")
		var expired *TokenExpiredError
		if !errors.As(err, &expired) || !expired.ExpiredAt.Equal(exp) {
			t.Fatalf("error = %T %v, want *TokenExpiredError at %s", err, err, exp)
		}
		reqs := srv.requests()
		if len(reqs) != 1 || reqs[0].Header.Get("Authorization") != "Bearer "+cfg.Token {
			t.Errorf("requests = %v, want only the one call with the static token", methods(reqs))
		}
	})

	for name, token := range map[string]string{
		"401 with a valid JWT":     makeJWT(time.Now().Add(time.Hour), "x"),
		"401 with an opaque token": "not-a-jwt",
	} {
		t.Run(name, func(t *testing.T) {
			srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
				writeMessage(w, http.StatusUnauthorized, "User not authenticated")
			})
			cfg := fastConfig(srv.URL)
			cfg.Token = token
			c := newTestClient(t, cfg)
			_, err := c.GetPartner(context.Background(), "p1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
				t.Errorf("error = %v, want *APIError 401", err)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}
}

func TestLoginFlowOf(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		want    string
		wantErr string
	}{
		{"token", Config{Token: "t"}, loginFlowToken, ""},
		{"pat", Config{APIKey: "k", PAT: "p"}, loginFlowPAT, ""},
		{"password", Config{APIKey: "k", Email: "e", Password: "pw"}, loginFlowPassword, ""},
		{"nothing", Config{}, "", "no credentials"},
		{"api key alone", Config{APIKey: "k"}, "", "no credentials"},
		{"token with api key", Config{Token: "t", APIKey: "k"}, "", "api_key is not used with token"},
		{"pat without api key", Config{PAT: "p"}, "", "pat needs api_key"},
		{"email without password", Config{APIKey: "k", Email: "e"}, "", "api_key, email and password"},
		{"password without email", Config{APIKey: "k", Password: "pw"}, "", "api_key, email and password"},
		{"password flow without api key", Config{Email: "e", Password: "pw"}, "", "api_key, email and password"},
		{"token and pat", Config{Token: "t", APIKey: "k", PAT: "p"}, "", "more than one"},
		{"token and password", Config{Token: "t", Email: "e", Password: "pw"}, "", "more than one"},
		{"pat and password", Config{APIKey: "k", PAT: "p", Email: "e", Password: "pw"}, "", "more than one"},
		{"pat and email", Config{APIKey: "k", PAT: "p", Email: "e"}, "", "more than one"},
		{"all", Config{Token: "t", APIKey: "k", PAT: "p", Email: "e", Password: "pw"}, "", "more than one"},
	}
	for _, tc := range cases {
		got, err := LoginFlowOf(tc.cfg, nil)
		if tc.wantErr == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s: LoginFlowOf = %q, %v; want %q", tc.name, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || got != "" {
			t.Errorf("%s: LoginFlowOf = %q, %v; want an error containing %q", tc.name, got, err, tc.wantErr)
		}
	}
}

func TestSessionStale(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name string
		s    session
		want bool
	}{
		{"no expiry given", session{obtainedAt: now}, false},
		{"an hour left", session{TokenExpirationTimestamp: now.Add(time.Hour).UnixMilli(), obtainedAt: now}, false},
		{"inside the 30s margin", session{TokenExpirationTimestamp: now.Add(20 * time.Second).UnixMilli(), obtainedAt: now.Add(-time.Hour)}, true},
		{"expired", session{TokenExpirationTimestamp: now.Add(-time.Second).UnixMilli(), obtainedAt: now.Add(-time.Hour)}, true},
		{"short-lived, margin scales down", session{TokenExpirationTimestamp: now.Add(5 * time.Second).UnixMilli(), obtainedAt: now}, false},
	}
	for _, tc := range cases {
		if got := tc.s.stale(now); got != tc.want {
			t.Errorf("%s: stale = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestJWTExpiry(t *testing.T) {
	exp := time.Unix(1700000000, 0)
	if got, ok := jwtExpiry(makeJWT(exp, "x")); !ok || !got.Equal(exp) {
		t.Errorf("jwtExpiry = %s, %v; want %s", got, ok, exp)
	}
	enc := base64.RawURLEncoding.EncodeToString
	for _, tok := range []string{
		"", "opaque", "a.b", "a.b.c.d",
		"x." + enc([]byte(`{"sub":"no exp"}`)) + ".s",
		"x." + enc([]byte(`{"exp":"soon"}`)) + ".s",
		"x." + enc([]byte(`{"exp":-5}`)) + ".s",
		"x.!!!.s",
		"x." + enc([]byte(`not json`)) + ".s",
	} {
		if got, ok := jwtExpiry(tok); ok {
			t.Errorf("jwtExpiry(%q) = %s, true; want false", tok, got)
		}
	}
}

func TestConcurrentUnauthorizedCallsLogInAgainOnce(t *testing.T) {
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, n int) {
		time.Sleep(10 * time.Millisecond)
		writeJSON(w, http.StatusOK, loginAnswer(fmt.Sprintf("jwt-%d", n), time.Now().Add(time.Hour), "r"))
	}
	a.accept("jwt-2") // jwt-1 is revoked as soon as it is issued
	c := newTestClient(t, patConfig(a.URL))
	const workers = 20
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
				t.Errorf("GetPartner: %v", err)
			}
		})
	}
	wg.Wait()
	if n := a.logins.Load(); n != 2 {
		t.Errorf("%d logins, want 2: the first, and one after the 401s", n)
	}
	// Each worker's call succeeds exactly once with the new token, and was
	// refused at most once before (a late worker may start with jwt-2).
	var refused, accepted int
	for _, r := range a.requests() {
		if r.Path != "/network/partners/p1" {
			continue
		}
		if r.Header.Get("Authorization") == "Bearer jwt-2" {
			accepted++
		} else {
			refused++
		}
	}
	if accepted != workers || refused < 1 || refused > workers {
		t.Errorf("%d calls accepted and %d refused, want %d accepted and 1 to %d refused", accepted, refused, workers, workers)
	}
}

func TestConcurrentCallsRenewOnce(t *testing.T) {
	a := newAuthAPI(t)
	a.login = func(w http.ResponseWriter, _ int) {
		writeJSON(w, http.StatusOK, loginAnswer("jwt-old", time.Now().Add(-time.Second), "refresh-1"))
	}
	a.renew = func(w http.ResponseWriter, n int) {
		time.Sleep(10 * time.Millisecond)
		writeJSON(w, http.StatusOK, loginAnswer(fmt.Sprintf("jwt-new-%d", n), time.Now().Add(time.Hour), fmt.Sprintf("refresh-%d", n+1)))
	}
	a.accept("jwt-old", "jwt-new-1")
	c := newTestClient(t, patConfig(a.URL))
	if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.GetPartner(context.Background(), "p1"); err != nil {
				t.Errorf("GetPartner: %v", err)
			}
		})
	}
	wg.Wait()
	if a.renews.Load() != 1 || a.logins.Load() != 1 {
		t.Errorf("%d renewals and %d logins, want 1 and 1", a.renews.Load(), a.logins.Load())
	}
}

// TestTokenExpiresDuringBackoff: every attempt of a call sends the session's
// current token, so a call whose back-offs outlive several tokens still
// succeeds, and the server never sees an expired token.
func TestTokenExpiresDuringBackoff(t *testing.T) {
	const lifetime = 150 * time.Millisecond
	var mu sync.Mutex
	expiry := map[string]time.Time{}
	var logins, accepted, refused atomic.Int64
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.URL.Path {
		case "/identity/users/patLogin":
			token, exp := fmt.Sprintf("jwt-%d", logins.Add(1)), time.Now().Add(lifetime)
			mu.Lock()
			expiry[token] = exp
			mu.Unlock()
			writeJSON(w, http.StatusOK, loginAnswer(token, exp, "")) // no refresh token: a new login each time
		case "/network/partners/p1":
			mu.Lock()
			exp, ok := expiry[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
			mu.Unlock()
			switch {
			case !ok || !time.Now().Before(exp):
				refused.Add(1)
				writeMessage(w, http.StatusUnauthorized, "User not authenticated")
			case accepted.Add(1) <= 3:
				writeMessage(w, http.StatusTooManyRequests, "API call rate limit exeeded")
			default:
				writeJSON(w, http.StatusOK, fullPartnerJSON)
			}
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
	})
	cfg := patConfig(srv.URL)
	// Equal jitter waits between half and all of this: never less than a token lives.
	cfg.MinBackoff, cfg.MaxBackoff = 2*lifetime, 2*lifetime
	if _, err := newTestClient(t, cfg).GetPartner(context.Background(), "p1"); err != nil {
		t.Fatalf("GetPartner through three 429s, each back-off longer than a token lives: %v", err)
	}
	if refused.Load() != 0 || logins.Load() != 4 {
		t.Errorf("%d answers 401 and %d logins; want 0 and 4 (a fresh token for each attempt after a back-off)", refused.Load(), logins.Load())
	}
}

// TestLoginConfigError: the error names the setting to fix and where each
// credential came from, preferring one written in the configuration.
func TestLoginConfigError(t *testing.T) {
	cases := []struct {
		name     string
		cfg      Config
		sources  map[string]string
		setting  string
		mentions string
	}{
		{"pat without api key", Config{PAT: "p"}, map[string]string{"pat": "provider block"}, "api_key", "Set: pat (provider block)"},
		{"password without email", Config{APIKey: "k", Password: "pw"}, nil, "email", "Set: api_key, password"},
		{"two flows, the configured one named", Config{Token: "t", APIKey: "k", PAT: "p"},
			map[string]string{"token": "SERVITLY_TOKEN", "api_key": "SERVITLY_API_KEY", "pat": "provider block"}, "pat",
			"(token, pat)"},
		{"two flows from the environment", Config{Token: "t", APIKey: "k", PAT: "p"},
			map[string]string{"token": "SERVITLY_TOKEN", "api_key": "SERVITLY_API_KEY", "pat": "SERVITLY_PAT"}, "token",
			"token (SERVITLY_TOKEN), api_key (SERVITLY_API_KEY), pat (SERVITLY_PAT)"},
	}
	for _, tc := range cases {
		_, err := LoginFlowOf(tc.cfg, tc.sources)
		loginErr, ok := errors.AsType[*LoginConfigError](err)
		if !ok || loginErr.Setting != tc.setting || !strings.Contains(err.Error(), tc.mentions) {
			t.Errorf("%s: LoginFlowOf = %v; want a *LoginConfigError on %s mentioning %q", tc.name, err, tc.setting, tc.mentions)
		}
	}
}
