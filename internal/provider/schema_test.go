package provider

import (
	"context"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// describedAttribute is what every schema attribute kind implements.
type describedAttribute interface {
	GetMarkdownDescription() string
	GetDescription() string
	IsSensitive() bool
}

func TestProviderSchema(t *testing.T) {
	ctx := context.Background()
	var resp provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	s := resp.Schema
	if s.MarkdownDescription == "" {
		t.Error("the provider has no description")
	}
	sensitive := map[string]bool{"token": true, "api_key": true, "pat": true, "password": true}
	for name, a := range s.Attributes {
		d, ok := a.(describedAttribute)
		if !ok {
			t.Fatalf("%s: %T", name, a)
		}
		if d.GetMarkdownDescription() == "" {
			t.Errorf("provider attribute %s has no MarkdownDescription", name)
		}
		if d.IsSensitive() != sensitive[name] {
			t.Errorf("provider attribute %s: Sensitive = %v, want %v", name, d.IsSensitive(), sensitive[name])
		}
		if !a.IsOptional() || a.IsRequired() {
			t.Errorf("provider attribute %s must be optional, since the environment can supply it", name)
		}
	}
	for name := range sensitive {
		if _, ok := s.Attributes[name]; !ok {
			t.Errorf("provider attribute %s is missing", name)
		}
	}
	// Every setting must be reachable through clientConfig's env fallback,
	// except the provider-side ones, which have their own tests.
	providerSide := map[string]string{"batch_refresh": "TestBoolSettings", "deletion_protection": "TestBoolSettings"}
	for name := range s.Attributes {
		found := providerSide[name] != ""
		for _, st := range settings {
			found = found || st.attr == name
		}
		if !found {
			t.Errorf("provider attribute %s is not covered by the settings table in provider_config_test.go", name)
		}
	}
}

func TestResourceSchemas(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "servitly"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: %v", meta.TypeName, diags)
		}
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no description", meta.TypeName)
		}
		for name, a := range resp.Schema.Attributes {
			if d, ok := a.(describedAttribute); !ok || d.GetMarkdownDescription() == "" {
				t.Errorf("%s attribute %s has no MarkdownDescription", meta.TypeName, name)
			}
		}
	}
}

func TestDataSourceSchemas(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	for _, newDataSource := range p.DataSources(ctx) {
		ds := newDataSource()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "servitly"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Errorf("%s: %v", meta.TypeName, diags)
		}
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("data source %s has no description", meta.TypeName)
		}
		for name, a := range resp.Schema.Attributes {
			if d, ok := a.(describedAttribute); !ok || d.GetMarkdownDescription() == "" {
				t.Errorf("data source %s attribute %s has no MarkdownDescription", meta.TypeName, name)
			}
		}
	}
}

func TestPartnerResourceSchemaDetails(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewPartnerResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	attrs := resp.Schema.Attributes
	if !attrs["name"].IsRequired() {
		t.Error("name must be required")
	}
	for _, computed := range []string{"id", "customer_count", "creation_timestamp"} {
		if a := attrs[computed]; a == nil || !a.IsComputed() || a.IsOptional() || a.IsRequired() {
			t.Errorf("%s must be computed only", computed)
		}
	}
	for _, optional := range []string{"code", "country", "timezone", "organization_id"} {
		if a := attrs[optional]; a == nil || !a.IsOptional() || a.IsComputed() {
			t.Errorf("%s must be optional and not computed (null and empty rules in partner_model.go rely on it)", optional)
		}
	}
	// properties: optional, computed only so that its default {} applies.
	if a, ok := attrs["properties"].(resourceschema.MapAttribute); !ok || !a.IsOptional() || !a.IsComputed() || a.Default == nil {
		t.Error("properties must be optional with a default of {}")
	}
	if _, ok := resp.Schema.Blocks["timeouts"]; !ok {
		t.Error("no timeouts block")
	}
}

// TestEveryAttributeDescribed walks the schemas as Terraform receives them,
// nested attributes and blocks included, so that no generated doc page has
// an undescribed row.
func TestEveryAttributeDescribed(t *testing.T) {
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("test")())()
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	var walkBlock func(where string, b *tfprotov6.SchemaBlock)
	var walkObject func(where string, o *tfprotov6.SchemaObject)
	visited := 0
	walkAttr := func(where string, a *tfprotov6.SchemaAttribute) {
		visited++
		if a.Description == "" {
			t.Errorf("%s has no description", where)
		}
		if a.NestedType != nil {
			walkObject(where, a.NestedType)
		}
	}
	walkObject = func(where string, o *tfprotov6.SchemaObject) {
		for _, a := range o.Attributes {
			walkAttr(where+"."+a.Name, a)
		}
	}
	walkBlock = func(where string, b *tfprotov6.SchemaBlock) {
		for _, a := range b.Attributes {
			walkAttr(where+"."+a.Name, a)
		}
		for _, nb := range b.BlockTypes {
			walkBlock(where+"."+nb.TypeName, nb.Block)
		}
	}
	walkBlock("provider", resp.Provider.Block)
	for name, s := range resp.ResourceSchemas {
		if s.Block.Description == "" {
			t.Errorf("resource %s has no description", name)
		}
		walkBlock(name, s.Block)
	}
	for name, s := range resp.DataSourceSchemas {
		if s.Block.Description == "" {
			t.Errorf("data source %s has no description", name)
		}
		walkBlock("data."+name, s.Block)
	}
	if len(resp.ResourceSchemas) == 0 || visited < 20 {
		t.Errorf("%d resources and %d attributes visited; the walk is broken", len(resp.ResourceSchemas), visited)
	}
}
