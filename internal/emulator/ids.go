package emulator

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"
)

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
