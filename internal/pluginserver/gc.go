package pluginserver

import (
	"os"
	"runtime/debug"
)

// Garbage collector settings used unless GOGC or GOMEMLIMIT says otherwise.
//
// Once finished calls are freed (Wrap), the provider's live heap stays near
// 4 MB however many resources Terraform walks, and with the default GOGC of
// 100 the collector ran every few MB allocated: about 15-20% of the
// provider's CPU in a 200-partner apply. GOGC 400 lets the heap
// grow to about five times the live data before collecting, which cut the
// provider's CPU by about a quarter for some 15 MB more RSS. The memory limit
// makes the collector work harder instead once the heap nears 64 MiB (say, a
// tenant of tens of thousands of partners held by refresh batching), so the
// provider stays small on CI runners either way.
const (
	gcPercent   = 400
	memoryLimit = 64 << 20
)

func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
}
