//go:build !unix

// Command rusagewrap needs a Unix system to read a child's resource usage.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "rusagewrap: only supported on Unix systems")
	os.Exit(2)
}
