//go:build !unix

package bench

import "os"

type processUsage struct {
	cpuSec float64
}

func usageOf(*os.ProcessState) *processUsage { return nil }
