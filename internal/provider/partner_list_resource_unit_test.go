package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

const listRoute = "GET /v2/network/partners"

func TestPartnerDisplayName(t *testing.T) {
	for _, tc := range []struct {
		partner client.Partner
		want    string
	}{
		{client.Partner{Name: "Rossi Macchine", Code: "P000123"}, "Rossi Macchine (P000123)"},
		{client.Partner{Name: "No Code"}, "No Code"},
	} {
		if got := partnerDisplayName(&tc.partner); got != tc.want {
			t.Errorf("partnerDisplayName(%+v) = %q, want %q", tc.partner, got, tc.want)
		}
	}
}

// listProviderServer is a protocol server that serves list resources too.
type listProviderServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// listServer is the provider's protocol server, configured against emu, on
// which ListResource can be called without a Terraform CLI.
func listServer(t *testing.T, emu *emulator.Server) listProviderServer {
	t.Helper()
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	ctx := context.Background()
	srv, ok := testServer().(listProviderServer)
	if !ok {
		t.Fatal("the provider server does not serve list resources")
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	config := dynamicValue(t, schemas.Provider.ValueType(), map[string]string{"base_url": ts.URL, "tenant": "demo", "token": emu.IssueToken(0)})
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: config})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "ConfigureProvider", resp.Diagnostics)
	return srv
}

// dynamicValue is an object of type typ with the given string attributes
// and every other attribute null.
func dynamicValue(t *testing.T, typ tftypes.Type, attrs map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %s is not an object", typ)
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range obj.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := attrs[name]; ok {
			values[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func failOnErrors(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}

// runPartnerList runs the servitly_partner list resource with the given
// config attributes and returns its results.
func runPartnerList(t *testing.T, srv listProviderServer, config map[string]string, limit int64, includeResource bool) []tfprotov6.ListResourceResult {
	t.Helper()
	ctx := context.Background()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	listSchema, ok := schemas.ListResourceSchemas["servitly_partner"]
	if !ok {
		t.Fatal("the provider has no servitly_partner list resource")
	}
	stream, err := srv.ListResource(ctx, &tfprotov6.ListResourceRequest{
		TypeName:        "servitly_partner",
		Config:          dynamicValue(t, listSchema.ValueType(), config),
		IncludeResource: includeResource,
		Limit:           limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	var results []tfprotov6.ListResourceResult
	for r := range stream.Results {
		results = append(results, r)
	}
	return results
}

func seedPartners(emu *emulator.Server, n int, org string) {
	for i := range n {
		emu.AddPartner(emulator.Partner{Name: fmt.Sprintf("Partner %04d", i), Code: fmt.Sprintf("P%06d", i), Country: "Italy", OrganizationID: org})
	}
}

func TestPartnerListResource_limitStopsPaging(t *testing.T) {
	emu := emulator.New(emulator.Options{})
	seedPartners(emu, 5*client.PageSize, "")
	srv := listServer(t, emu)
	emu.ResetStats()

	results := runPartnerList(t, srv, nil, client.PageSize+1, false)
	if len(results) != client.PageSize+1 {
		t.Fatalf("got %d results, want the limit, %d", len(results), client.PageSize+1)
	}
	for _, r := range results {
		failOnErrors(t, "ListResource", r.Diagnostics)
		if r.Resource != nil {
			t.Fatal("a result holds the resource though include_resource was not asked for")
		}
	}
	if got := emu.Stats().ByRoute[listRoute]; got != 2 {
		t.Errorf("%d list pages requested for a limit of %d, want 2 (of 5)", got, client.PageSize+1)
	}
}

func TestPartnerListResource_results(t *testing.T) {
	emu := emulator.New(emulator.Options{})
	root := emu.RootOrganizationID()
	seedPartners(emu, 3, root)
	seedPartners(emu, 2, "") // same names and codes, no organization
	srv := listServer(t, emu)

	results := runPartnerList(t, srv, map[string]string{"organization_id": root, "country": "Italy"}, 100, true)
	if len(results) != 3 {
		t.Fatalf("got %d results for organization_id %s, want 3", len(results), root)
	}
	names := map[string]bool{}
	for i, r := range results {
		failOnErrors(t, "ListResource", r.Diagnostics)
		names[r.DisplayName] = true
		if r.Identity == nil || r.Resource == nil {
			t.Fatalf("result %d lacks its identity or resource", i)
		}
		raw, err := r.Resource.Unmarshal(tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			"id": tftypes.String, "name": tftypes.String, "code": tftypes.String, "country": tftypes.String, "timezone": tftypes.String,
			"properties": tftypes.Map{ElementType: tftypes.String}, "organization_id": tftypes.String,
			"customer_count": tftypes.Number, "creation_timestamp": tftypes.Number, "deletion_protection": tftypes.Bool,
			"timeouts": tftypes.Object{AttributeTypes: map[string]tftypes.Type{"create": tftypes.String, "read": tftypes.String, "update": tftypes.String, "delete": tftypes.String}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[string]tftypes.Value
		if err := raw.As(&attrs); err != nil {
			t.Fatal(err)
		}
		var org string
		if err := attrs["organization_id"].As(&org); err != nil || org != root {
			t.Errorf("result %d has organization_id %q (%v), want %s", i, org, err, root)
		}
		if !attrs["timeouts"].IsNull() {
			t.Errorf("result %d has a timeouts block, which generated configuration would then carry", i)
		}
	}
	for i := range 3 { // the server's order is its own
		if want := fmt.Sprintf("Partner %04d (P%06d)", i, i); !names[want] {
			t.Errorf("no result is named %q; got %v", want, names)
		}
	}
}

func TestPartnerListResource_refused(t *testing.T) {
	emu := emulator.New(emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER"}})
	seedPartners(emu, 1, "")
	results := runPartnerList(t, listServer(t, emu), nil, 100, false)
	if len(results) != 1 || len(results[0].Diagnostics) != 1 {
		t.Fatalf("got %d results (%+v), want one holding one error", len(results), results)
	}
	d := results[0].Diagnostics[0]
	if d.Severity != tfprotov6.DiagnosticSeverityError || !strings.Contains(d.Detail, "READ_ALL_PARTNERS") {
		t.Errorf("diagnostic %q: %q; want an error naming READ_ALL_PARTNERS", d.Summary, d.Detail)
	}
}

func TestVersionAtLeast(t *testing.T) {
	for _, tc := range []struct {
		v, least string
		want     bool
	}{
		{"1.14.9", "1.14.0", true},
		{"1.14.0", "1.14.0", true},
		{"1.14.0-rc1", "1.14.0", true},
		{"1.13.3", "1.14.0", false},
		{"1.5.7", "1.14.0", false},
		{"2.0.0", "1.14.0", true},
	} {
		if got := versionAtLeast(tc.v, tc.least); got != tc.want {
			t.Errorf("versionAtLeast(%q, %q) = %v, want %v", tc.v, tc.least, got, tc.want)
		}
	}
}
