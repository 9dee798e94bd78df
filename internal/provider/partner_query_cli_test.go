package provider

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

var (
	cliVersionsMu sync.Mutex
	cliVersions   = map[string]string{} // CLI path -> first line of `version`
)

// requireCLI skips the test unless the CLI is Terraform at least at version
// terraform or OpenTofu at least at version tofu, the first releases with
// feature; an empty version means that CLI lacks it.
func (tf *terraformCLI) requireCLI(feature, terraform, tofu string) {
	tf.t.Helper()
	line := tf.cliVersion()
	name, version, _ := strings.Cut(strings.TrimSpace(line), " v")
	least := map[string]string{"Terraform": terraform, "OpenTofu": tofu}[name]
	if least == "" || !versionAtLeast(version, least) {
		tf.t.Skipf("%s needs %s; the CLI is %s", feature, neededCLIs(terraform, tofu), cmp.Or(line, "not recognised"))
	}
}

// neededCLIs says which CLIs requireCLI accepts.
func neededCLIs(terraform, tofu string) string {
	var out []string
	if terraform != "" {
		out = append(out, "Terraform "+terraform+" or later")
	}
	if tofu != "" {
		out = append(out, "OpenTofu "+tofu+" or later")
	}
	return strings.Join(out, ", or ")
}

// cliVersion returns the CLI's name and version, such as "Terraform v1.5.7"
// or "OpenTofu v1.12.6".
func (tf *terraformCLI) cliVersion() string {
	tf.t.Helper()
	path := tf.terraformPath()
	cliVersionsMu.Lock()
	defer cliVersionsMu.Unlock()
	if line, ok := cliVersions[path]; ok {
		return line
	}
	cmd := exec.CommandContext(tf.t.Context(), path, "version")
	cmd.Env = tf.env
	out, err := cmd.Output()
	if err != nil {
		tf.t.Fatalf("%s version: %v", path, err)
	}
	line := regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v\S+`).FindString(string(out))
	cliVersions[path] = line
	return line
}

// versionAtLeast compares the numeric parts of two versions such as 1.14.9
// and 1.14.0; a pre-release suffix (1.14.0-rc1) counts as that version.
func versionAtLeast(v, least string) bool {
	parse := func(s string) [3]int {
		var out [3]int
		core, _, _ := strings.Cut(s, "-")
		for i, part := range strings.SplitN(core, ".", 3) {
			out[i], _ = strconv.Atoi(part)
		}
		return out
	}
	a, b := parse(v), parse(least)
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return true
}

// TestAccPartnerListResource_generateConfig is the one-command adoption of
// the guide: terraform query with the list-resource example writes a
// resource and an identity import block for each of 300 partners, the
// written file applies without changing any partner, and the next plan is
// empty. A live run adopts SERVITLY_ACC_LIVE_MAX_PARTNERS partners (30 by
// default), and lists only the test's codes: it must not adopt the tenant.
func TestAccPartnerListResource_generateConfig(t *testing.T) {
	target := newAccTarget(t, emulator.Options{})
	n := target.scale(300)
	root := target.rootOrganizationID()
	before := map[string]emulator.Partner{}
	for i := range n {
		p := emulator.Partner{Name: fmt.Sprintf("Partner %03d", i)}
		// Vary what is set, so null and empty forms are all written and
		// applied. Live, every partner has a code, for the sweeper.
		if i%3 != 0 || target.live() {
			p.Code = target.code(fmt.Sprintf("P%06d", i))
		}
		if i%2 == 0 {
			p.Country, p.Timezone = "Italy", "Europe/Rome"
		}
		if i%5 == 0 {
			p.Properties = map[string]string{"tier": "gold", "region": fmt.Sprint(i % 7)}
		}
		if i%4 == 0 {
			p.OrganizationID = root
		}
		p.CustomerCount = int64(i % 11)
		p = target.addPartner(p)
		before[p.ID] = p
	}
	tf := newTerraformCLI(t, target)
	tf.requireCLI("terraform query", "1.14.0", "")
	tf.writeFile("main.tf", providerFromEnv)
	if target.live() {
		tf.writeFile("partners.tfquery.hcl", listBlock("all", fmt.Sprintf("search_text = %q\n    search_field = \"code\"", target.code("*")), "limit = 10000"))
	} else {
		tf.copyExample("list-resources/servitly_partner/list-resource.tfquery.hcl")
	}

	out := tf.mustRun("query", "-generate-config-out=partners.tf")
	raw, err := os.ReadFile(filepath.Join(tf.dir, "partners.tf"))
	if err != nil {
		t.Fatalf("terraform query wrote no partners.tf: %v\n%s", err, out)
	}
	generated := string(raw)
	if got := strings.Count(generated, `resource "servitly_partner"`); got != n {
		t.Errorf("partners.tf has %d servitly_partner resources, want %d", got, n)
	}
	expectNoProtectionLiteral(t, "partners.tf", generated)
	if got := len(regexp.MustCompile(`(?m)^\s*identity\s*=\s*\{`).FindAllString(generated, -1)); got != n {
		t.Errorf("partners.tf has %d import blocks by identity, want %d", got, n)
	}
	for id := range before {
		if !strings.Contains(generated, fmt.Sprintf("%q", id)) {
			t.Fatalf("partners.tf does not mention partner %s", id)
		}
	}

	applied := tf.mustRun("apply", "-auto-approve", "-input=false")
	if want := fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", n); !strings.Contains(applied, want) {
		t.Errorf("apply did not say %q:\n%s", want, tail(applied, 20))
	}
	for id, was := range before {
		now, ok, err := target.partner(id)
		if err != nil || !ok {
			t.Fatalf("partner %s is gone after apply", id)
		}
		if now.Name != was.Name || now.Code != was.Code || now.Country != was.Country || now.Timezone != was.Timezone ||
			now.OrganizationID != was.OrganizationID || len(now.Properties) != len(was.Properties) {
			t.Errorf("applying partners.tf changed partner %s:\nbefore %+v\nafter  %+v", id, was, now)
		}
	}
	if got := len(target.partners()); got != n {
		t.Errorf("the server holds %d partners after apply, want %d", got, n)
	}
	tf.expectCleanPlan()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
