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
)

// idIdentity is a resource's identity, its server-assigned id, which never changes:
// Terraform and OpenTofu 1.12+ keep it with the state, import by it, and query returns it.
type idIdentity struct {
	ID types.String `tfsdk:"id"`
}

// idIdentitySchema is the identity schema of a resource whose objects are called noun.
func idIdentitySchema(noun string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description: fmt.Sprintf("Server-assigned %s id (24 hex characters on Servitly), the same value as the "+
					"resource's `id` attribute.", noun),
			},
		},
	}
}

// setIdentity sets the identity in every response with state: OpenTofu refuses a read without.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if identity == nil { // the framework passes none only when the resource has no identity schema
		return nil
	}
	return identity.Set(ctx, idIdentity{ID: types.StringValue(id)})
}

// importIDFrom returns the import ID, or else the id of the import block's identity, which
// checkID must accept as an id.
func importIDFrom(ctx context.Context, req resource.ImportStateRequest, checkID func(string) error) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var identity idIdentity
	diags := req.Identity.Get(ctx, &identity)
	if diags.HasError() {
		return "", diags
	}
	id := identity.ID.ValueString()
	if identity.ID.IsNull() || identity.ID.IsUnknown() || id == "" {
		diags.AddAttributeError(path.Root("id"), "Missing id in import identity",
			`The import block's identity has no id. Set it to the id Servitly gave the object, as in identity = { id = "6616689a0de6d87b47cd6308" }.`)
	} else if err := checkID(id); err != nil {
		diags.AddAttributeError(path.Root("id"), "Invalid id in import identity", err.Error())
	}
	return id, diags
}

// checkImportID refuses only what can never be an id, as ids are opaque; expected says what is.
func checkImportID(raw, expected string) error {
	switch {
	case raw == "":
		return fmt.Errorf("the import ID is empty. %s", expected)
	case !utf8.ValidString(raw):
		return fmt.Errorf("the import ID %q is not valid UTF-8 text. %s", raw, expected)
	case strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return fmt.Errorf("the import ID %q contains white space or control characters. %s", raw, expected)
	case strings.ContainsAny(raw, "/?#") || raw == "." || raw == "..":
		return fmt.Errorf("the import ID %q contains '/', '?' or '#', or is a dot path, which no id is. %s", raw, expected)
	}
	return nil
}
