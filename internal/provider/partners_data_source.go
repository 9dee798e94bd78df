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

type partnersDataSource struct{ configuredDataSource }

type partnersDataModel struct {
	partnerFilterModel
	Partners []partnerAttributes `tfsdk:"partners"`
	IDs      []string            `tfsdk:"ids"`
	Timeouts dstimeouts.Value    `tfsdk:"timeouts"`
}

func (d *partnersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partners"
}

func (d *partnersDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := partnerFilterAttributes(func(desc string, validators []validator.String) schema.Attribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: validators}
	})
	attrs["partners"] = schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "The matching partners, sorted by name and then id so the order does not depend on the server. " +
			"Each has every attribute of the `servitly_partner` resource; `properties` is null when a partner has none.",
		NestedObject: schema.NestedAttributeObject{Attributes: partnerDataAttributes()},
	}
	attrs["ids"] = schema.ListAttribute{
		Computed:            true,
		ElementType:         types.StringType,
		MarkdownDescription: "Ids of the matching partners, in the order of `partners`.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the partners of the tenant, optionally filtered, walking every page of " +
			"`GET /v2/network/partners`. Filters combine with AND; with none, every partner is returned. " +
			"Every answer is matched again: a filter the server ignores or misreads is noticed, and the provider then " +
			"walks the list once and matches partners itself; when list entries leave attributes out, each partner " +
			"returned is read with `GET`. " +
			"Finding nothing is not an error: `partners` and `ids` are then empty lists. Needs the `READ_ALL_PARTNERS` permission.",
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": dstimeouts.Block(ctx)},
	}
}

func (d *partnersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var state partnersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics, "this data source was read") {
		return
	}
	ctx, cancel := startOperation(ctx, state.Timeouts.Object, "read", defaultReadTimeout)
	defer cancel()
	// Unfiltered, from the list the refresh loads too: one walk of it per run, not two.
	found, err := d.client.FindPartners(ctx, state.filter())
	if err != nil {
		addAPIError(ctx, &resp.Diagnostics, "Error listing partners", "Listing partners", err)
		return
	}
	slices.SortFunc(found, func(a, b client.Partner) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })

	// Empty, not null, when nothing matches: length() and for_each work on it.
	state.Partners = make([]partnerAttributes, 0, len(found))
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

// partnerFilterModel is the filter of servitly_partners and of the servitly_partner list resource.
type partnerFilterModel struct {
	Name           types.String `tfsdk:"name"`
	Code           types.String `tfsdk:"code"`
	Country        types.String `tfsdk:"country"`
	OrganizationID types.String `tfsdk:"organization_id"`
	SearchText     types.String `tfsdk:"search_text"`
	SearchField    types.String `tfsdk:"search_field"`
}

// partnerFilterDocs describes each filter attribute, for both schemas.
var partnerFilterDocs = map[string]string{
	"name":    "Only partners whose name is exactly this (sent as `name=eq;<value>`).",
	"code":    "Only partners whose code is exactly this (sent as `code=eq;<value>`).",
	"country": "Only partners whose country is exactly this, as stored (sent as `country=eq;<value>`).",
	"organization_id": "Only partners whose parent organization has this id. The API has no such filter, " +
		"so the provider walks the list and keeps the matches itself.",
	"search_text": "Text search on `search_field`, with the API's `*` wildcards: `foo*` starts with, " +
		"`*foo*` contains, `*foo` ends with; without `*` the whole field must match.",
	"search_field": "Field that `search_text` searches. Defaults to `name` when `search_text` is set.",
}

// partnerFilterAttributes builds the filter attributes with attr, for either kind of schema.
func partnerFilterAttributes[A any](attr func(desc string, validators []validator.String) A) map[string]A {
	attrs := make(map[string]A, len(partnerFilterDocs))
	for name, desc := range partnerFilterDocs {
		validators := []validator.String{notBlank}
		if name == "search_field" {
			validators = append(validators, stringvalidator.AlsoRequires(path.MatchRoot("search_text")))
		}
		attrs[name] = attr(desc, validators)
	}
	return attrs
}

func (m partnerFilterModel) filter() client.PartnerFilter {
	return client.PartnerFilter{
		Name:           m.Name.ValueString(),
		Code:           m.Code.ValueString(),
		Country:        m.Country.ValueString(),
		SearchText:     m.SearchText.ValueString(),
		SearchField:    m.SearchField.ValueString(),
		OrganizationID: m.OrganizationID.ValueString(),
	}
}
