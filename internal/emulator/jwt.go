package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
)

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

// signJWT makes an HS256 JWT. The server never needs to verify one: it
// knows its tokens by its record of them, so a forged or foreign token,
// however well signed, is simply unknown.
func signJWT(key []byte, c claims) string {
	payload, _ := json.Marshal(c) // claims always marshals
	unsigned := jwtHeader + "." + b64.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + b64.EncodeToString(mac.Sum(nil))
}
