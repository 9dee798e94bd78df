package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// partnerDataFromAPI is the resource's conversion, but a partner without
// properties gets null properties, as documented on the data sources.
func partnerDataFromAPI(ctx context.Context, p *client.Partner) (partnerAttributes, diag.Diagnostics) {
	m, diags := partnerModelFromAPI(ctx, p, partnerModel{})
	if len(p.Properties) == 0 {
		m.Properties = types.MapNull(types.StringType)
	}
	return m.partnerAttributes, diags
}

// partnerDataAttributes is the data source schema of one partner, every
// attribute computed; callers make the lookup keys optional.
func partnerDataAttributes() map[string]schema.Attribute {
	text := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"id":       text("Partner id (24 hex characters on Servitly)."),
		"name":     text("Display name of the partner."),
		"code":     text("Business code of the partner, such as `P000123`; null when it has none."),
		"country":  text("Country the partner belongs to, as stored in Servitly; null when unset."),
		"timezone": text("IANA time zone name, such as `Europe/Rome`; null when unset."),
		"properties": schema.MapAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "Custom properties of the partner. **Null when the partner has none** (never an empty map).",
		},
		"organization_id": text("Id of the parent organization; null when the partner has none."),
		"customer_count": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "Number of customers associated with the partner, maintained by Servitly.",
		},
		"creation_timestamp": schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "When the partner was created, in milliseconds since the Unix epoch.",
		},
	}
}
