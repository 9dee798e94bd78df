package main

import (
	"flag"
	"log"

	"github.com/servitly/terraform-provider-servitly/internal/pluginserver"
	"github.com/servitly/terraform-provider-servitly/internal/provider"
)

// version is set by goreleaser at build time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := pluginserver.Serve("registry.terraform.io/servitly/servitly", provider.New(version), debug)
	if err != nil {
		log.Fatal(err.Error())
	}
}
