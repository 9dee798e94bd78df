package provider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// retiredPartner is the change examples/gitops/README.md gives, and the
// deletion protection error advises (retireBlocks), for keeping a partner in
// Servitly while no longer managing it: with its CSV row deleted, the
// instance moves to a plain address that only a removed block names,
// because removed blocks take no instance keys.
func retiredPartner(code string) string {
	return retireBlocks(fmt.Sprintf("servitly_partner.partner[%q]", code), "servitly_partner.retired_nl050")
}

// TestAccExamplesGitOpsRemoved runs that change as the pipeline would (a
// saved plan, then its apply): the plan must forget the partner, not destroy
// it (a destroy is what a provider can refuse), and Servitly must still hold
// it, unchanged, as it does the partners left in the CSV. That run lacks
// SERVITLY_DELETION_PROTECTION, which must not lower the protection stored.
func TestAccExamplesGitOpsRemoved(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	be001, nl050, de014 := target.code("BE-001"), target.code("NL-050"), target.code("DE-014")
	tf := newTerraformCLI(t, target)
	// OpenTofu takes removed blocks from 1.7 but their lifecycle block only
	// from 1.10, and without it Terraform destroys.
	tf.requireCLI("a removed block with destroy = false", "1.7.0", "1.10.0")

	// Protected, as examples/gitops protects them: forgetting is no delete.
	tf.setEnv("SERVITLY_DELETION_PROTECTION", "true")
	tf.writeFile("main.tf", forEachPartners(dealers(be001, nl050, de014)))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	before := map[string]emulator.Partner{}
	for _, p := range target.partners() {
		before[p.Code] = p
	}
	if len(before) != 3 {
		t.Fatalf("want 3 partners after the first apply, the server holds codes %v", keys(before))
	}

	tf.writeFile("main.tf", forEachPartners(dealers(be001, de014)))
	tf.writeFile("retired.tf", retiredPartner(nl050))
	// This run forgot the variable: the protection stored in the state
	// stays, so the partners left plan no change (no update to false).
	tf.setEnv("SERVITLY_DELETION_PROTECTION", "")
	target.resetStats()
	tf.mustRun("plan", "-input=false", "-out=retire.tfplan")
	want := map[string]string{
		`servitly_partner.partner["` + be001 + `"]`: "no-op",
		`servitly_partner.partner["` + de014 + `"]`: "no-op",
		`servitly_partner.retired_nl050`:            "forget",
	}
	if got := plannedActions(t, tf.mustRun("show", "-json", "retire.tfplan")); !reflect.DeepEqual(got, want) {
		t.Fatalf("planned actions %v, want %v", got, want)
	}
	tf.mustRun("apply", "-input=false", "retire.tfplan")

	stats := target.stats()
	if writes := stats.ByRoute["DELETE /network/partners/{id}"] + stats.ByRoute["PUT /network/partners/{id}"]; writes != 0 {
		t.Errorf("forgetting a partner sent %d DELETE or PUT requests, want none", writes)
	}
	for code, was := range before {
		if now, ok, err := target.partner(was.ID); !ok || !reflect.DeepEqual(now, was) {
			t.Errorf("partner %s was %+v before the apply, now %+v (exists: %v, error %v)", code, was, now, ok, err)
		}
	}
	wantState := []string{`servitly_partner.partner["` + be001 + `"]`, `servitly_partner.partner["` + de014 + `"]`}
	if got := strings.Fields(tf.mustRun("state", "list")); !slices.Equal(got, wantState) {
		t.Errorf("state list = %v, want %v", got, wantState)
	}
	tf.expectCleanPlan()

	// The blocks have done their work: a later change deletes them.
	tf.writeFile("retired.tf", "")
	tf.expectCleanPlan()
}

// plannedActions maps each address in a plan (`show -json` output) to its
// action, joining replace's two actions with a comma.
func plannedActions(t *testing.T, planJSON string) map[string]string {
	t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, planJSON)
	}
	out := map[string]string{}
	for _, rc := range plan.ResourceChanges {
		out[rc.Address] = strings.Join(rc.Change.Actions, ",")
	}
	return out
}
