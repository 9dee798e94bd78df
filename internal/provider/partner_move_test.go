package provider

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Unit tests of the moved blocks servitly_partner accepts (partner_move.go).

const (
	movedID     = "6616689a0de6d87b47cd6308"
	movedAnswer = `{"id":"6616689a0de6d87b47cd6308","name":"Rossi Macchine","code":"P000123","country":"Italy",` +
		`"timezone":"Europe/Rome","properties":{"tier":"gold","rank":3},"organization":{"id":"5f0c"},` +
		`"customerCount":2,"creationTimestamp":1700000000000}`
	movedSent = `{"name":"Rossi","code":"P000123","properties":{"tier":"silver"}}`
)

// restapiState is a restapi_object's state (its JSON) on the partners collection.
func restapiState(id, path, data, apiResponse string) string {
	b, _ := json.Marshal(map[string]any{"id": id, "path": path, "data": data, "api_response": apiResponse,
		"api_data": map[string]string{"name": "Rossi Macchine"}, "object_id": nil, "debug": nil})
	return string(b)
}

// restfulState is a restful_resource's state with body and output as given,
// already JSON: a string of JSON or a dynamic value's {"value", "type"}.
func restfulState(id, path, body, output string) string {
	return `{"id":` + quoteJSON(id) + `,"path":` + quoteJSON(path) + `,"read_path":null,"body":` + body + `,"output":` + output + `}`
}

func quoteJSON(s string) string { b, _ := json.Marshal(s); return string(b) }

// dynamicJSON is how state writes an object in a dynamic attribute.
func dynamicJSON(value string) string {
	return `{"value":` + value + `,"type":["object",{"name":"string"}]}`
}

// movePartner runs servitly_partner's state mover as the framework does.
func movePartner(t *testing.T, typeName, address, raw string) (partnerModel, *idIdentity, resource.MoveStateResponse) {
	t.Helper()
	ctx := context.Background()
	r := &partnerResource{}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	var identityResp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &identityResp)
	resp := resource.MoveStateResponse{
		TargetState: tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)},
		TargetIdentity: &tfsdk.ResourceIdentity{Schema: identityResp.IdentitySchema,
			Raw: tftypes.NewValue(identityResp.IdentitySchema.Type().TerraformType(ctx), nil)},
	}
	movers := r.MoveState(ctx)
	if len(movers) != 1 {
		t.Fatalf("%d state movers, want 1", len(movers))
	}
	movers[0].StateMover(ctx, resource.MoveStateRequest{SourceTypeName: typeName, SourceProviderAddress: address,
		SourceRawState: &tfprotov6.RawState{JSON: []byte(raw)}}, &resp)
	var m partnerModel
	if resp.Diagnostics.HasError() || resp.TargetState.Raw.IsNull() {
		return m, nil, resp
	}
	if diags := resp.TargetState.Get(ctx, &m); diags.HasError() {
		t.Fatalf("reading the moved state: %v", diags)
	}
	var identity idIdentity
	if diags := resp.TargetIdentity.Get(ctx, &identity); diags.HasError() {
		t.Fatalf("reading the moved identity: %v", diags)
	}
	return m, &identity, resp
}

func TestMovePartnerState_fromTheLastAnswer(t *testing.T) {
	for name, tc := range map[string]struct{ typeName, address, raw string }{
		"restapi": {"restapi_object", "registry.terraform.io/mastercard/restapi",
			restapiState(movedID, "/network/partners", movedSent, movedAnswer)},
		"restful, body and output as JSON strings": {"restful_resource", "registry.opentofu.org/magodo/restful",
			restfulState("/network/partners/"+movedID, "/network/partners", quoteJSON(movedSent), quoteJSON(movedAnswer))},
		"restful, body and output dynamic": {"restful_resource", "magodo/restful",
			restfulState("/network/partners/"+movedID, "/network/partners", dynamicJSON(movedSent), dynamicJSON(movedAnswer))},
	} {
		t.Run(name, func(t *testing.T) {
			m, identity, resp := movePartner(t, tc.typeName, tc.address, tc.raw)
			if resp.Diagnostics.HasError() {
				t.Fatalf("move refused: %v", resp.Diagnostics)
			}
			got := map[string]any{"id": m.ID.ValueString(), "name": m.Name.ValueString(), "code": m.Code.ValueString(),
				"country": m.Country.ValueString(), "timezone": m.Timezone.ValueString(), "organization_id": m.OrganizationID.ValueString(),
				"customer_count": m.CustomerCount.ValueInt64(), "creation_timestamp": m.CreationTimestamp.ValueInt64(),
				"properties": m.Properties.String(), "identity": identity.ID.ValueString()}
			want := map[string]any{"id": movedID, "name": "Rossi Macchine", "code": "P000123", "country": "Italy",
				"timezone": "Europe/Rome", "organization_id": "5f0c", "customer_count": int64(2), "creation_timestamp": int64(1700000000000),
				"properties": `{"rank":"3","tier":"gold"}`, "identity": movedID}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			// As after an import: Read sets it from the provider's deletion_protection.
			if !m.DeletionProtection.IsNull() || !m.Timeouts.IsNull() {
				t.Errorf("deletion_protection %v and timeouts %v, want both null", m.DeletionProtection, m.Timeouts)
			}
		})
	}
}

// Without a last answer, the body sent gives the attributes, and the state's id the id.
func TestMovePartnerState_fromTheBodySent(t *testing.T) {
	for name, tc := range map[string]struct{ typeName, raw string }{
		"restapi, api_response empty": {"restapi_object", restapiState(movedID, "/network/partners/", movedSent, "")},
		"restapi, api_response not a partner": {"restapi_object",
			restapiState(movedID, "/network/partners", movedSent, `{"name": 42}`)},
		"restful, output null": {"restful_resource",
			restfulState("/network/partners/"+movedID, "/network/partners", dynamicJSON(movedSent), "null")},
		"restful with a base path, output a string of no JSON": {"restful_resource",
			restfulState("/api/network/partners/"+movedID, "/api/network/partners", quoteJSON(movedSent), quoteJSON("<html>"))},
	} {
		t.Run(name, func(t *testing.T) {
			m, _, resp := movePartner(t, tc.typeName, "", tc.raw)
			if resp.Diagnostics.HasError() {
				t.Fatalf("move refused: %v", resp.Diagnostics)
			}
			if m.ID.ValueString() != movedID || m.Name.ValueString() != "Rossi" || m.Properties.String() != `{"tier":"silver"}` ||
				m.CustomerCount.ValueInt64() != 0 || !m.Country.IsNull() {
				t.Errorf("moved %+v, want id %s and the body sent", m.partnerAttributes, movedID)
			}
		})
	}
	t.Run("restful without read_path: the id from the output", func(t *testing.T) {
		m, _, resp := movePartner(t, "restful_resource", "magodo/restful",
			restfulState("/network/partners", "/network/partners", quoteJSON(movedSent), quoteJSON(movedAnswer)))
		if resp.Diagnostics.HasError() || m.ID.ValueString() != movedID {
			t.Errorf("id %s, diagnostics %v; want id %s", m.ID, resp.Diagnostics, movedID)
		}
	})
}

func TestMoveSourceFor(t *testing.T) {
	for _, tc := range []struct {
		typeName, address string
		ok                bool
	}{
		{"restapi_object", "registry.terraform.io/mastercard/restapi", true},
		{"restapi_object", "registry.opentofu.org/mastercard/restapi", true},
		{"restapi_object", "registry.terraform.io/Mastercard/restapi", true},
		{"restapi_object", "mastercard/restapi", true},
		{"restapi_object", "restapi", true},
		{"restapi_object", "", true},
		{"restful_resource", "registry.terraform.io/magodo/restful", true},
		{"restful_resource", "registry.opentofu.org/magodo/restful", true},
		{"restful_resource", "magodo/restful", true},
		{"restful_resource", "", true},
		// Terraform names the target's provider for instances moved one by one.
		{"restapi_object", "registry.terraform.io/servitly/servitly", true},
		{"restful_resource", "registry.opentofu.org/servitly/servitly", true},
		{"servitly_partner", "registry.terraform.io/servitly/servitly", false},
		{"restapi_object", "registry.terraform.io/magodo/restful", false},
		{"restapi_object", "registry.terraform.io/hashicorp/restapi", false},
		{"restapi_object", "registry.terraform.io/notmastercard/restapi", false},
		{"restful_resource", "registry.terraform.io/mastercard/restapi", false},
		{"restful_operation", "magodo/restful", false},
		{"terraform_data", "terraform.io/builtin/terraform", false},
	} {
		if _, ok := moveSourceFor(tc.typeName, tc.address); ok != tc.ok {
			t.Errorf("moveSourceFor(%q, %q) = %v, want %v", tc.typeName, tc.address, ok, tc.ok)
		}
	}
}

// Sources that are not partners are refused with what is missing and how to adopt a partner instead.
func TestMovePartnerState_refused(t *testing.T) {
	adopt := "import the partner by its id with an import block"
	for name, tc := range map[string]struct {
		typeName, address, raw string
		want                   []string
	}{
		"another collection": {"restapi_object", "mastercard/restapi",
			restapiState(movedID, "/network/customers", movedSent, movedAnswer),
			[]string{`The restapi_object with id "` + movedID + `" and path "/network/customers" is not a Servitly partner: ` +
				`its path "/network/customers" is not the partners collection /network/partners`,
				"Remove the moved block of this object", adopt}},
		"below a partner": {"restapi_object", "mastercard/restapi",
			restapiState(movedID, "/network/partners/"+movedID+"/users", movedSent, movedAnswer),
			[]string{"is not the partners collection"}},
		"no path": {"restapi_object", "", `{"id":"` + movedID + `","data":"{}"}`,
			[]string{`The restapi_object with id "` + movedID + `" is not a Servitly partner: its state has no path`}},
		"no id": {"restapi_object", "", restapiState("", "/network/partners", movedSent, `{"name":"Rossi"}`),
			[]string{"it has no id, and its api_response has none either"}},
		"ids that differ": {"restapi_object", "", restapiState("P000123", "/network/partners", movedSent, movedAnswer),
			[]string{`its id "P000123" differs from the id "` + movedID + `" in its api_response`}},
		"an id that is no partner id": {"restapi_object", "", restapiState("a b", "/network/partners", movedSent, ""),
			[]string{`its id "a b" is not a partner id`}},
		"no JSON at all": {"restapi_object", "", restapiState(movedID, "/network/partners", "not json", ""),
			[]string{"neither of its attributes holds a partner as JSON (api_response is empty; data is not a JSON object)"}},
		"a state that is not JSON": {"restful_resource", "", `[1,2]`,
			[]string{"The restful_resource is not a Servitly partner: its state is not a JSON object"}},
		"a restful id of another path": {"restful_resource", "",
			restfulState("/network/customers/"+movedID, "/network/partners", quoteJSON(movedSent), "null"),
			[]string{`its id "/network/customers/` + movedID + `" is not the path of a partner`}},
		"another resource type": {"restful_operation", "registry.terraform.io/magodo/restful", `{}`,
			[]string{"servitly_partner accepts moved blocks from restapi_object (mastercard/restapi) and restful_resource (magodo/restful) only, " +
				"not from restful_operation of registry.terraform.io/magodo/restful", adopt}},
		"another provider": {"restapi_object", "registry.terraform.io/example/restapi", `{}`,
			[]string{"not from restapi_object of registry.terraform.io/example/restapi"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, resp := movePartner(t, tc.typeName, tc.address, tc.raw)
			if !resp.Diagnostics.HasError() {
				t.Fatalf("moved, want a refusal")
			}
			if got := resp.Diagnostics[0].Summary(); got != "Cannot move to servitly_partner" {
				t.Errorf("summary %q", got)
			}
			for _, want := range tc.want {
				if !strings.Contains(resp.Diagnostics[0].Detail(), want) {
					t.Errorf("detail lacks %q:\n%s", want, resp.Diagnostics[0].Detail())
				}
			}
			if !resp.TargetState.Raw.IsNull() {
				t.Error("a refused move set the target state")
			}
		})
	}
}

func TestPartnersPathOf(t *testing.T) {
	for path, want := range map[string]struct {
		member string
		ok     bool
	}{
		"/network/partners":             {"", true},
		"network/partners/":             {"", true},
		"/v2/network/partners":          {"", true},
		"/api/network/partners?size=10": {"", true},
		"https://acme.servitly.com/api/network/partners/" + movedID: {movedID, true},
		"/network/partners/{id}":                                    {"{id}", true},
		"/network/partners/" + movedID + "/x":                       {"", false},
		"/network/partnerships":                                     {"", false},
		"/network/customers":                                        {"", false},
		"":                                                          {"", false},
	} {
		member, ok := partnersPathOf(path)
		if member != want.member || ok != want.ok {
			t.Errorf("partnersPathOf(%q) = %q, %v; want %q, %v", path, member, ok, want.member, want.ok)
		}
	}
}

// examples/migrate-from-restapi/moved-blocks.sh on a state list: a resource's
// instances keep their keys; a type's single resources become keys.
func TestMovedBlocksScript(t *testing.T) {
	const stateList = `data.restapi_object.lookup
restapi_object.bianchi
restapi_object.partner["P000123"]
restapi_object.partner["P 1"]
restapi_object.partner_old[0]
restapi_object.rossi
restful_resource.partner[0]
restful_resource.partner[1]
servitly_partner.verdi
`
	moved := func(from, to string) string { return "moved {\n  from = " + from + "\n  to   = " + to + "\n}\n\n" }
	for _, tc := range []struct {
		from, to, want string
	}{
		{"restapi_object.partner", "servitly_partner.partner",
			moved(`restapi_object.partner["P000123"]`, `servitly_partner.partner["P000123"]`) +
				moved(`restapi_object.partner["P 1"]`, `servitly_partner.partner["P 1"]`)},
		{"restful_resource.partner", "servitly_partner.dealer",
			moved("restful_resource.partner[0]", "servitly_partner.dealer[0]") + moved("restful_resource.partner[1]", "servitly_partner.dealer[1]")},
		{"restapi_object", "servitly_partner.partner",
			moved("restapi_object.bianchi", `servitly_partner.partner["bianchi"]`) + moved("restapi_object.rossi", `servitly_partner.partner["rossi"]`)},
	} {
		cmd := exec.CommandContext(t.Context(), "sh", examplesDir+"/migrate-from-restapi/moved-blocks.sh", tc.from, tc.to)
		cmd.Stdin = strings.NewReader(stateList)
		out, err := cmd.Output()
		if err != nil || string(out) != tc.want {
			t.Errorf("moved-blocks.sh %s %s: %v\n%s\nwant:\n%s", tc.from, tc.to, err, out, tc.want)
		}
	}
	cmd := exec.CommandContext(t.Context(), "sh", examplesDir+"/migrate-from-restapi/moved-blocks.sh", "restapi_object.none", "servitly_partner.partner")
	cmd.Stdin = strings.NewReader(stateList)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "no restapi_object.none in the state list") {
		t.Errorf("with nothing to move: %v\n%s", err, out)
	}
}
