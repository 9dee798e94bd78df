package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// partnerModel is servitly_partner in Terraform. Null versus empty:
//   - code, country, timezone, organization_id: the API's "" is null. Null
//     is left out of a create and sent as "" (organization null) in an
//     update, which clears it; config cannot hold "" (validators refuse it).
//   - properties: the API does not tell null from {}. State always holds a
//     map, {} when there are none, and the schema's default makes an omitted
//     properties {} too, so switching between the two plans nothing.
type partnerModel struct {
	partnerAttributes
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

// partnerAttributes are a partner's attributes, shared with the data sources.
type partnerAttributes struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Code              types.String `tfsdk:"code"`
	Country           types.String `tfsdk:"country"`
	Timezone          types.String `tfsdk:"timezone"`
	Properties        types.Map    `tfsdk:"properties"`
	OrganizationID    types.String `tfsdk:"organization_id"`
	CustomerCount     types.Int64  `tfsdk:"customer_count"`
	CreationTimestamp types.Int64  `tfsdk:"creation_timestamp"`
}

// partnerInputFromModel builds the create/update body from a plan.
func partnerInputFromModel(ctx context.Context, m partnerModel) (client.PartnerInput, diag.Diagnostics) {
	in := client.PartnerInput{
		Name:       m.Name.ValueString(),
		Code:       m.Code.ValueString(),
		Country:    m.Country.ValueString(),
		Timezone:   m.Timezone.ValueString(),
		Properties: map[string]string{},
	}
	if id := m.OrganizationID.ValueString(); id != "" {
		in.Organization = &client.Ref{ID: id}
	}
	var diags diag.Diagnostics
	if !m.Properties.IsNull() && !m.Properties.IsUnknown() {
		diags = m.Properties.ElementsAs(ctx, &in.Properties, false)
	}
	return in, diags
}

// knownPartner is the partner state holds, for the refresh to check list
// entries against; nil right after an import, which knows the id alone.
func knownPartner(ctx context.Context, state partnerModel) *client.Partner {
	if state.Name.IsNull() {
		return nil
	}
	in, _ := partnerInputFromModel(ctx, state)
	p := in.Partner()
	return &p
}

// partnerModelFromAPI builds state from an API answer; prior supplies deletion_protection and timeouts.
func partnerModelFromAPI(ctx context.Context, p *client.Partner, prior partnerModel) (partnerModel, diag.Diagnostics) {
	m := partnerModel{
		partnerAttributes: partnerAttributes{
			ID:                types.StringValue(p.ID),
			Name:              types.StringValue(p.Name),
			Code:              stringOrNull(p.Code),
			Country:           stringOrNull(p.Country),
			Timezone:          stringOrNull(p.Timezone),
			OrganizationID:    stringOrNull(p.OrganizationID()),
			CustomerCount:     types.Int64Value(int64(p.CustomerCount)),
			CreationTimestamp: types.Int64Value(int64(p.CreationTimestamp)),
		},
		DeletionProtection: prior.DeletionProtection,
		Timeouts:           prior.Timeouts,
	}
	props := map[string]string{} // {} when there are none, never null
	maps.Copy(props, p.Properties)
	var diags diag.Diagnostics
	m.Properties, diags = types.MapValueFrom(ctx, types.StringType, props)
	return m, diags
}

// keptAfterRemoval reports what the plan removes but the update's answer
// still holds, as a server that merges updates would keep it.
func keptAfterRemoval(in client.PartnerInput, p *client.Partner) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, d := range in.Diff(*p) {
		if _, sentKey := in.Properties[d.Key]; d.Value != "" || d.Other == "" || d.Field == "properties" && sentKey {
			continue // changed, not kept: only what the update sent empty or left out counts
		}
		at, sent := path.Root(d.Field), `""`
		switch d.Field {
		case "properties":
			at, sent = at.AtMapKey(d.Key), "left out of properties"
		case "organization_id":
			sent = "organization null"
		}
		diags.AddAttributeError(at, "Servitly kept a removed value",
			fmt.Sprintf("The configuration removes %s, and the update sent it cleared (%s), but Servitly's answer still holds %q: "+
				"this API keeps values that an update leaves empty. The state records the value Servitly holds, so the next plan "+
				"shows the change again. Clear the value in the Servitly console, or keep it in the configuration.", at, sent, d.Other))
	}
	return diags
}

// validatePropertyValues refuses null property values at plan time, naming
// the key: the API has no null property, and apply could not send one.
func validatePropertyValues(props types.Map) diag.Diagnostics {
	var diags diag.Diagnostics
	if props.IsNull() || props.IsUnknown() {
		return diags
	}
	for _, key := range slices.Sorted(maps.Keys(props.Elements())) {
		if props.Elements()[key].IsNull() {
			diags.AddAttributeError(path.Root("properties").AtMapKey(key), "Null property value",
				fmt.Sprintf("properties[%q] is null. Servitly properties are strings: set a value, or remove the key to leave the property unset.", key))
		}
	}
	return diags
}
