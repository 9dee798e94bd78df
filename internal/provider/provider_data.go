package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client             *client.Client
	codes              *codeGuard // no second partner for a code in use (partner_codes.go)
	deletionProtection bool       // the provider's, for partners that do not set their own
}

// configuredData is the Configure step of resources and data sources: nil
// provider data (not configured yet) is no error, a wrong type is a bug.
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
