// Command servitly-bench runs the provider at scale with the real Terraform
// CLI against the emulator, next to terraform_data as the Terraform-core
// baseline, and prints a Markdown table of time, requests, provider CPU and
// peak RSS. `make bench` runs it; see internal/bench.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "servitly-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg bench.Config
	sizes := flag.String("n", "200,1000", "comma-separated numbers of resources")
	flag.DurationVar(&cfg.Latency, "latency", 5*time.Millisecond, "emulator delay before every answer")
	flag.IntVar(&cfg.Parallelism, "parallelism", 10, "terraform -parallelism")
	flag.IntVar(&cfg.Repeat, "repeat", 1, "run every size this many times and report medians")
	flag.IntVar(&cfg.SmallN, "small-n", 3, "partners in the small-state plan (0 skips it)")
	flag.IntVar(&cfg.SmallTenant, "small-tenant", 2000, "partners already in the tenant for the small-state plan")
	flag.IntVar(&cfg.SmallRepeat, "small-repeat", 7, "plans per mode in the small-state comparison (the median is reported)")
	flag.StringVar(&cfg.Terraform, "terraform", "terraform", "Terraform CLI to run")
	flag.StringVar(&cfg.CPUProfile, "cpuprofile", "", "path prefix for provider CPU profiles (one <prefix>.<pid>.prof per process)")
	flag.StringVar(&cfg.WorkDir, "workdir", "", "keep Terraform working folders and logs here instead of a removed temporary folder")
	outDir := flag.String("out", "bench-results", "folder for the results file, <date>-<commit>.md")
	flag.Parse()

	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("-n: %q is not a positive number", s)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	if cfg.WorkDir != "" {
		abs, err := filepath.Abs(cfg.WorkDir)
		if err != nil {
			return err
		}
		cfg.WorkDir = abs
	}
	cfg.Log = os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	report, err := bench.Run(ctx, cfg)
	if report == nil {
		return err
	}
	md := report.Markdown()
	if err != nil {
		md += fmt.Sprintf("\n**The run failed:** %v\n", err)
	}
	fmt.Println(md)
	if mkErr := os.MkdirAll(*outDir, 0o755); mkErr != nil {
		return mkErr
	}
	name := fmt.Sprintf("%s-%s.md", report.Started.Format("20060102-150405"), cmp.Or(report.Env.Commit, "unknown"))
	path := filepath.Join(*outDir, name)
	if writeErr := os.WriteFile(path, []byte(md), 0o644); writeErr != nil { //nolint:gosec // a results file meant to be read
		return writeErr
	}
	fmt.Fprintln(os.Stderr, "results written to", path)
	return err
}
