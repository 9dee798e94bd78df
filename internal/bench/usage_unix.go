//go:build unix

package bench

import (
	"os"
	"syscall"
)

// processUsage is the rusage of a finished Terraform command. On Linux and
// macOS it includes the children it waited for, the provider processes.
type processUsage struct {
	cpuSec float64
}

func usageOf(state *os.ProcessState) *processUsage {
	if state == nil {
		return nil
	}
	ru, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return nil
	}
	sec := func(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 } //nolint:unconvert // platform-dependent field types
	return &processUsage{cpuSec: sec(ru.Utime) + sec(ru.Stime)}
}
