package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// importCodePrefix marks an import ID that names a partner by its code.
const importCodePrefix = "code:"

// partnerImportID is what an import ID names: an ID, used as is, or a Code to look up.
type partnerImportID struct {
	ID   string
	Code string
}

// parsePartnerImportID refuses only what can never be an id, as ids are opaque.
// "code:<code>" names a partner by any code the resource accepts, taken literally.
func parsePartnerImportID(raw string) (partnerImportID, error) {
	const expected = "Expected the partner's id, as shown by the Servitly console or API, or its code after \"code:\", " +
		"for example: terraform import servitly_partner.dealer 6616689a0de6d87b47cd6308 " +
		"or terraform import servitly_partner.dealer code:P000123"
	if raw == "" {
		return partnerImportID{}, fmt.Errorf("the import ID is empty. %s", expected)
	}
	if !utf8.ValidString(raw) {
		return partnerImportID{}, fmt.Errorf("the import ID %q is not valid UTF-8 text. %s", raw, expected)
	}
	if len(raw) >= len(importCodePrefix) && strings.EqualFold(raw[:len(importCodePrefix)], importCodePrefix) {
		code := raw[len(importCodePrefix):]
		if strings.TrimSpace(code) == "" {
			return partnerImportID{}, fmt.Errorf("the import ID %q has no code after \"code:\". %s", raw, expected)
		}
		return partnerImportID{Code: code}, nil
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
		return partnerImportID{}, fmt.Errorf("the import ID %q contains white space or control characters. %s", raw, expected)
	}
	if strings.ContainsAny(raw, "/?#") || raw == "." || raw == ".." {
		return partnerImportID{}, fmt.Errorf("the import ID %q contains '/', '?' or '#', or is a dot path, which no partner id is. %s", raw, expected)
	}
	return partnerImportID{ID: raw}, nil
}

// resolveImportID turns an import ID into an id, so Read never depends on codes being unique.
func (r *partnerResource) resolveImportID(ctx context.Context, raw string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	parsed, err := parsePartnerImportID(raw)
	if err != nil {
		diags.AddError("Invalid import ID", err.Error())
		return "", diags
	}
	if parsed.Code == "" || !r.ready(&diags, "the partner was imported by code") {
		return parsed.ID, diags
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	matches, err := r.client.FindPartners(ctx, client.PartnerFilter{Code: parsed.Code})
	if err != nil {
		addAPIError(ctx, &diags, "Error importing partner", fmt.Sprintf("Looking up partners with code %q", parsed.Code), err)
		return "", diags
	}
	p := theOne(&diags, lookup{at: path.Empty(), noun: "partner", key: "code", value: parsed.Code,
		notFound: fmt.Sprintf("Cannot import %q: %s", raw, noPartnerWithCode(parsed.Code)),
		pick:     "Import the one you mean by its id, for example: terraform import servitly_partner.<NAME> <ID>"}, matches, describePartner)
	if p == nil {
		return "", diags
	}
	return p.ID, diags
}

// noPartnerWithCode is the detail of a lookup by code that found nothing.
func noPartnerWithCode(code string) string {
	return fmt.Sprintf("No partner has code %q. Codes are compared exactly (case and spaces count): "+
		"check the code in the Servitly console, or use the partner's id instead.", code)
}

func describePartner(p client.Partner) string { return fmt.Sprintf("id %s, name %q", p.ID, p.Name) }

// partnerIdentityModel is servitly_partner's identity, its id, which never changes:
// Terraform and OpenTofu 1.12+ keep it with the state, import it, and query returns it.
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

// setPartnerIdentity sets the identity in every response with state: OpenTofu refuses a read without.
func setPartnerIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil { // the framework passes none only when the resource has no identity schema
		return nil
	}
	return identity.Set(ctx, partnerIdentityModel{ID: types.StringValue(id)})
}

// importIDFrom returns the import ID, or else the id of the import block's identity (ids only).
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
