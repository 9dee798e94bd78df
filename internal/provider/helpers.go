package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// stringOrNull is the API's empty string as null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// nullTimeouts is an absent timeouts block, which generated configuration leaves out.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// getAttributes reads named attributes with a state's, plan's or config's
// GetAttribute: cheaper than a Get of the whole model, in every command.
func getAttributes(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, targets map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, target := range targets {
		diags.Append(get(ctx, path.Root(name), target)...)
	}
	return diags
}

// hclString quotes s as an HCL string literal.
func hclString(s string) string {
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(strconv.Quote(s))
}

// plural counts n of noun: "1 customer", "2 customers".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
