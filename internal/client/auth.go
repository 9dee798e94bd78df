package client

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

const (
	loginFlowToken    = "token"
	loginFlowPAT      = "pat"
	loginFlowPassword = "password"
)

// EnvVar names the environment variable of a setting: SERVITLY_<SETTING>.
func EnvVar(setting string) string { return "SERVITLY_" + strings.ToUpper(setting) }

// LoginConfigError is credentials that select no login flow, an incomplete one or several.
// Setting is the one to fix; the message lists every credential set, with its source.
type LoginConfigError struct {
	Setting, message string
}

func (e *LoginConfigError) Error() string { return e.message }

// LoginFlowOf returns which login flow cfg selects, or a *LoginConfigError. sources names
// where each setting came from: its EnvVar, or another place such as "provider block".
func LoginFlowOf(cfg Config, sources map[string]string) (string, error) {
	e := &LoginConfigError{Setting: "token"}
	var flows, set []string
	fix := "" // with several flows, a credential written where the user edits, not in the environment
	for _, c := range []struct{ name, value, flow string }{{"token", cfg.Token, loginFlowToken}, {"api_key", cfg.APIKey, ""},
		{"pat", cfg.PAT, loginFlowPAT}, {"email", cfg.Email, loginFlowPassword}, {"password", cfg.Password, loginFlowPassword}} {
		if c.value == "" {
			continue
		}
		label := c.name
		if src := sources[c.name]; src != "" {
			label += " (" + src + ")"
		}
		set = append(set, label)
		if c.flow != "" && !slices.Contains(flows, c.flow) {
			flows = append(flows, c.flow)
		}
		if c.flow != "" && (fix == "" || sources[fix] == EnvVar(fix) && sources[c.name] != EnvVar(c.name)) {
			fix = c.name
		}
	}
	const passwordFlow = "the password login needs api_key, email and password together"
	switch {
	case len(flows) == 0:
		e.message = "no credentials: set token, or api_key and pat, or api_key, email and password"
	case len(flows) > 1:
		e.Setting, e.message = fix, fmt.Sprintf("more than one login flow is configured (%s): set exactly one of "+
			"token, api_key + pat, or api_key + email + password", strings.Join(flows, ", "))
	case flows[0] == loginFlowToken && cfg.APIKey != "":
		e.message = "api_key is not used with token: remove api_key, or replace token with pat or email and password"
	case flows[0] == loginFlowPAT && cfg.APIKey == "":
		e.Setting, e.message = "api_key", "pat needs api_key as well"
	case flows[0] == loginFlowPassword && cfg.APIKey == "":
		e.Setting, e.message = "api_key", passwordFlow
	case flows[0] == loginFlowPassword && cfg.Email == "":
		e.Setting, e.message = "email", passwordFlow
	case flows[0] == loginFlowPassword && cfg.Password == "":
		e.Setting, e.message = "password", passwordFlow
	default:
		return flows[0], nil
	}
	if len(set) > 0 {
		e.message += ". Set: " + strings.Join(set, ", ")
	}
	return "", e
}

// session is what a login or renewal returns.
type session struct {
	Token                    string `json:"token"`
	TokenExpirationTimestamp int64  `json:"tokenExpirationTimestamp"`
	RefreshToken             string `json:"refreshToken"`
	UserID                   string `json:"userId"`
	TenantID                 string `json:"tenantId"`

	obtainedAt time.Time
}

func (s *session) expiresAt() time.Time { return time.UnixMilli(s.TokenExpirationTimestamp) }

// stale reports whether the token is expired or so close that a call could fail in flight.
func (s *session) stale(now time.Time) bool {
	margin := min(30*time.Second, s.expiresAt().Sub(s.obtainedAt)/10)
	return s.TokenExpirationTimestamp != 0 && !now.Before(s.expiresAt().Add(-margin))
}

// authenticator logs in lazily and shares one token; concurrent refreshes make one request.
type authenticator struct {
	flow   string
	cfg    Config
	client *Client

	current atomic.Pointer[session]
	failed  atomic.Pointer[LoginError] // refused outright (bad credentials, unknown tenant): no retrying it
	group   singleflight.Group
}

// token returns a bearer token, logging in or renewing first when needed.
func (a *authenticator) token(ctx context.Context) (string, error) {
	if a.flow == loginFlowToken {
		return a.cfg.Token, nil
	}
	if failed := a.failed.Load(); failed != nil {
		return "", failed
	}
	cur := a.current.Load()
	if cur != nil && !cur.stale(time.Now()) {
		return cur.Token, nil
	}
	return a.refresh(ctx, cur)
}

// recover reports, after a 401 for a request sent with token, whether to send it again.
func (a *authenticator) recover(ctx context.Context, token string) (bool, error) {
	if a.flow == loginFlowToken {
		if exp, ok := jwtExpiry(token); ok && !time.Now().Before(exp) {
			return false, &TokenExpiredError{ExpiredAt: exp}
		}
		return false, nil
	}
	cur := a.current.Load()
	if cur != nil && cur.Token != token {
		return true, nil // another goroutine already replaced it
	}
	_, err := a.refresh(ctx, cur)
	return err == nil, err
}

// refresh replaces old by renewToken once it has expired (earlier is refused with 400), else by a login.
func (a *authenticator) refresh(ctx context.Context, old *session) (string, error) {
	key := ""
	if old != nil {
		key = old.Token
	}
	ch := a.group.DoChan(key, func() (any, error) {
		// A caller that saw old before an earlier flight replaced it uses what that one got.
		if failed := a.failed.Load(); failed != nil {
			return nil, failed
		}
		if cur := a.current.Load(); cur != nil && cur != old {
			return cur.Token, nil
		}
		// One cancelled caller must not fail the others waiting on this flight.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.client.retry.budget+time.Minute)
		defer cancel()
		var next *session
		var err error
		if old != nil && old.RefreshToken != "" && !time.Now().Before(old.expiresAt()) {
			if next, err = a.renew(ctx, old); err != nil {
				a.client.logger.Debug(ctx, "token renewal failed; logging in again", map[string]any{"error": err.Error()})
			}
		}
		if next == nil {
			if next, err = a.login(ctx); err != nil {
				return nil, err
			}
		}
		a.current.Store(next)
		return next.Token, nil
	})
	// Waiting must not outlive the caller (an interrupt); the flight may take minutes.
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for the Servitly login: %w", ctx.Err())
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil //nolint:forcetypeassert // the flight above only returns strings
	}
}

func (a *authenticator) login(ctx context.Context) (*session, error) {
	req := request{method: http.MethodPost, path: "/identity/users/login", noAuth: true,
		query: url.Values{"apiKey": {a.cfg.APIKey}},
		body:  map[string]string{"email": a.cfg.Email, "password": a.cfg.Password}}
	if a.flow == loginFlowPAT {
		req = request{method: http.MethodPost, path: "/identity/users/patLogin", noAuth: true,
			body: map[string]string{"apiKey": a.cfg.APIKey, "pat": a.cfg.PAT}}
	}
	s, err := a.exchange(ctx, req)
	if err != nil {
		loginErr := &LoginError{Flow: a.flow, Err: err}
		if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests {
			a.failed.Store(loginErr)
		}
		return nil, loginErr
	}
	a.client.logger.Debug(ctx, "logged in to Servitly", map[string]any{"flow": a.flow, "expires_at": s.expiresAt().UTC().Format(time.RFC3339)})
	return s, nil
}

func (a *authenticator) renew(ctx context.Context, old *session) (*session, error) {
	s, err := a.exchange(ctx, request{method: http.MethodPost, path: "/identity/users/me/renewToken", bearer: old.Token,
		body: map[string]string{"refreshToken": old.RefreshToken, "userId": old.UserID, "tenantId": old.TenantID}})
	if err != nil {
		return nil, err
	}
	s.RefreshToken = cmp.Or(s.RefreshToken, old.RefreshToken)
	a.client.logger.Debug(ctx, "renewed the Servitly token", map[string]any{"expires_at": s.expiresAt().UTC().Format(time.RFC3339)})
	return s, nil
}

// exchange sends a login-style request, retried like any idempotent call.
func (a *authenticator) exchange(ctx context.Context, req request) (*session, error) {
	var s session
	req.repeatable = true // a second login only yields a second token
	if err := a.client.do(ctx, req, &s); err != nil {
		if decErr, ok := errors.AsType[*DecodeError](err); ok { // the answer may hold a token
			decErr.Excerpt = "(not shown: login answers carry tokens)"
		}
		return nil, err
	}
	if s.Token == "" {
		return nil, fmt.Errorf("%s answered without a token", req.path)
	}
	s.obtainedAt = time.Now()
	return &s, nil
}

// jwtExpiry reads a JWT's unverified "exp" claim, only to explain a 401 for a static token.
func jwtExpiry(token string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		return time.Time{}, false
	}
	secs, err := claims.Exp.Float64()
	if err != nil || secs <= 0 {
		return time.Time{}, false
	}
	return time.Unix(int64(secs), 0), true
}
