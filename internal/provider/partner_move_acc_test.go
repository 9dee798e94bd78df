package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Acceptance tests of moving partners from restapi_object and
// restful_resource to servitly_partner (partner_move.go) and of the
// fallback for older CLIs, through the CLI, with the stand-ins of
// partner_move_standins_test.go as the old providers and the guide's files
// in examples/migrate-from-restapi.

// moveCLI is the CLI with the built provider and the stand-ins, which it
// serves afresh for each command.
type moveCLI struct {
	*terraformCLI
	answers map[string]string // the stand-ins' last answer, by partner id
}

func newMoveCLI(t *testing.T, target *accTarget) *moveCLI {
	t.Helper()
	return &moveCLI{terraformCLI: newTerraformCLI(t, target), answers: map[string]string{}}
}

func (m *moveCLI) run(args ...string) (string, error) {
	m.t.Helper()
	reattach, stop := serveStandIns(m.t, func(id string) string { return m.answers[id] })
	defer stop()
	m.setEnv("TF_REATTACH_PROVIDERS", reattach)
	return m.terraformCLI.run(args...)
}

func (m *moveCLI) mustRun(args ...string) string {
	m.t.Helper()
	out, err := m.run(args...)
	if err != nil {
		m.t.Fatalf("%s %s: %v\n%s", m.terraformPath(), strings.Join(args, " "), err, out)
	}
	return out
}

// failing runs a command that must fail; its output comes with white space folded.
func (m *moveCLI) failing(args ...string) string {
	m.t.Helper()
	out, err := m.run(args...)
	if err == nil {
		m.t.Fatalf("%s succeeded, want an error:\n%s", strings.Join(args, " "), out)
	}
	return strings.Join(strings.Fields(out), " ")
}

func (m *moveCLI) expectCleanPlan() {
	m.t.Helper()
	out, err := m.run("plan", "-detailed-exitcode", "-input=false")
	if err != nil {
		m.t.Fatalf("plan after the migration is not clean: %v\n%s", err, out)
	}
}

// planned maps each address of a saved plan to its action, and for a move
// its previous address ("no-op from restapi_object.partner[\"P1\"]").
func (m *moveCLI) planned(planFile string) map[string]string {
	m.t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address         string `json:"address"`
			PreviousAddress string `json:"previous_address"`
			Change          struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	out := m.mustRun("show", "-json", planFile)
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		m.t.Fatalf("show -json: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, rc := range plan.ResourceChanges {
		action := strings.Join(rc.Change.Actions, ",")
		switch {
		case rc.PreviousAddress != "":
			action += " from " + rc.PreviousAddress
		case rc.Change.Importing != nil:
			action += " import"
		}
		got[rc.Address] = action
	}
	return got
}

// partnerStates returns the id and deletion_protection of each
// servitly_partner in the state, by address.
func (m *moveCLI) partnerStates() map[string]string {
	m.t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Type    string `json:"type"`
					Values  struct {
						ID                 string `json:"id"`
						DeletionProtection *bool  `json:"deletion_protection"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := m.mustRun("show", "-json")
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		m.t.Fatalf("show -json: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, r := range state.Values.RootModule.Resources {
		if r.Type == "servitly_partner" {
			protected := "unset"
			if p := r.Values.DeletionProtection; p != nil {
				protected = fmt.Sprint(*p)
			}
			got[r.Address] = r.Values.ID + " protected=" + protected
		}
	}
	return got
}

// applyUntouched applies a saved plan and checks that Servitly holds the
// partners before as they were: nothing created, written or deleted.
func applyUntouched(t *testing.T, target *accTarget, m *moveCLI, planFile string, before map[string]emulator.Partner) {
	t.Helper()
	target.resetStats()
	m.mustRun("apply", "-input=false", planFile)
	stats := target.stats()
	if writes := stats.ByRoute["POST /network/partners"] + stats.ByRoute["PUT /network/partners/{id}"] +
		stats.ByRoute["DELETE /network/partners/{id}"]; writes != 0 {
		t.Errorf("the apply sent %d POST, PUT or DELETE requests, want none: %v", writes, stats.ByRoute)
	}
	for code, was := range before {
		if now, ok, err := target.partner(was.ID); !ok || !reflect.DeepEqual(now, was) {
			t.Errorf("partner %s was %+v, now %+v (exists: %v, error %v)", code, was, now, ok, err)
		}
	}
}

// apiAnswer is a partner as the API answers it, which the stand-ins record.
func apiAnswer(p emulator.Partner) string {
	answer := map[string]any{"id": p.ID, "name": p.Name, "code": p.Code, "properties": p.Properties,
		"customerCount": p.CustomerCount, "creationTimestamp": p.CreationTimestamp}
	for field, value := range map[string]string{"country": p.Country, "timezone": p.Timezone} {
		if value != "" {
			answer[field] = value
		}
	}
	if p.OrganizationID != "" {
		answer["organization"] = map[string]string{"id": p.OrganizationID}
	}
	b, _ := json.Marshal(answer)
	return string(b)
}

// createBody is what the old configuration sent to create p: the API's
// fields, with the organization as a reference.
func createBody(p emulator.Partner) map[string]any {
	body := map[string]any{"name": p.Name, "code": p.Code}
	for field, value := range map[string]string{"country": p.Country, "timezone": p.Timezone} {
		if value != "" {
			body[field] = value
		}
	}
	if len(p.Properties) > 0 {
		body["properties"] = p.Properties
	}
	if p.OrganizationID != "" {
		body["organization"] = map[string]string{"id": p.OrganizationID}
	}
	return body
}

// oldProviders is the terraform block of a configuration with the servitly
// provider and the stand-ins, under the real providers' addresses.
const oldProviders = `terraform {
  required_providers {
    servitly = { source = "servitly/servitly" }
    restapi  = { source = "mastercard/restapi" }
    restful  = { source = "magodo/restful" }
  }
}

provider "servitly" {}
`

// examplePartners adds the partners of examples/migrate-from-restapi/main.tf
// to the server, by their codes there, and returns them with the example,
// made to name them.
func examplePartners(t *testing.T, target *accTarget) (map[string]emulator.Partner, string) {
	t.Helper()
	org := target.rootOrganizationID()
	partners := map[string]emulator.Partner{}
	replacements := []string{"5f0c2a9e1b7d4c3e8a6f0123", org}
	for _, p := range []emulator.Partner{
		{Name: "Rossi Macchine S.r.l.", Code: "P000123", Country: "Italy", Timezone: "Europe/Rome",
			Properties: map[string]string{"tier": "gold"}, OrganizationID: org},
		{Name: "Bianchi Impianti", Code: "P000124"},
		{Name: "Verdi Service", Code: "P000125"},
	} {
		code := p.Code
		p.Code = target.code(code)
		partners[code] = target.addPartner(p)
		replacements = append(replacements, code, p.Code)
	}
	return partners, target.example("migrate-from-restapi/main.tf", replacements...)
}

// restapiObjects is a restapi_object.partner with for_each over partners,
// by their keys, as restapi would have written them; the stand-in adopts
// each by its object_id.
func restapiObjects(m *moveCLI, partners map[string]emulator.Partner) string {
	var rows strings.Builder
	for _, key := range slices.Sorted(maps.Keys(partners)) {
		p := partners[key]
		m.answers[p.ID] = apiAnswer(p)
		data, _ := json.Marshal(createBody(p))
		fmt.Fprintf(&rows, "    %s = { id = %q, data = %s }\n", hclString(p.Code), p.ID, hclString(string(data)))
	}
	return `
resource "restapi_object" "partner" {
  for_each = {
` + rows.String() + `  }

  path      = "/network/partners"
  object_id = each.value.id
  data      = each.value.data
}
`
}

// restapiCustomer is a restapi_object that is not a partner.
const restapiCustomer = `
resource "restapi_object" "customer" {
  path      = "/network/customers"
  object_id = "c0ffee5ca1ab1e0000000001"
  data      = jsonencode({ name = "Bianchi Impianti S.p.A." })
}
`

// TestAccPartnerMove_fromRestapi: three restapi_object partners with
// for_each, one with properties and an organization, move to the guide's
// servitly_partner configuration with its moved block: moves only, nothing
// sent to Servitly, the same ids, then a clean plan. A moved block for a
// restapi_object that is not a partner is refused, naming what is wrong.
func TestAccPartnerMove_fromRestapi(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	m := newMoveCLI(t, target)
	m.requireCLI("moved blocks across resource types", "1.8.0", "1.10.0")
	before, main := examplePartners(t, target)
	m.writeFile("main.tf", oldProviders+restapiObjects(m, before)+restapiCustomer)
	m.mustRun("apply", "-auto-approve", "-input=false")

	m.writeFile("main.tf", main)
	m.writeFile("moved.tf", readExample(t, "migrate-from-restapi/moved.tf"))
	m.writeFile("customer.tf", `
resource "servitly_partner" "customer" {
  name = "Bianchi Impianti S.p.A."
}

moved {
  from = restapi_object.customer
  to   = servitly_partner.customer
}
`)
	expectOutput(t, m.failing("plan", "-input=false"), "Error: Cannot move to servitly_partner",
		`The restapi_object with id "c0ffee5ca1ab1e0000000001" and path "/network/customers" is not a Servitly partner: `+
			`its path "/network/customers" is not the partners collection /network/partners`,
		"Remove the moved block of this object, or, if it is a partner all the same, remove it from the state without destroying it")

	m.writeFile("customer.tf", restapiCustomer)
	m.mustRun("plan", "-input=false", "-out=move.tfplan")
	want := map[string]string{`restapi_object.customer`: "no-op"}
	wantState := map[string]string{}
	for _, p := range before {
		addr := fmt.Sprintf("servitly_partner.partner[%q]", p.Code)
		want[addr] = fmt.Sprintf("no-op from restapi_object.partner[%q]", p.Code)
		wantState[addr] = p.ID + " protected=false"
	}
	if got := m.planned("move.tfplan"); !reflect.DeepEqual(got, want) {
		t.Fatalf("planned %v, want %v", got, want)
	}
	applyUntouched(t, target, m, "move.tfplan", before)
	if got := m.partnerStates(); !reflect.DeepEqual(got, wantState) {
		t.Errorf("state holds %v, want %v", got, wantState)
	}
	m.expectCleanPlan()
}

// TestAccPartnerMove_fromRestful: three restful_resource partners with count
// move to a servitly_partner with count, by the moved blocks that
// examples/migrate-from-restapi/moved-blocks.sh writes from the state list,
// with the provider's deletion_protection on, which the moved partners take.
func TestAccPartnerMove_fromRestful(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	m := newMoveCLI(t, target)
	m.requireCLI("moved blocks across resource types", "1.8.0", "1.10.0")
	m.setEnv("SERVITLY_DELETION_PROTECTION", "true")
	org := target.rootOrganizationID()
	var partners []emulator.Partner
	for _, p := range []emulator.Partner{
		{Name: "Neri Assistenza", Code: "R-001", Country: "Italy", Properties: map[string]string{"tier": "silver", "zone": "north"}, OrganizationID: org},
		{Name: "Gialli Ricambi", Code: "R-002", Timezone: "Europe/Rome"},
		{Name: "Blu Tecnica", Code: "R-003"},
	} {
		p.Code = target.code(p.Code)
		partners = append(partners, target.addPartner(p))
	}
	var oldRows, newRows strings.Builder
	for _, p := range partners {
		m.answers[p.ID] = apiAnswer(p)
		body, _ := json.Marshal(createBody(p))
		fmt.Fprintf(&oldRows, "    { id = %q, body = jsondecode(%s) },\n", p.ID, hclString(string(body)))
		props, _ := json.Marshal(p.Properties)
		fmt.Fprintf(&newRows, "    { code = %s, name = %s, country = %s, timezone = %s, organization_id = %s, properties = jsondecode(%s) },\n",
			hclString(p.Code), hclString(p.Name), hclOrNull(p.Country), hclOrNull(p.Timezone), hclOrNull(p.OrganizationID), hclString(string(props)))
	}
	m.writeFile("main.tf", oldProviders+`
locals {
  partners = [
`+oldRows.String()+`  ]
}

resource "restful_resource" "partner" {
  count = length(local.partners)

  path      = "/network/partners"
  read_path = "/network/partners/${local.partners[count.index].id}"
  body      = local.partners[count.index].body
}
`)
	m.mustRun("apply", "-auto-approve", "-input=false")

	m.writeFile("main.tf", oldProviders+`
locals {
  partners = [
`+newRows.String()+`  ]
}

resource "servitly_partner" "partner" {
  count = length(local.partners)

  code            = local.partners[count.index].code
  name            = local.partners[count.index].name
  country         = local.partners[count.index].country
  timezone        = local.partners[count.index].timezone
  organization_id = local.partners[count.index].organization_id
  properties      = local.partners[count.index].properties
}
`)
	script := exec.CommandContext(t.Context(), "sh", examplesDir+"/migrate-from-restapi/moved-blocks.sh",
		"restful_resource.partner", "servitly_partner.partner")
	script.Stdin = strings.NewReader(m.mustRun("state", "list"))
	moved, err := script.Output()
	if err != nil {
		t.Fatalf("moved-blocks.sh: %v", err)
	}
	m.writeFile("moved.tf", string(moved))
	m.mustRun("plan", "-input=false", "-out=move.tfplan")
	want, wantState, before := map[string]string{}, map[string]string{}, map[string]emulator.Partner{}
	for i, p := range partners {
		want[fmt.Sprintf("servitly_partner.partner[%d]", i)] = fmt.Sprintf("no-op from restful_resource.partner[%d]", i)
		wantState[fmt.Sprintf("servitly_partner.partner[%d]", i)] = p.ID + " protected=true"
		before[p.Code] = p
	}
	if got := m.planned("move.tfplan"); !reflect.DeepEqual(got, want) {
		t.Fatalf("planned %v, want %v\nmoved.tf:\n%s", got, want, moved)
	}
	applyUntouched(t, target, m, "move.tfplan", before)
	if got := m.partnerStates(); !reflect.DeepEqual(got, wantState) {
		t.Errorf("state holds %v, want %v", got, wantState)
	}
	m.expectCleanPlan()
}

// hclOrNull is s as an HCL string, or null when empty.
func hclOrNull(s string) string {
	if s == "" {
		return "null"
	}
	return hclString(s)
}

// TestAccPartnerMove_fallback: the guide's way for CLIs that cannot move
// across resource types. With removed blocks that keep the object (Terraform
// 1.7, OpenTofu 1.10), removed-and-import.tf forgets the restapi objects and
// imports the partners by code; before them (Terraform 1.5 and 1.6),
// terraform state rm and an import block per partner do. Either way nothing
// is sent to Servitly but reads, and the next plan is clean.
func TestAccPartnerMove_fallback(t *testing.T) {
	t.Parallel()
	target := newAccTarget(t, emulator.Options{})
	m := newMoveCLI(t, target)
	before, main := examplePartners(t, target)
	m.writeFile("main.tf", oldProviders+restapiObjects(m, before))
	m.mustRun("apply", "-auto-approve", "-input=false")

	m.writeFile("main.tf", main)
	want := map[string]string{}
	for _, p := range before {
		want[fmt.Sprintf("servitly_partner.partner[%q]", p.Code)] = "no-op import"
	}
	if removedKeeps(m) {
		m.writeFile("imports.tf", readExample(t, "migrate-from-restapi/removed-and-import.tf"))
		for _, p := range before {
			want[fmt.Sprintf("restapi_object.partner[%q]", p.Code)] = "forget"
		}
	} else {
		m.mustRun("state", "rm", "restapi_object.partner")
		var imports strings.Builder
		for _, p := range before {
			fmt.Fprintf(&imports, "import {\n  to = servitly_partner.partner[%s]\n  id = %s\n}\n\n", hclString(p.Code), hclString("code:"+p.Code))
		}
		m.writeFile("imports.tf", imports.String())
	}
	m.mustRun("plan", "-input=false", "-out=adopt.tfplan")
	if got := m.planned("adopt.tfplan"); !reflect.DeepEqual(got, want) {
		t.Fatalf("planned %v, want %v", got, want)
	}
	applyUntouched(t, target, m, "adopt.tfplan", before)
	m.expectCleanPlan()
}

// removedKeeps tells whether the CLI takes removed blocks with
// lifecycle { destroy = false }: Terraform 1.7, OpenTofu 1.10.
func removedKeeps(m *moveCLI) bool {
	name, version, _ := strings.Cut(m.cliVersion(), " v")
	least := map[string]string{"Terraform": "1.7.0", "OpenTofu": "1.10.0"}[name]
	if least == "" {
		m.t.Fatalf("CLI %q not recognised", m.cliVersion())
	}
	return versionAtLeast(version, least)
}
