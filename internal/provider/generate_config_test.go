package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// providerFromEnv is the configuration head for CLI tests: the provider
// source, and settings from the SERVITLY_* variables the harness sets.
const providerFromEnv = `terraform {
  required_providers {
    servitly = { source = "servitly/servitly" }
  }
}

provider "servitly" {}
`

// TestAccPartnerResource_generateConfig imports partners by code with only
// import blocks, lets Terraform write their configuration, and checks that
// the written configuration applies without changes and then plans clean.
func TestAccPartnerResource_generateConfig(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	root := target.rootOrganizationID()
	full := target.addPartner(emulator.Partner{Name: "Rossi Macchine S.r.l.", Code: target.code("P000123"), Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, OrganizationID: root, CustomerCount: 5})
	bare := target.addPartner(emulator.Partner{Name: "Bare", Code: target.code("P000124")})
	tf := newTerraformCLI(t, target)
	// As in examples/gitops, the provider protects every partner.
	tf.setEnv("SERVITLY_DELETION_PROTECTION", "true")
	tf.writeFile("main.tf", providerFromEnv+fmt.Sprintf(`
import {
  to = servitly_partner.rossi
  id = "code:%s"
}

import {
  to = servitly_partner.bare
  id = "code:%s"
}
`, full.Code, bare.Code))

	tf.mustRun("plan", "-input=false", "-generate-config-out=generated.tf")
	raw, err := os.ReadFile(filepath.Join(tf.dir, "generated.tf"))
	if err != nil {
		t.Fatalf("plan wrote no generated.tf: %v", err)
	}
	generated := string(raw)
	for _, want := range []string{
		`resource "servitly_partner" "rossi"`, `name = "Rossi Macchine S.r.l."`, `code = "` + full.Code + `"`, `country = "Italy"`,
		`timezone = "Europe/Rome"`, `tier = "gold"`, `organization_id = "` + root + `"`,
		`resource "servitly_partner" "bare"`, `name = "Bare"`,
	} {
		if !strings.Contains(squeezeSpaces(generated), want) {
			t.Errorf("generated.tf lacks %s:\n%s", want, generated)
		}
	}
	// Computed-only attributes in configuration would be refused by the
	// next plan.
	if computed := regexp.MustCompile(`(?m)^\s*(id|customer_count|creation_timestamp)\s*=`).FindString(generated); computed != "" {
		t.Errorf("generated.tf sets the computed attribute %q:\n%s", strings.TrimSpace(computed), generated)
	}
	expectNoProtectionLiteral(t, "generated.tf", generated)

	tf.mustRun("apply", "-auto-approve", "-input=false")
	for _, seeded := range []emulator.Partner{full, bare} {
		now, ok, err := target.partner(seeded.ID)
		if err != nil || !ok {
			t.Fatalf("partner %s (%s) is gone after apply", seeded.ID, seeded.Code)
		}
		if now.Name != seeded.Name || now.Code != seeded.Code || now.Country != seeded.Country || now.Timezone != seeded.Timezone ||
			now.OrganizationID != seeded.OrganizationID || len(now.Properties) != len(seeded.Properties) {
			t.Errorf("applying the generated configuration changed partner %s:\nbefore %+v\nafter  %+v", seeded.ID, seeded, now)
		}
	}
	if n := len(target.partners()); n != 2 {
		t.Errorf("the server holds %d partners after apply, want the 2 imported ones", n)
	}
	state := tf.mustRun("state", "list")
	for _, addr := range []string{"servitly_partner.rossi", "servitly_partner.bare"} {
		if !strings.Contains(state, addr) {
			t.Errorf("%s is not in the state after apply:\n%s", addr, state)
		}
	}
	tf.expectCleanPlan()
}

// expectNoProtectionLiteral fails when generated configuration sets
// deletion_protection to true or false, which would override the provider's
// setting for good; Terraform 1.14 leaves it out, older CLIs write null.
func expectNoProtectionLiteral(t *testing.T, name, generated string) {
	t.Helper()
	if set := regexp.MustCompile(`(?m)^\s*deletion_protection\s*=\s*(true|false)`).FindString(generated); set != "" {
		t.Errorf("%s hard-codes %q instead of leaving it to the provider:\n%s", name, strings.TrimSpace(set), generated)
	}
}

// squeezeSpaces collapses runs of spaces, so "name     = x" (terraform fmt
// alignment) compares equal to "name = x".
func squeezeSpaces(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}
