package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// newID returns 24 lowercase hex characters, the shape of Servitly's
// (MongoDB ObjectId-like) ids.
func newID() string { return randomHex(12) }

// newRefreshToken returns a random UUID (version 4), the shape of
// Servitly's refresh tokens.
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
