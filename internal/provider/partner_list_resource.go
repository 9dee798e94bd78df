package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

var _ list.ListResourceWithConfigure = &partnerListResource{}

// NewPartnerListResource returns the servitly_partner list resource.
func NewPartnerListResource() list.ListResource { return &partnerListResource{} }

// partnerListResource lists partners for terraform query (resource and import blocks).
type partnerListResource struct{ configuredResource }

func (r *partnerListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partner"
}

func (r *partnerListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := partnerFilterAttributes(func(desc string, validators []validator.String) listschema.Attribute {
		return listschema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: validators}
	})
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the partners of the tenant for `terraform query` (Terraform 1.14 and later), " +
			"so `terraform query -generate-config-out=partners.tf` writes a `servitly_partner` resource block and an " +
			"`import` block by identity for each. Filters combine with AND and use the same forms as the " +
			"`servitly_partners` data source; with none, every partner is listed. Pages of " +
			"`GET /v2/network/partners` are fetched only while results are wanted, so the list block's `limit` " +
			"(Terraform's default is 100) also bounds the requests. Results are named `Name (code)`. " +
			"Needs the `READ_ALL_PARTNERS` permission.",
		Attributes: attrs,
	}
}

func (r *partnerListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config partnerFilterModel
	diags := req.Config.Get(ctx, &config)
	if diags.HasError() || !r.ready(&diags, "the partners were listed") {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var pushed int64
		for p, err := range r.client.Partners(ctx, config.filter()) {
			if err != nil {
				var diags diag.Diagnostics
				addAPIError(ctx, &diags, "Error listing partners", "Listing partners for the servitly_partner list block", err)
				push(list.ListResult{Diagnostics: diags})
				return
			}
			if !push(partnerListResult(ctx, req, &p)) {
				return
			}
			// Stop at the limit, before the next page is requested.
			if pushed++; req.Limit > 0 && pushed >= req.Limit {
				return
			}
		}
	}
}

// partnerListResult is a partner's identity, display name and, if asked, state.
func partnerListResult(ctx context.Context, req list.ListRequest, p *client.Partner) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = partnerDisplayName(p)
	result.Diagnostics.Append(setIdentity(ctx, result.Identity, p.ID)...)
	if req.IncludeResource {
		state, diags := partnerModelFromAPI(ctx, p, partnerModel{Timeouts: nullTimeouts()})
		result.Diagnostics.Append(diags...)
		result.Diagnostics.Append(result.Resource.Set(ctx, state)...)
	}
	return result
}

// partnerDisplayName is how terraform query shows a partner: "Name (code)", or "Name".
func partnerDisplayName(p *client.Partner) string {
	if p.Code == "" {
		return p.Name
	}
	return fmt.Sprintf("%s (%s)", p.Name, p.Code)
}
