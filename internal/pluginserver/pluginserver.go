// Package pluginserver serves the provider as a Terraform plugin process:
// the framework's protocol 6 server, wrapped so that finished calls are
// freed (Wrap), with garbage collector settings, quiet SDK logging and
// optional profiles chosen for a process that Terraform starts and stops
// once per command.
package pluginserver

import (
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve does what providerserver.Serve does, serving the provider under
// address until Terraform stops the plugin, with the server wrapped by Wrap.
// With debug set, the process is started for a debugger (delve) and keeps
// its logs.
func Serve(address string, providerFunc func() provider.Provider, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		// In debug mode the logs go to the developer's terminal instead.
		quietLogsTerraformDiscards()
	}
	tuneGC()
	stopProfiles := startCPUAndHeapProfiles()
	defer stopProfiles()
	newServer := providerserver.NewProtocol6(providerFunc())
	return tf6server.Serve(address, func() tfprotov6.ProviderServer { return Wrap(newServer()) }, opts...)
}

// Garbage collector settings used unless GOGC or GOMEMLIMIT says otherwise.
//
// With finished calls freed (Wrap), the live heap stays near 4 MB, and with
// GOGC 100 the collector took 15-20% of the provider's CPU in a 200-partner
// apply. GOGC 400 cut the provider's CPU by about a quarter for some 15 MB
// more RSS. The memory limit makes the collector work harder instead once
// the heap nears 64 MiB (say, a tenant of tens of thousands of partners held
// by refresh batching), so the provider stays small on CI runners either way.
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

// quietLogsTerraformDiscards turns the provider's own log output off when
// Terraform would throw it away: unless TF_LOG or TF_LOG_PROVIDER is set,
// Terraform parses and discards the SDK's TRACE lines (about twenty per
// resource and phase), and writing them was a third of the provider's CPU in
// a 200-partner apply. A variable the user set is left alone.
func quietLogsTerraformDiscards() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{
		"TF_LOG_SDK",               // terraform-plugin-go and framework root logger
		"TF_LOG_SDK_PROTO",         // terraform-plugin-go protocol subsystem
		"TF_LOG_SDK_FRAMEWORK",     // terraform-plugin-framework subsystem
		"TF_LOG_PROVIDER_SERVITLY", // this provider's tflog calls
	} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "OFF")
		}
	}
}

// Profiles for the operator who asks for them. Each variable names a path
// prefix; the file is "<prefix>.<pid>.<ext>", as Terraform starts several
// provider processes per command. Both are complete when Serve returns (a
// provider killed outright loses them). Problems are reported on stderr
// (which Terraform logs) and never stop the provider.
const (
	cpuProfileEnv = "SERVITLY_PROVIDER_CPUPROFILE" // CPU over the process's life, ".prof"
	memProfileEnv = "SERVITLY_PROVIDER_MEMPROFILE" // heap when Serve returns, ".heap"
)

// startCPUAndHeapProfiles starts the CPU profile if asked for and returns the function
// to call when Serve returns, which stops it and writes the heap profile if asked for.
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

// warn reports err, if any, on stderr under the variable's name, and says whether there was one.
func warn(env string, err error) bool {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", env, err)
	}
	return err != nil
}
