package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
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
	b64 = base64.RawURLEncoding

	// jwtHeader is the only header this server signs or accepts.
	jwtHeader = b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
)

// signer makes and checks HS256 JWTs with a key that lives as long as the
// server, so tokens from another emulator instance never verify here.
type signer struct{ key []byte }

func newSigner() signer {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	return signer{key: key}
}

func (s signer) sign(c claims) string {
	payload, _ := json.Marshal(c) // claims always marshals
	unsigned := jwtHeader + "." + b64.EncodeToString(payload)
	return unsigned + "." + b64.EncodeToString(s.mac(unsigned))
}

// verify returns the claims of a token this signer made.
func (s signer) verify(token string) (claims, bool) {
	header, rest, ok1 := strings.Cut(token, ".")
	payload, signature, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || header != jwtHeader {
		return claims{}, false
	}
	got, err := b64.DecodeString(signature)
	if err != nil || !hmac.Equal(got, s.mac(header+"."+payload)) {
		return claims{}, false
	}
	raw, err := b64.DecodeString(payload)
	if err != nil {
		return claims{}, false
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil {
		return claims{}, false
	}
	return c, true
}

func (s signer) mac(unsigned string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(unsigned))
	return h.Sum(nil)
}
