package provider

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// examplesDir is examples/ at the repository root.
const examplesDir = "../../examples"

// readExample returns an example file, failing the test if it is missing.
func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, rel))
	if err != nil {
		t.Fatalf("reading example: %v", err)
	}
	return string(b)
}

// exampleRun is what applying one example file takes beyond an empty
// server: the test's codes and ids in place of the example's (replace: old,
// new, ...), and what to check.
type exampleRun struct {
	replace  []string
	plan     []plancheck.PlanCheck // before apply
	state    []statecheck.StateCheck
	versions []tfversion.TerraformVersionCheck
}

// exampleCases, by a file's path under examples/, put on the server what
// the example needs and say what to check. Each type's test file registers
// its own; a file without one is applied on an empty server.
var exampleCases = map[string]func(a *accTarget) exampleRun{}

// TestAccExamples applies every file of examples/resources/*/ and
// examples/data-sources/*/ with examples/provider/provider.tf, and an
// import-*.tf with the resource.tf of its folder too, against the emulator
// or the tenant, so the examples in the docs cannot rot. Each must apply,
// plan clean and be destroyed.
func TestAccExamples(t *testing.T) {
	var files []string
	for _, kind := range []string{"resources", "data-sources"} {
		found, err := filepath.Glob(filepath.Join(examplesDir, kind, "*", "*.tf"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range found {
			files = append(files, filepath.ToSlash(strings.TrimPrefix(file, examplesDir+string(filepath.Separator))))
		}
	}
	for rel := range exampleCases {
		if !slices.Contains(files, rel) {
			t.Errorf("exampleCases[%q]: no such example", rel)
		}
	}
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			target := newAccTarget(t, emulator.Options{})
			target.useEnv()
			var run exampleRun
			if prepare := exampleCases[rel]; prepare != nil {
				run = prepare(target)
			}
			target.keepExisting()
			config := withoutTerraformBlock(target.example("provider/provider.tf", `"acme"`, fmt.Sprintf("%q", target.tenant())))
			if dir, file := path.Split(rel); strings.HasPrefix(file, "import-") {
				config += target.example(dir+"resource.tf", run.replace...)
			}
			resource.Test(t, resource.TestCase{
				TerraformVersionChecks:   run.versions,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             target.checkDestroyed,
				Steps: []resource.TestStep{{
					Config:            config + target.example(rel, run.replace...),
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: run.plan},
					ConfigStateChecks: run.state,
				}},
			})
		})
	}
}

// TestAccExamplesQuickstart runs examples/quickstart as a user would: the
// Terraform CLI with the built provider, since the test harness's state
// reader cannot handle for_each.
func TestAccExamplesQuickstart(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	tf := newTerraformCLI(t, target)
	var codes []string
	for _, code := range []string{"IT-001", "DE-014", "US-207"} {
		codes = append(codes, code, target.code(code))
	}
	tf.writeFile("main.tf", target.example("quickstart/main.tf", codes...))

	tf.mustRun("apply", "-auto-approve", "-input=false")
	partners := target.partners()
	if n := len(partners); n != 3 {
		t.Fatalf("quickstart should create 3 partners, the server holds %d", n)
	}
	out := tf.mustRun("output", "-json", "partner_ids")
	for _, p := range partners {
		if !strings.Contains(out, fmt.Sprintf("%q:%q", p.Code, p.ID)) {
			t.Errorf("output partner_ids %s lacks %s => %s", out, p.Code, p.ID)
		}
	}
	tf.expectCleanPlan()
	tf.mustRun("destroy", "-auto-approve", "-input=false")
	if n := len(target.partners()); n != 0 {
		t.Errorf("%d partners left on the server after destroy", n)
	}
}

// withoutTerraformBlock drops the terraform {} block: it pins the registry
// source, while the tests serve the provider in-process.
func withoutTerraformBlock(config string) string {
	start := strings.Index(config, "terraform {")
	if start < 0 {
		return config
	}
	depth := 0
	for i := start; i < len(config); i++ {
		switch config[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return config[:start] + config[i+1:]
			}
		}
	}
	return config
}
