package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// resolveImportID turns an import ID into the partner's canonical id. A
// "code:" ID is looked up through the API here, so state only ever holds
// ids and Read never depends on codes being unique.
func (r *partnerResource) resolveImportID(ctx context.Context, raw string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	parsed, err := parsePartnerImportID(raw)
	if err != nil {
		diags.AddError("Invalid import ID", err.Error())
		return "", diags
	}
	if parsed.Code == "" {
		return parsed.ID, diags
	}
	if r.client == nil {
		diags.AddError("Provider not configured",
			"Importing by code needs the provider's connection settings to be known. This is a bug in the provider; please report it.")
		return "", diags
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	matches, err := r.client.FindPartnersByCode(ctx, parsed.Code)
	if err != nil {
		addAPIError(&diags, "Error importing partner", fmt.Sprintf("Looking up partners with code %q", parsed.Code), err)
		return "", diags
	}
	switch len(matches) {
	case 0:
		diags.AddError("Partner not found", fmt.Sprintf("Cannot import %q: %s", raw, noPartnerWithCode(parsed.Code)))
		return "", diags
	case 1:
		return matches[0].ID, diags
	}
	pick := fmt.Sprintf("Import the one you mean by its id, for example: terraform import servitly_partner.<NAME> %s", matches[0].ID)
	diags.AddError("Ambiguous partner code", fmt.Sprintf("Cannot import %q: %s", raw, severalPartnersWithCode(parsed.Code, matches, pick)))
	return "", diags
}
