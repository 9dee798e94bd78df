package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

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

// TestAccExamples applies every Terraform file under examples/ against the
// emulator, or the tenant, so the examples in the docs cannot rot. Each file
// must apply and then plan clean.
func TestAccExamples(t *testing.T) {
	t.Run("provider+resource", func(t *testing.T) {
		target := newAccTarget(t, emulator.Options{Tenant: "acme"})
		target.useEnv()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			CheckDestroy:             target.checkDestroyed,
			Steps: []resource.TestStep{{
				Config: withoutTerraformBlock(target.example("provider/provider.tf", `"acme"`, fmt.Sprintf("%q", target.tenant()))) +
					target.example("resources/servitly_partner/resource.tf", "P000123", target.code("P000123")),
			}},
		})
	})

	t.Run("import-by-string-id", func(t *testing.T) {
		target := newAccTarget(t, emulator.Options{})
		target.useEnv()
		rossi := target.addPartner(emulator.Partner{ID: "6616689a0de6d87b47cd6308", Name: "Rossi Macchine S.r.l.", Code: target.code("P000123"),
			Country: "Italy", Timezone: "Europe/Rome", Properties: map[string]string{"tier": "gold", "channel": "dealer"}})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: target.example("resources/servitly_partner/import-by-string-id.tf", "6616689a0de6d87b47cd6308", rossi.ID) +
					target.example("resources/servitly_partner/resource.tf", "P000123", rossi.Code),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("servitly_partner.rossi", plancheck.ResourceActionNoop)},
				},
			}},
		})
	})
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
