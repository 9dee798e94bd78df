package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// configuredClient is the Configure step shared by the data sources: nil
// provider data (the provider is not configured yet) is not an error, a
// wrong type is a bug to report.
func configuredClient(raw any, diags *diag.Diagnostics) *client.Client {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data.client
}

// clientReady reports whether a data source can call the API, and says why
// not otherwise.
func clientReady(c *client.Client, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider not configured",
			"The Servitly provider's settings were not known when this data source was read. "+
				"Make sure the provider block does not depend on values known only after apply.")
		return false
	}
	return true
}
