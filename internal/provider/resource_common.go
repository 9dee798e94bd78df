package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// removeGone removes an object that Servitly proved gone from the state, with a warning; noun names it ("partner").
func removeGone(ctx context.Context, resp *resource.ReadResponse, noun, id string) {
	tflog.Warn(ctx, noun+" no longer exists; removing it from state", map[string]any{"id": id})
	resp.Diagnostics.AddWarning(capitalized(noun)+" no longer exists", goneDetail(noun, id))
	resp.State.RemoveResource(ctx)
}

// goneDetail says what removeGone means in each command: Read runs in plan, apply and
// apply -refresh-only alike, and only the last two save the state without the object.
func goneDetail(noun, id string) string {
	return fmt.Sprintf("%[1]s %[2]s was not found in Servitly; it was probably deleted outside Terraform. "+
		"This run goes on without it: while its configuration remains, a plan proposes to create it again. "+
		"A plan saves no state; an apply, or terraform apply -refresh-only, drops the deleted %[3]s from the saved state.\n\n"+
		"If it was deleted on purpose, remove it from the configuration. If it was made again in the Servitly console, "+
		"the new one has another id: run terraform apply -refresh-only first, because an import block does nothing "+
		"while the saved state still holds the deleted %[3]s, then import the new one.", capitalized(noun), id, noun)
}

// updateLocally ends an update that changes only attributes Servitly does not hold, such as
// timeouts: the state takes their planned values, and no request is sent.
func updateLocally(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, id string, local ...string) {
	resp.State.Raw = req.State.Raw.Copy()
	for _, name := range local {
		var value attr.Value
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(name), &value)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), value)...)
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, id)...)
}

// positiveTimeouts is a resource's check of its timeouts block (validateTimeouts).
type positiveTimeouts struct{}

func (positiveTimeouts) Description(context.Context) string {
	return "every timeout set in the timeouts block is a positive duration"
}

func (v positiveTimeouts) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveTimeouts) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var t timeouts.Value
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(validateTimeouts(t.Object)...)
	}
}

// capitalized is s with its first letter upper case, for a summary that starts with a noun.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
