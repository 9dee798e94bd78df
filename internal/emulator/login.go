package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// loginResponse is the answer of login, patLogin and renewToken.
type loginResponse struct {
	Token                    string `json:"token"`
	TokenExpirationTimestamp int64  `json:"tokenExpirationTimestamp"` // epoch ms
	RefreshToken             string `json:"refreshToken"`
	UserID                   string `json:"userId"`
	TenantID                 string `json:"tenantId"`
}

// loginDevice is accepted for mobile clients and otherwise ignored. It is
// named because a wrong type in devices is answered with the type's name.
type loginDevice struct {
	DeviceID             string `json:"deviceId"`
	OS                   string `json:"os"`
	Model                string `json:"model"`
	Platform             string `json:"platform"`
	NotificationDeviceID string `json:"notificationDeviceId"`
}

func init() {
	addRoutes([]route{
		{"POST", "/identity/users/login", anonymous, nil, (*Server).login},
		{"POST", "/identity/users/patLogin", anonymous, nil, (*Server).patLogin},
		{"POST", "/identity/users/me/renewToken", expiredTokenOK, nil, (*Server).renewToken},
		{"POST", "/identity/users/me/logout", activeToken, nil, (*Server).logout},
	})
}

// login: the API key travels in the query, the credentials in the body.
//
//   - [inferred] Login emails are compared case-insensitively; passwords,
//     API keys and PATs (patLogin's too) exactly. The login API key is read
//     only from the apiKey query parameter (not apikey).
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	var body struct {
		Email    string        `json:"email"`
		Password string        `json:"password"`
		Devices  []loginDevice `json:"devices"`
	}
	if err := decodeStrict(w, r, &body); err != nil {
		return err
	}
	return s.startSession(w, same(r.URL.Query().Get("apiKey"), s.opts.APIKey) &&
		strings.EqualFold(body.Email, s.opts.Email) && same(body.Password, s.opts.Password))
}

// patLogin: here the API key travels in the body, next to the PAT.
func (s *Server) patLogin(w http.ResponseWriter, r *http.Request, _ *issuedToken) error {
	var body struct {
		APIKey string `json:"apiKey"`
		PAT    string `json:"pat"`
	}
	if err := decodeStrict(w, r, &body); err != nil {
		return err
	}
	return s.startSession(w, same(body.APIKey, s.opts.APIKey) && same(body.PAT, s.opts.PAT))
}

// startSession answers a login whose credentials are valid, or refuses it.
func (s *Server) startSession(w http.ResponseWriter, valid bool) error {
	if !valid {
		return errInvalidCredentials
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Logins++
	return writeJSON(w, http.StatusOK, s.issueLocked(s.opts.TokenTTL, &session{refreshToken: newRefreshToken()}))
}

// renewToken trades an expired token and the session's refresh token for a new token and refresh token.
//
//   - [inferred] renewToken checks, in order: the bearer was issued here
//     (401), the body decodes (400), the bearer has expired (400 if not),
//     the refresh token, userId and tenantId match the bearer's session (401).
//     The refresh token is rotated on every renewal.
func (s *Server) renewToken(w http.ResponseWriter, r *http.Request, caller *issuedToken) error {
	var body struct {
		RefreshToken string `json:"refreshToken"`
		UserID       string `json:"userId"`
		TenantID     string `json:"tenantId"`
	}
	if err := decodeStrict(w, r, &body); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.expiredLocked(caller) {
		return &apiError{http.StatusBadRequest, "Token cannot be renewed because not yet expired"}
	}
	sess := caller.session
	if sess == nil || sess.refreshToken == "" ||
		!same(body.RefreshToken, sess.refreshToken) ||
		body.UserID != s.userID || body.TenantID != s.tenantID {
		return errUnauthenticated
	}
	sess.refreshToken = newRefreshToken()
	s.stats.Renewals++
	return writeJSON(w, http.StatusOK, s.issueLocked(s.opts.TokenTTL, sess))
}

// logout ends the caller's session if the refresh token is its own.
//
//   - [inferred] logout needs an unexpired bearer and answers 200 with the
//     body 1 even when the refresh token was already invalid.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, caller *issuedToken) error {
	var body struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := decodeStrict(w, r, &body); err != nil {
		return err
	}
	s.mu.Lock()
	if sess := caller.session; sess != nil && sess.refreshToken != "" && same(body.RefreshToken, sess.refreshToken) {
		sess.refreshToken = ""
	}
	s.mu.Unlock()
	return writeJSON(w, http.StatusOK, 1)
}

// same compares secrets in constant time, not to teach bad habits.
func same(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
