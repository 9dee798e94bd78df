// Package provider implements the Servitly Terraform provider on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var (
	_ provider.Provider                  = &servitlyProvider{}
	_ provider.ProviderWithListResources = &servitlyProvider{}
)

// servitlyProvider is the provider; version is set at build time.
type servitlyProvider struct{ version string }

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &servitlyProvider{version: version} }
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
	cfg.BatchRefresh, diags = boolSetting("batch_refresh", config.BatchRefresh, envLookup, true)
	resp.Diagnostics.Append(diags...)
	protect, diags := boolSettingIfSet("deletion_protection", config.DeletionProtection, envLookup)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = "terraform-provider-servitly/" + p.version + " (+https://registry.terraform.io/providers/servitly/servitly)"
	if req.TerraformVersion != "" {
		cfg.UserAgent += " Terraform/" + req.TerraformVersion
	}

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

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client             *client.Client
	codes              *codeGuard // no second partner for a code in use (partner_guards.go)
	deletionProtection types.Bool // the provider's, for partners that do not set their own; null when unset
}

// configuredData is the Configure step: nil provider data (not configured yet) is no error, a wrong type a bug.
func configuredData(raw any, diags *diag.Diagnostics) providerData {
	if raw == nil {
		return providerData{}
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return providerData{}
	}
	return *data
}

// configuredResource gives a resource or a list resource the provider's data.
type configuredResource struct{ providerData }

func (r *configuredResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.providerData = configuredData(req.ProviderData, &resp.Diagnostics)
}

// configuredDataSource gives a data source the provider's data.
type configuredDataSource struct{ providerData }

func (d *configuredDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.providerData = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ready reports whether the API can be called, or says why not, and when.
func (d providerData) ready(diags *diag.Diagnostics, when string) bool {
	if d.client == nil {
		diags.AddError("Provider not configured",
			"The Servitly provider's settings were not known when "+when+". "+
				"Make sure the provider block does not depend on values known only after apply.")
		return false
	}
	return true
}

// tfLogger sends the client's logs to tflog with every secret masked, wherever the client puts it.
type tfLogger struct{ secrets []string }

// newTFLogger leaves unset secrets out: masking "" would garble every message.
func newTFLogger(cfg client.Config) tfLogger {
	return tfLogger{secrets: slices.DeleteFunc([]string{cfg.Token, cfg.APIKey, cfg.PAT, cfg.Password}, func(s string) bool { return s == "" })}
}

func (l tfLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskLogStrings(ctx, l.secrets...)
	return tflog.MaskFieldValuesWithFieldKeys(ctx, "Authorization", "token", "refreshToken", "password", "pat", "apiKey")
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
