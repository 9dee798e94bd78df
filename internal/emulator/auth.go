package emulator

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// issuedToken is the server-side record of a JWT. The expiry is kept in
// milliseconds because JWT exp has only second precision and tests use
// lifetimes well under a second.
type issuedToken struct {
	expiresAtMs int64
	session     *session // nil for IssueToken tokens, which cannot be renewed
}

// session is what a login starts: the tokens renewed from it share it, and
// its refresh token changes on every renewal.
type session struct {
	refreshToken string // empty once logged out
}

// IssueToken returns a JWT for the configured tenant, valid for ttl (0 means
// Options.TokenTTL). It is what a user pastes into the provider's token
// setting, so it has no refresh token and cannot be renewed.
func (s *Server) IssueToken(ttl time.Duration) string {
	ttl = cmp.Or(ttl, s.opts.TokenTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueLocked(ttl, nil).Token
}

// issueLocked signs and records a new token for sess, which may be nil, and
// returns it as login answers do. s.mu must be held.
func (s *Server) issueLocked(ttl time.Duration, sess *session) loginResponse {
	now := s.opts.Now()
	expiresAtMs := now.UnixMilli() + ttl.Milliseconds()
	token := signJWT(s.jwtKey, claims{
		Subject:  s.userID,
		Tenant:   s.opts.Tenant,
		TenantID: s.tenantID,
		IssuedAt: now.Unix(),
		Expires:  expiresAtMs / 1000, // never promises more than the server grants
		ID:       randomHex(8),
	})
	s.tokens[token] = &issuedToken{expiresAtMs: expiresAtMs, session: sess}
	answer := loginResponse{Token: token, TokenExpirationTimestamp: expiresAtMs, UserID: s.userID, TenantID: s.tenantID}
	if sess != nil {
		answer.RefreshToken = sess.refreshToken
	}
	return answer
}

// authenticate finds the record of the request's bearer token. Every
// failure is the same 401, as a real server would not say which check failed.
func (s *Server) authenticate(r *http.Request, allowExpired bool) (*issuedToken, error) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, errUnauthenticated
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.tokens[token]
	if !ok || (!allowExpired && s.expiredLocked(rec)) {
		return nil, errUnauthenticated
	}
	return rec, nil
}

// expiredLocked reports whether the token's lifetime is over. s.mu must be held.
func (s *Server) expiredLocked(t *issuedToken) bool {
	return s.opts.Now().UnixMilli() >= t.expiresAtMs
}

// allowed reports whether issued tokens carry all the given permissions.
func (s *Server) allowed(needed []string) bool {
	for _, p := range needed {
		if s.opts.Permissions != nil && !slices.Contains(s.opts.Permissions, p) {
			return false
		}
	}
	return true
}

// claims is the payload of the JWTs this server issues.
type claims struct {
	Subject  string `json:"sub"` // user id
	Tenant   string `json:"tenant"`
	TenantID string `json:"tenantId"`
	IssuedAt int64  `json:"iat"` // epoch seconds
	Expires  int64  `json:"exp"` // epoch seconds; the server keeps the exact expiry in ms
	ID       string `json:"jti"` // makes every token distinct, even within one second
}

var (
	b64       = base64.RawURLEncoding
	jwtHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
)

// signJWT makes an HS256 JWT. The server never verifies one: it knows its tokens
// by its record of them, so a forged or foreign token is simply unknown.
func signJWT(key []byte, c claims) string {
	payload, _ := json.Marshal(c) // claims always marshals
	unsigned := jwtHeader + "." + b64.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + b64.EncodeToString(mac.Sum(nil))
}

// newID returns 24 lowercase hex characters, the shape of Servitly's ids.
// [inferred] They are MongoDB ObjectIds: seconds since the epoch, a value
// random per process and a counter, so that ids grow in creation order
// and break ties between partners created in the same millisecond.
func newID() string {
	var id [12]byte
	binary.BigEndian.PutUint32(id[0:4], uint32(time.Now().Unix())) //nolint:gosec // seconds fit until 2106
	copy(id[4:9], processRandom)
	n := idCounter.Add(1)
	id[9], id[10], id[11] = byte(n>>16), byte(n>>8), byte(n)
	return hex.EncodeToString(id[:])
}

var (
	processRandom = randomBytes(5)
	idCounter     atomic.Uint32
)

// newRefreshToken returns a random UUID (version 4), the shape of Servitly's refresh tokens.
func newRefreshToken() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
}
