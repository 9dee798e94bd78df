package pluginserver

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// cpuProfileEnv names a path prefix: when it is set, the provider writes a
// CPU profile of its whole life to "<prefix>.<pid>.prof". Terraform starts
// several provider processes per command (plan walk, apply walk), hence the
// pid. The profile is flushed when Serve returns, which it does when
// Terraform shuts the plugin down gracefully (the normal end of every
// command); a provider killed outright loses its profile.
const cpuProfileEnv = "SERVITLY_PROVIDER_CPUPROFILE"

// memProfileEnv likewise names a path prefix for a heap profile,
// "<prefix>.<pid>.heap", written when Serve returns.
const memProfileEnv = "SERVITLY_PROVIDER_MEMPROFILE"

// startCPUAndHeapProfiles starts a CPU profile if cpuProfileEnv asks for
// one and returns the function to call when Serve returns: it stops the CPU
// profile and writes a heap profile if memProfileEnv asks for one. Problems
// are reported on stderr (which Terraform logs) and never stop the provider.
func startCPUAndHeapProfiles() (stop func()) {
	stopCPU := cpuProfile()
	return func() {
		stopCPU()
		writeHeapProfile()
	}
}

func cpuProfile() (stop func()) {
	prefix := os.Getenv(cpuProfileEnv)
	if prefix == "" {
		return func() {}
	}
	path := fmt.Sprintf("%s.%d.prof", prefix, os.Getpid())
	f, err := os.Create(path) //nolint:gosec // a path the operator chose on purpose
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", cpuProfileEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", cpuProfileEnv, err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", cpuProfileEnv, err)
		}
	}
}

func writeHeapProfile() {
	prefix := os.Getenv(memProfileEnv)
	if prefix == "" {
		return
	}
	f, err := os.Create(fmt.Sprintf("%s.%d.heap", prefix, os.Getpid())) //nolint:gosec // a path the operator chose on purpose
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", memProfileEnv, err)
		return
	}
	defer func() {
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", memProfileEnv, err)
		}
	}()
	// "heap" with the default sample rate; allocs since start are in it too.
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", memProfileEnv, err)
	}
}
