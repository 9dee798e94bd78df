// Package provider implements the Servitly Terraform provider on terraform-plugin-framework.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var (
	_ provider.Provider                  = &servitlyProvider{}
	_ provider.ProviderWithListResources = &servitlyProvider{}
)

// servitlyProvider is the provider; version is set at build time.
type servitlyProvider struct {
	version string
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &servitlyProvider{version: version}
	}
}

func (p *servitlyProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "servitly"
	resp.Version = p.version
}

func (p *servitlyProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func (p *servitlyProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, diags := clientConfig(ctx, config, envLookup)
	resp.Diagnostics.Append(diags...)
	batch, diags := boolSetting("batch_refresh", config.BatchRefresh, envLookup, true)
	resp.Diagnostics.Append(diags...)
	protect, diags := boolSetting("deletion_protection", config.DeletionProtection, envLookup, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = "terraform-provider-servitly/" + p.version + " (+https://registry.terraform.io/providers/servitly/servitly)"
	if req.TerraformVersion != "" {
		cfg.UserAgent += " Terraform/" + req.TerraformVersion
	}
	cfg.BatchRefresh = batch
	cfg.Logger = newTFLogger(cfg)
	c, err := client.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Servitly provider configuration", err.Error())
		return
	}
	data := &providerData{client: c, codes: newCodeGuard(c), deletionProtection: protect}
	resp.ResourceData, resp.DataSourceData, resp.ListResourceData = data, data, data
}

func (p *servitlyProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewPartnerResource}
}

func (p *servitlyProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewPartnerDataSource, NewPartnersDataSource, NewOrganizationDataSource}
}

// ListResources are the list blocks terraform query (Terraform 1.14+) can use.
func (p *servitlyProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewPartnerListResource}
}
