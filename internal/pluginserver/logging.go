package pluginserver

import "os"

// quietLogsTerraformDiscards turns the provider's own log output off when
// Terraform would throw it away.
//
// The plugin SDK logs every RPC at TRACE level, as JSON on stderr, whatever
// Terraform's log level: about twenty lines per resource and phase, each
// with its caller's location. Terraform parses every line and then discards
// it unless TF_LOG or TF_LOG_PROVIDER is set. In a CPU profile of a
// 200-partner apply, writing those lines was a third of the provider's CPU.
// When neither variable is set, nobody can see the lines, so the loggers are
// set to OFF through the variables the SDK reads; a variable the user set
// is left alone. With TF_LOG or TF_LOG_PROVIDER set, nothing changes.
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
