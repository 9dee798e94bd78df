package provider

import (
	"cmp"
	"context"
	"slices"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var _ datasource.DataSourceWithConfigure = &partnersDataSource{}

// NewPartnersDataSource returns the servitly_partners data source.
func NewPartnersDataSource() datasource.DataSource { return &partnersDataSource{} }

type partnersDataSource struct {
	client *client.Client
}

type partnersDataModel struct {
	Name        types.String       `tfsdk:"name"`
	Code        types.String       `tfsdk:"code"`
	Country     types.String       `tfsdk:"country"`
	SearchText  types.String       `tfsdk:"search_text"`
	SearchField types.String       `tfsdk:"search_field"`
	Partners    []partnerDataModel `tfsdk:"partners"`
	IDs         []string           `tfsdk:"ids"`
	Timeouts    dstimeouts.Value   `tfsdk:"timeouts"`
}

func (d *partnersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partners"
}

func (d *partnersDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	filter := func(desc string, extra ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: append([]validator.String{notBlank}, extra...)}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the partners of the tenant, optionally filtered, walking every page of " +
			"`GET /v2/network/partners`. Filters combine with AND; with none, every partner is returned. " +
			"Finding nothing is not an error: `partners` and `ids` are then empty lists. Needs the `READ_ALL_PARTNERS` permission.",
		Attributes: map[string]schema.Attribute{
			"name":    filter("Only partners whose name is exactly this (sent as `name=eq;<value>`)."),
			"code":    filter("Only partners whose code is exactly this (sent as `code=<value>`)."),
			"country": filter("Only partners whose country is exactly this, as stored (sent as `country=<value>`)."),
			"search_text": filter("Text search on `search_field`, with the API's `*` wildcards: `foo*` starts with, " +
				"`*foo*` contains, `*foo` ends with; without `*` the whole field must match."),
			"search_field": filter("Field that `search_text` searches. Defaults to `name` when `search_text` is set.",
				stringvalidator.AlsoRequires(path.MatchRoot("search_text"))),
			"partners": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "The matching partners, sorted by name and then id so the order does not depend on the server. " +
					"Each has every attribute of the `servitly_partner` resource; `properties` is null when a partner has none.",
				NestedObject: schema.NestedAttributeObject{Attributes: partnerDataAttributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Ids of the matching partners, in the order of `partners`.",
			},
		},
		Blocks: map[string]schema.Block{"timeouts": dstimeouts.Block(ctx)},
	}
}

func (d *partnersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = configuredClient(req.ProviderData, &resp.Diagnostics)
}

func (d *partnersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var state partnersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !clientReady(d.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := startOperation(ctx, state.Timeouts.Object, "read", defaultReadTimeout)
	defer cancel()
	filter := client.PartnerFilter{
		Name:        state.Name.ValueString(),
		Code:        state.Code.ValueString(),
		Country:     state.Country.ValueString(),
		SearchText:  state.SearchText.ValueString(),
		SearchField: state.SearchField.ValueString(),
	}
	found, err := d.client.ListPartners(ctx, filter)
	if err != nil {
		addAPIError(ctx, &resp.Diagnostics, "Error listing partners", "Listing partners", err)
		return
	}
	found = keepExactMatches(found, partnerFilter{PartnerFilter: filter})
	slices.SortFunc(found, func(a, b client.Partner) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })

	// Empty, not null, when nothing matches: length() and for_each work on it.
	state.Partners = make([]partnerDataModel, 0, len(found))
	state.IDs = make([]string, 0, len(found))
	for i := range found {
		m, diags := partnerDataFromAPI(ctx, &found[i])
		resp.Diagnostics.Append(diags...)
		state.Partners = append(state.Partners, m)
		state.IDs = append(state.IDs, found[i].ID)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// partnerFilter is a partner list's filter: what the API is asked for, plus
// OrganizationID, which the API documents no filter for and is therefore
// applied by the provider alone.
type partnerFilter struct {
	client.PartnerFilter
	OrganizationID string
}

// rejects reports whether p fails one of the exact filters. Applying them
// again means a server that ignores one never hands back partners the
// configuration asked to leave out. The wildcard search is left to the
// server, whose matching rules are its own.
func (f partnerFilter) rejects(p client.Partner) bool {
	return (f.Name != "" && p.Name != f.Name) || (f.Code != "" && p.Code != f.Code) || (f.Country != "" && p.Country != f.Country) ||
		(f.OrganizationID != "" && p.OrganizationID() != f.OrganizationID)
}

// keepExactMatches drops the partners that f rejects.
func keepExactMatches(partners []client.Partner, f partnerFilter) []client.Partner {
	return slices.DeleteFunc(partners, f.rejects)
}
