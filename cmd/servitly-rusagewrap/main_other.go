//go:build !unix

// Command servitly-rusagewrap needs a Unix system to read a child's
// resource usage.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "servitly-rusagewrap: only supported on Unix systems")
	os.Exit(2)
}
