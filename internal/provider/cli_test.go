package provider

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// terraformCLI runs the real Terraform CLI in a temporary folder with the
// provider binary built from this checkout, for tests the plugin-testing
// harness cannot express (for_each state, -generate-config-out).
type terraformCLI struct {
	t   *testing.T
	dir string
	env []string
}

var (
	providerBinOnce sync.Once
	providerBinDir  string
	providerBinErr  error
)

// TestMain runs the sweepers when asked (-sweep=live, see sweeper_test.go),
// else the tests, then removes the provider binary the CLI tests share.
func TestMain(m *testing.M) {
	resource.TestMain(runFunc(func() int {
		if err := checkAccVariant(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		code := m.Run()
		if providerBinDir != "" {
			_ = os.RemoveAll(providerBinDir)
		}
		return code
	}))
}

// runFunc adapts a function to what resource.TestMain runs.
type runFunc func() int

func (f runFunc) Run() int { return f() }

// buildProvider builds the provider once per test binary, for every test
// that runs the CLI; TestMain removes it.
func buildProvider(t *testing.T) string {
	t.Helper()
	providerBinOnce.Do(func() {
		//nolint:usetesting // shared by all tests of the binary, so it cannot belong to one test's TempDir
		providerBinDir, providerBinErr = os.MkdirTemp("", "servitly-provider-bin")
		if providerBinErr != nil {
			return
		}
		cmd := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(providerBinDir, "terraform-provider-servitly"), "../..")
		if out, err := cmd.CombinedOutput(); err != nil {
			providerBinErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if providerBinErr != nil {
		t.Fatal(providerBinErr)
	}
	return providerBinDir
}

// apiServer is what a CLI test's provider connects to: an emulator, or an
// accTarget (the emulator or the live tenant).
type apiServer interface{ servitlyEnv() []string }

func newTerraformCLI(t *testing.T, server apiServer) *terraformCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	overrides := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/servitly/servitly" = %[1]q
    "registry.opentofu.org/servitly/servitly" = %[1]q
  }
  direct {}
}
`, buildProvider(t))
	if err := os.WriteFile(rc, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append([]string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}, server.servitlyEnv()...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SERVITLY_") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			env = append(env, kv)
		}
	}
	return &terraformCLI{t: t, dir: dir, env: env}
}

func (tf *terraformCLI) terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// run runs terraform with args and returns its combined output.
func (tf *terraformCLI) run(args ...string) (string, error) {
	tf.t.Helper()
	cmd := exec.CommandContext(tf.t.Context(), tf.terraformPath(), append(args, "-no-color")...)
	cmd.Dir = tf.dir
	cmd.Env = tf.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (tf *terraformCLI) mustRun(args ...string) string {
	tf.t.Helper()
	out, err := tf.run(args...)
	if err != nil {
		tf.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// expectCleanPlan fails unless a plan finds nothing to change, and returns its output.
func (tf *terraformCLI) expectCleanPlan() string {
	tf.t.Helper()
	out, err := tf.run("plan", "-detailed-exitcode", "-input=false")
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 2 {
		tf.t.Fatalf("plan after apply is not empty:\n%s", out)
	}
	if err != nil {
		tf.t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	return out
}

// writeFile writes a configuration file into the working folder.
func (tf *terraformCLI) writeFile(name, content string) {
	tf.t.Helper()
	if err := os.WriteFile(filepath.Join(tf.dir, name), []byte(content), 0o600); err != nil {
		tf.t.Fatal(err)
	}
}

// copyExample copies a file from examples/ into the working folder.
func (tf *terraformCLI) copyExample(rel string) {
	tf.t.Helper()
	tf.writeFile(filepath.Base(rel), readExample(tf.t, rel))
}

// requiredProviders maps the servitly provider to its registry address, as
// every configuration run through terraformCLI needs.
const requiredProviders = `terraform {
  required_providers {
    servitly = { source = "servitly/servitly" }
  }
}
`

// forEachPartners is examples/gitops in small, without its organizations and
// its deletion protection: one partner per code with for_each, at the same
// addresses, named as names says.
func forEachPartners(names map[string]string) string {
	var rows strings.Builder
	for _, code := range slices.Sorted(maps.Keys(names)) {
		fmt.Fprintf(&rows, "    %q = %q\n", code, names[code])
	}
	return requiredProviders + `
provider "servitly" {}

locals {
  partners = {
` + rows.String() + `  }
}

resource "servitly_partner" "partner" {
  for_each = local.partners

  code = each.key
  name = each.value
}
`
}

// dealers names each code "Dealer <code>", for forEachPartners.
func dealers(codes ...string) map[string]string {
	names := map[string]string{}
	for _, code := range codes {
		names[code] = "Dealer " + code
	}
	return names
}
