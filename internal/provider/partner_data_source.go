package provider

import (
	"context"
	"fmt"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure        = &partnerDataSource{}
	_ datasource.DataSourceWithConfigValidators = &partnerDataSource{}
)

// NewPartnerDataSource returns the servitly_partner data source.
func NewPartnerDataSource() datasource.DataSource { return &partnerDataSource{} }

type partnerDataSource struct{ configuredDataSource }

// partnerDataSourceModel is one partner plus the data source's timeouts.
type partnerDataSourceModel struct {
	partnerAttributes
	Timeouts dstimeouts.Value `tfsdk:"timeouts"`
}

func (d *partnerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner"
}

func (d *partnerDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := partnerDataAttributes()
	attrs["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Id of the partner to read. Set exactly one of `id` and `code`.",
		Validators:          []validator.String{notBlank},
	}
	attrs["code"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Business code of the partner to find, such as `P000123`, compared exactly. " +
			"Set exactly one of `id` and `code`. Codes are not unique in Servitly: " +
			"when several partners share the code, the data source fails and lists them.",
		Validators: []validator.String{notBlank},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one existing partner, by `id` or by `code`, for example to refer to a partner " +
			"created in the Servitly console, or to find the id to import it by. Listing partners by code needs " +
			"the `READ_ALL_PARTNERS` permission; reading by id needs `READ_PARTNER`.",
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": dstimeouts.Block(ctx)},
	}
}

func (d *partnerDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("code")),
	}
}

func (d *partnerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config partnerDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics, "this data source was read") {
		return
	}
	ctx, cancel := startOperation(ctx, config.Timeouts.Object, "read", defaultReadTimeout)
	defer cancel()
	if p := d.find(ctx, config.ID.ValueString(), config.Code.ValueString(), &resp.Diagnostics); p != nil {
		state, diags := partnerDataFromAPI(ctx, p)
		resp.Diagnostics.Append(diags...)
		resp.Diagnostics.Append(resp.State.Set(ctx, partnerDataSourceModel{partnerAttributes: state, Timeouts: config.Timeouts})...)
	}
}

// find reads the partner by id, or else finds it by code; nil after an error.
func (d *partnerDataSource) find(ctx context.Context, id, code string, diags *diag.Diagnostics) *client.Partner {
	if id == "" {
		matches, err := d.client.FindPartners(ctx, client.PartnerFilter{Code: code})
		if err != nil {
			addAPIError(ctx, diags, "Error listing partners", fmt.Sprintf("Looking up partners with code %q", code), err)
			return nil
		}
		return theOne(diags, lookup{at: path.Root("code"), noun: "partner", key: "code", value: code,
			notFound: noPartnerWithCode(code), pick: "Set id instead of code to pick one, or make the codes unique in the Servitly console."},
			matches, describePartner)
	}
	p, err := d.client.GetPartner(ctx, id)
	switch {
	case client.IsNotFound(err):
		diags.AddAttributeError(path.Root("id"), "Partner not found",
			fmt.Sprintf("No partner has id %q. Check the id in the Servitly console, or look the partner up by code instead.", id))
	case err != nil:
		addAPIError(ctx, diags, "Error reading partner", fmt.Sprintf("Reading partner %s", id), err)
	}
	return p
}

// partnerDataFromAPI is the resource's conversion, but a partner without
// properties gets null properties, as documented on the data sources.
func partnerDataFromAPI(ctx context.Context, p *client.Partner) (partnerAttributes, diag.Diagnostics) {
	m, diags := partnerModelFromAPI(ctx, p, partnerModel{})
	if len(p.Properties) == 0 {
		m.Properties = types.MapNull(types.StringType)
	}
	return m.partnerAttributes, diags
}

// partnerDataAttributes is a partner's data source schema, all computed; callers add lookup keys.
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
