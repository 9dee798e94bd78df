// Package pluginserver serves the provider as a Terraform plugin process:
// the framework's protocol 6 server, wrapped so that finished calls are
// freed (Wrap), with garbage collector settings, quiet SDK logging and
// optional profiles chosen for a process that Terraform starts and stops
// once per command.
package pluginserver

import (
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
