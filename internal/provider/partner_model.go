package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// partnerModel is servitly_partner in Terraform.
//
// Null versus empty, one rule each way:
//   - code, country, timezone, organization_id: the API's empty string is
//     null in Terraform, and null is sent as an omitted field. Config cannot
//     hold "" (validators reject it), so nothing is lost.
//   - properties: the API does not tell null from {}; both are sent as {}.
//     An empty answer becomes {} when the prior value (plan or state) was a
//     map, and null otherwise, so either way of writing "none" plans clean.
type partnerModel struct {
	partnerAttributes
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// partnerAttributes are the attributes of a partner, shared by the resource
// and the data sources (which have no timeouts).
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

// partnerModelFromAPI builds state from an API answer. prior supplies what
// the API cannot: the form of an empty properties map and the timeouts.
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
		Timeouts: prior.Timeouts,
	}
	if len(p.Properties) == 0 && (prior.Properties.IsNull() || prior.Properties.IsUnknown()) {
		m.Properties = types.MapNull(types.StringType)
		return m, nil
	}
	props, diags := types.MapValueFrom(ctx, types.StringType, nonNilMap(p.Properties))
	m.Properties = props
	return m, diags
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
