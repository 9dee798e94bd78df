package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/servitly/terraform-provider-servitly/internal/provider"
)

// version is set by goreleaser at build time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		// In debug mode the logs go to the developer's terminal instead.
		quietLogsTerraformDiscards()
	}
	tuneGC()
	stopProfile := startCPUProfile()
	// What providerserver.Serve does, with the server that frees finished
	// calls (see provider.NewProtocol6Server).
	err := tf6server.Serve("registry.terraform.io/servitly/servitly", provider.NewProtocol6Server(version), opts...)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
