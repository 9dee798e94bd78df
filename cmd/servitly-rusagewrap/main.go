//go:build unix

// Command servitly-rusagewrap stands in for the provider binary during
// `make bench`: the bench installs it as terraform-provider-servitly in the
// dev_overrides folder. It runs the real provider (SERVITLY_BENCH_REAL_PROVIDER) as a child
// with the same arguments, environment and stdio, so Terraform talks to the
// child directly, and when the child exits it appends the child's resource
// usage (user + system CPU, peak RSS) to a file in SERVITLY_BENCH_RUSAGE_DIR.
// One file per provider process, named by the child's pid.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
)

// Record is what the wrapper writes for one provider process. The bench
// package reads the same JSON.
type Record struct {
	PID      int     `json:"pid"`
	UserSec  float64 `json:"user_s"`
	SysSec   float64 `json:"sys_s"`
	MaxRSSKB int64   `json:"max_rss_kb"`
}

func main() {
	provider := os.Getenv("SERVITLY_BENCH_REAL_PROVIDER")
	dir := os.Getenv("SERVITLY_BENCH_RUSAGE_DIR")
	if provider == "" || dir == "" {
		fmt.Fprintln(os.Stderr, "servitly-rusagewrap: SERVITLY_BENCH_REAL_PROVIDER and SERVITLY_BENCH_RUSAGE_DIR must be set")
		os.Exit(2)
	}
	// No cancellation: Terraform ends the provider itself, through the
	// plugin protocol or the signals passed on below.
	cmd := exec.CommandContext(context.Background(), provider, os.Args[1:]...) //nolint:gosec // the bench names the binary to run
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "servitly-rusagewrap:", err)
		os.Exit(2)
	}
	// Pass on whatever Terraform sends us, so the child shuts down as it
	// would if Terraform had started it directly.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	// With the stdio passed as files, Wait fails only when the child exits
	// non-zero, which the wrapper passes on, or when it could not be waited for.
	if err := cmd.Wait(); cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "servitly-rusagewrap:", err)
		os.Exit(2)
	}
	state := cmd.ProcessState
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		rec := Record{PID: state.Pid(), UserSec: state.UserTime().Seconds(), SysSec: state.SystemTime().Seconds(),
			MaxRSSKB: maxRSSKB(ru.Maxrss)}
		if err := write(dir, rec); err != nil {
			fmt.Fprintln(os.Stderr, "servitly-rusagewrap:", err)
		}
	}
	os.Exit(state.ExitCode())
}

// maxRSSKB converts ru_maxrss, which Linux reports in KiB and macOS in bytes.
func maxRSSKB(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v / 1024
	}
	return v
}

func write(dir string, rec Record) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", rec.PID)), append(data, '\n'), 0o600)
}
