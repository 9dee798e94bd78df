// Command servitly-emulator serves an in-memory emulation of the Servitly
// REST API on a loopback address, for demos and manual provider runs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "servitly-emulator:", err)
		os.Exit(1)
	}
}

func run() error {
	var opts emulator.Options
	addr := flag.String("addr", "127.0.0.1:8765", "loopback `host:port` to listen on")
	flag.StringVar(&opts.Tenant, "tenant", "demo", "tenant name expected in X-Servitly-Tenant")
	flag.StringVar(&opts.APIKey, "api-key", "demo-api-key", "API key accepted by the login endpoints")
	flag.StringVar(&opts.PAT, "pat", "demo-pat", "personal access token accepted by patLogin")
	flag.StringVar(&opts.Email, "email", "demo@example.com", "email accepted by login")
	flag.StringVar(&opts.Password, "password", "demo-password", "password accepted by login")
	flag.DurationVar(&opts.TokenTTL, "token-ttl", time.Hour, "lifetime of issued tokens")
	flag.DurationVar(&opts.Latency, "latency", 0, "delay before answering each request")
	flag.BoolVar(&opts.ListSummaries, "list-summaries", false, "list partners as summaries without properties and organization")
	flag.BoolVar(&opts.ListWithoutCodes, "list-without-codes", false, "list partners without their codes")
	flag.BoolVar(&opts.MergingUpdate, "merging-update", false, "PUT keeps partner fields that are absent or null in the body")
	flag.BoolVar(&opts.LiteralFilterValues, "literal-filter-values", false, `list filters compare values literally, without understanding "eq;"`)
	flag.BoolVar(&opts.IgnoreListFilters, "ignore-list-filters", false, "the partner list ignores code, name, country and searchText")
	flag.BoolVar(&opts.TypedPropertyValues, "typed-property-values", false, "answer property values that read as JSON numbers, booleans or null unquoted")
	seedFile := flag.String("seed", "", "add the organizations and partners of this JSON `file` at start (format: LoadSeed in internal/emulator)")
	tokenFile := flag.String("token-file", "", "write a ready-made token to this `path` (mode 0600)")
	quiet := flag.Bool("quiet", false, "do not log requests")
	flag.Parse()

	if err := requireLoopback(*addr); err != nil {
		return err
	}
	if !*quiet {
		opts.Logf = log.New(os.Stderr, "", log.LstdFlags).Printf
	}
	server := emulator.New(opts)
	if *seedFile != "" {
		if err := loadSeed(server, *seedFile); err != nil {
			return fmt.Errorf("-seed %s: %w", *seedFile, err)
		}
	}
	if *tokenFile != "" {
		if err := writeSecret(*tokenFile, server.IssueToken(0)); err != nil {
			return err
		}
	}

	listener, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf("servitly-emulator: serving http://%s tenant=%q api-key=%q pat=%q email=%q password=%q\n",
		listener.Addr(), opts.Tenant, opts.APIKey, opts.PAT, opts.Email, opts.Password)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	httpServer := &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second}
	shutdown := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdown <- httpServer.Shutdown(shutdownCtx)
	}()
	if err := httpServer.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-shutdown
}

// loadSeed adds the seed in path to server and says how much it added.
func loadSeed(server *emulator.Server, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	organizations, partners, err := server.LoadSeed(data)
	if err != nil {
		return err
	}
	fmt.Printf("servitly-emulator: seeded %d organizations and %d partners from %s\n", organizations, partners, path)
	return nil
}

// requireLoopback refuses addresses reachable from other machines: the
// emulator accepts well-known demo credentials.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if client.IsLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("-addr %q: refusing to listen on a non-loopback host; use 127.0.0.1, [::1] or localhost", addr)
}

// writeSecret writes value to path, readable only by the current user.
func writeSecret(path, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	// An existing file keeps its mode on open, so narrow it before writing.
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.WriteString(value)
	}
	return errors.Join(err, f.Close())
}
