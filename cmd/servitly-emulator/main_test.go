package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// TestMain lets the tests run this binary as the command itself.
func TestMain(m *testing.M) {
	if os.Getenv("SERVITLY_EMULATOR_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func emulatorCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...)...)
	cmd.Env = append(os.Environ(), "SERVITLY_EMULATOR_TEST_RUN_MAIN=1")
	return cmd
}

func TestSeedFlag(t *testing.T) {
	cmd := emulatorCommand(t, "-seed", "../../examples/gitops/seed.json")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if want := "seeded 2 organizations and 3 partners from ../../examples/gitops/seed.json"; !strings.Contains(first, want) {
		t.Errorf("first line %q (%v), want it to say %q", first, err, want)
	}
}

func TestBadSeedExitsNamingFileAndProblem(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"partners": [{"name": "Rossi", "organization": "Nowhere"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := emulatorCommand(t, "-seed", bad).CombinedOutput()
	if exit, ok := errors.AsType[*exec.ExitError](err); !ok || exit.ExitCode() != 1 {
		t.Fatalf("want exit status 1, got %v; output:\n%s", err, out)
	}
	if want := "-seed " + bad + `: partners[0] "Rossi": organization: no organization is named "Nowhere"`; !strings.Contains(string(out), want) {
		t.Errorf("output %q, want it to contain %q", out, want)
	}
}

// TestVariantFlags: the flag each API variant names (the live check passes
// it for SERVITLY_ACC_VARIANT) is one this command accepts.
func TestVariantFlags(t *testing.T) {
	for name, v := range emulator.Variants {
		t.Run(name, func(t *testing.T) {
			cmd := emulatorCommand(t, "-"+v.Flag)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
			first, err := bufio.NewReader(stdout).ReadString('\n')
			if !strings.Contains(first, "servitly-emulator: serving http://127.0.0.1:") {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				complaint, _, _ := strings.Cut(stderr.String(), "\n")
				t.Errorf("with -%s: first line %q (%v), want it serving; stderr begins %q", v.Flag, first, err, complaint)
			}
		})
	}
}
