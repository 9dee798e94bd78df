package provider

import (
	"context"
	"fmt"
	"net/http"

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
	_ datasource.DataSourceWithConfigure        = &organizationDataSource{}
	_ datasource.DataSourceWithConfigValidators = &organizationDataSource{}
)

// NewOrganizationDataSource returns the servitly_organization data source.
func NewOrganizationDataSource() datasource.DataSource { return &organizationDataSource{} }

type organizationDataSource struct{ configuredDataSource }

type organizationDataModel struct {
	ID       types.String     `tfsdk:"id"`
	Name     types.String     `tfsdk:"name"`
	Country  types.String     `tfsdk:"country"`
	Timezone types.String     `tfsdk:"timezone"`
	ParentID types.String     `tfsdk:"parent_id"`
	Timeouts dstimeouts.Value `tfsdk:"timeouts"`
}

func organizationDataFromAPI(o *client.Organization, t dstimeouts.Value) organizationDataModel {
	return organizationDataModel{
		ID:       types.StringValue(o.ID),
		Name:     types.StringValue(o.Name),
		Country:  stringOrNull(o.Country),
		Timezone: stringOrNull(o.Timezone),
		ParentID: stringOrNull(o.Parent.IDOrEmpty()),
		Timeouts: t,
	}
}

func (d *organizationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

func (d *organizationDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds an organization (the manufacturer, or one of its sub-organizations) by `name` or `id`, " +
			"so a configuration can set a partner's `organization_id` without copying ids from the console. " +
			"By name it searches `GET /v2/network/organizations`, which needs the `READ_ALL_ORGANIZATIONS` permission " +
			"and shows only what the caller's organization may see; by id it reads the organization, which needs `READ_ORGANIZATION`. " +
			"When the server misreads the `name` filter, the provider walks the organization list once and compares names itself.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Id of the organization to read. Set exactly one of `id` and `name`.",
				Validators:          []validator.String{notBlank},
			},
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Exact name of the organization to find. Set exactly one of `id` and `name`. " +
					"When several organizations have this name, the data source fails and lists them; use `id` then.",
				Validators: []validator.String{notBlank},
			},
			"country":   schema.StringAttribute{Computed: true, MarkdownDescription: "Country of the organization; null when unset."},
			"timezone":  schema.StringAttribute{Computed: true, MarkdownDescription: "IANA time zone of the organization; null when unset."},
			"parent_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Id of the parent organization; null for the root organization."},
		},
		Blocks: map[string]schema.Block{"timeouts": dstimeouts.Block(ctx)},
	}
}

func (d *organizationDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *organizationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config organizationDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics, "this data source was read") {
		return
	}
	ctx, cancel := startOperation(ctx, config.Timeouts.Object, "read", defaultReadTimeout)
	defer cancel()
	if o := d.find(ctx, config.ID.ValueString(), config.Name.ValueString(), &resp.Diagnostics); o != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, organizationDataFromAPI(o, config.Timeouts))...)
	}
}

// find reads the organization by id, or else finds it by name; nil after an error.
func (d *organizationDataSource) find(ctx context.Context, id, name string, diags *diag.Diagnostics) *client.Organization {
	if id == "" {
		matches, err := d.client.FindOrganizations(ctx, name)
		if err != nil {
			addAPIError(ctx, diags, "Error listing organizations", fmt.Sprintf("Looking up organizations named %q", name), err)
			return nil
		}
		return theOne(diags, lookup{at: path.Root("name"), noun: "organization", key: "name", value: name,
			notFound: fmt.Sprintf("No organization visible to the caller is named %q. Names are compared exactly (case and spaces count); "+
				"the list only shows organizations the caller's own organization may see.", name),
			pick: "Set id instead of name to pick one."},
			matches, func(o client.Organization) string {
				return fmt.Sprintf("id %s, country %q, parent %s", o.ID, o.Country, organizationDataFromAPI(&o, dstimeouts.Value{}).ParentID)
			})
	}
	o, err := d.client.GetOrganization(ctx, id)
	switch {
	case client.IsStatus(err, http.StatusNotFound):
		diags.AddAttributeError(path.Root("id"), "Organization not found",
			fmt.Sprintf("%v: no organization has id %q, or the caller may not see it. Check the id, or look the organization up by name.", err, id))
	case err != nil:
		addAPIError(ctx, diags, "Error reading organization", fmt.Sprintf("Reading organization %s", id), err)
	}
	return o
}
