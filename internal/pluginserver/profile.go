package pluginserver

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// Profiles for the operator who asks for them. Each variable names a path
// prefix; the file is "<prefix>.<pid>.<ext>", since Terraform starts several
// provider processes per command (plan walk, apply walk). Both are complete
// when Serve returns, which it does when Terraform shuts the plugin down
// gracefully (the normal end of every command); a provider killed outright
// loses them. Problems are reported on stderr (which Terraform logs) and
// never stop the provider.
const (
	cpuProfileEnv = "SERVITLY_PROVIDER_CPUPROFILE" // CPU over the process's life, ".prof"
	memProfileEnv = "SERVITLY_PROVIDER_MEMPROFILE" // heap when Serve returns, ".heap"
)

// startCPUAndHeapProfiles starts the CPU profile if asked for and returns
// the function to call when Serve returns: it stops the CPU profile and
// writes the heap profile if asked for.
func startCPUAndHeapProfiles() (stop func()) {
	cpu := createProfile(cpuProfileEnv, "prof")
	if cpu != nil && warn(cpuProfileEnv, pprof.StartCPUProfile(cpu)) {
		warn(cpuProfileEnv, cpu.Close())
		cpu = nil
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			warn(cpuProfileEnv, cpu.Close())
		}
		if heap := createProfile(memProfileEnv, "heap"); heap != nil {
			// "heap" with the default sample rate; allocs since start are in it too.
			warn(memProfileEnv, pprof.Lookup("heap").WriteTo(heap, 0))
			warn(memProfileEnv, heap.Close())
		}
	}
}

// createProfile creates the file env asks for, or returns nil.
func createProfile(env, ext string) *os.File {
	prefix := os.Getenv(env)
	if prefix == "" {
		return nil
	}
	f, err := os.Create(fmt.Sprintf("%s.%d.%s", prefix, os.Getpid(), ext)) //nolint:gosec // a path the operator chose on purpose
	if warn(env, err) {
		return nil
	}
	return f
}

// warn reports err, if any, on stderr under the name of the variable that
// asked for the profile, and says whether there was one.
func warn(env string, err error) bool {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", env, err)
	}
	return err != nil
}
