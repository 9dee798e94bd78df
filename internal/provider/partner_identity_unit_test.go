package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// importByIdentity is the request of an import block with identity = { id = id }.
func importByIdentity(t *testing.T, id *string) resource.ImportStateRequest {
	t.Helper()
	ctx := context.Background()
	var resp resource.IdentitySchemaResponse
	(&partnerResource{}).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &resp)
	typ := resp.IdentitySchema.Type().TerraformType(ctx)
	var value tftypes.Value
	if id == nil {
		value = tftypes.NewValue(typ, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, nil)})
	} else {
		value = tftypes.NewValue(typ, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, *id)})
	}
	return resource.ImportStateRequest{Identity: &tfsdk.ResourceIdentity{Schema: resp.IdentitySchema, Raw: value}}
}

func TestImportIDFrom(t *testing.T) {
	ctx := context.Background()
	str := func(s string) *string { return &s }
	t.Run("the import ID wins", func(t *testing.T) {
		req := importByIdentity(t, str("6616689a0de6d87b47cd6308"))
		req.ID = "code:P1"
		if got, diags := importIDFrom(ctx, req, partnerIdentityID); diags.HasError() || got != "code:P1" {
			t.Errorf("got %q, %v; want the import ID", got, diags)
		}
	})
	t.Run("the identity's id", func(t *testing.T) {
		if got, diags := importIDFrom(ctx, importByIdentity(t, str("6616689a0de6d87b47cd6308")), partnerIdentityID); diags.HasError() || got != "6616689a0de6d87b47cd6308" {
			t.Errorf("got %q, %v; want the identity's id", got, diags)
		}
	})
	for name, tc := range map[string]struct {
		id   *string
		want string
	}{
		"no id":       {nil, `identity = { id = "`},
		"an empty id": {str(""), `identity = { id = "`},
		"a code":      {str("code:P1"), `id = "code:P1", and leave identity out`},
		"white space": {str("a b"), "white space"},
		"a path":      {str("a/b"), "contains '/'"},
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := importIDFrom(ctx, importByIdentity(t, tc.id), partnerIdentityID)
			if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.want) {
				t.Errorf("diagnostics %v, want an error containing %q", diags, tc.want)
			}
		})
	}
}
