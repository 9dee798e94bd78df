package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// partnerIdentityModel is servitly_partner's resource identity: its id, which
// never changes. Terraform and OpenTofu 1.12+ keep it next to the state and
// accept it in import blocks; terraform query returns it for every partner.
type partnerIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *partnerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Server-assigned partner id (24 hex characters on Servitly), the same value as the resource's `id` attribute.",
			},
		},
	}
}

// setPartnerIdentity records partner id's identity, in every response with
// state: old state gets one, and OpenTofu refuses a read that returns none.
func setPartnerIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil { // the framework passes none only when the resource has no identity schema
		return nil
	}
	return identity.Set(ctx, partnerIdentityModel{ID: types.StringValue(id)})
}

// importIDFrom returns what an import names: the import ID (terraform import,
// or an import block's id) or else the id in the import block's identity.
// The identity holds ids only; codes go through the import ID ("code:...").
func importIDFrom(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var identity partnerIdentityModel
	diags := req.Identity.Get(ctx, &identity)
	if diags.HasError() {
		return "", diags
	}
	id := identity.ID.ValueString()
	parsed, err := parsePartnerImportID(id)
	switch {
	case identity.ID.IsNull() || identity.ID.IsUnknown() || id == "":
		diags.AddAttributeError(path.Root("id"), "Missing partner id in import identity",
			`The import block's identity has no id. Set it to the partner's id, as in identity = { id = "6616689a0de6d87b47cd6308" }.`)
	case err != nil:
		diags.AddAttributeError(path.Root("id"), "Invalid partner id in import identity", err.Error())
	case parsed.Code != "":
		diags.AddAttributeError(path.Root("id"), "Partner code in import identity",
			fmt.Sprintf("The identity's id %q names a partner by code, but an identity holds partner ids only. "+
				"Import by code with the import block's id instead: id = %q, and leave identity out.", id, id))
	}
	return id, diags
}
