// Command servitly-probe checks, against a real tenant, the Servitly API
// behaviours that the provider relies on but Servitly does not document. It
// reads the provider's SERVITLY_* environment variables; see internal/probe.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/probe"
)

func main() {
	yes := flag.Bool("yes", false, "allow probing a base URL that is not loopback (the probe creates and deletes one partner)")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after this long (cleanup still runs)")
	quiet := flag.Bool("quiet", false, "print only the table")
	flag.Usage = func() {
		_, _ = fmt.Fprintf(flag.CommandLine.Output(), "Usage: servitly-probe [--yes] [--timeout 10m] [--quiet]\n\n%s\n\n", probe.WhatItDoes)
		flag.PrintDefaults()
	}
	flag.Parse()

	cfg, err := probe.ConfigFromEnv(os.Getenv)
	if err == nil {
		err = probe.CheckTarget(cfg.BaseURL, *yes)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "servitly-probe:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	var logf func(format string, args ...any)
	if !*quiet {
		logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}
	report := probe.Run(ctx, cfg, logf)
	cancel()
	stop()
	if err := report.WriteTable(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(report.ExitCode())
}
