package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// partnerFilterModel is the filter of the servitly_partners data source and
// of the servitly_partner list resource: the same attributes, the same forms.
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

// partnerFilterAttributes builds the filter attributes for either kind of
// schema; attr makes one optional string attribute of that kind.
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

func (m partnerFilterModel) filter() partnerFilter {
	return partnerFilter{
		PartnerFilter: client.PartnerFilter{
			Name:        m.Name.ValueString(),
			Code:        m.Code.ValueString(),
			Country:     m.Country.ValueString(),
			SearchText:  m.SearchText.ValueString(),
			SearchField: m.SearchField.ValueString(),
		},
		OrganizationID: m.OrganizationID.ValueString(),
	}
}

// partnerFilter is a partner list's filter: what the API is asked for, plus
// OrganizationID, which the API documents no filter for and is therefore
// applied by the provider alone.
type partnerFilter struct {
	client.PartnerFilter
	OrganizationID string
}

// rejects reports whether p belongs to another organization than the one
// the filter asks for. The client applies the API's own filters.
func (f partnerFilter) rejects(p client.Partner) bool {
	return f.OrganizationID != "" && p.OrganizationID() != f.OrganizationID
}

// partners yields the partners f selects, each with every field, and an
// error once, last. Without an API filter they are read lazily, a page at
// a time, so a consumer that stops early stops the paging; an API filter
// goes through client.FindPartners, which checks how the server reads it.
func (f partnerFilter) partners(ctx context.Context, c *client.Client) iter.Seq2[client.Partner, error] {
	return func(yield func(client.Partner, error) bool) {
		if f.PartnerFilter != (client.PartnerFilter{}) {
			found, err := c.FindPartners(ctx, f.PartnerFilter)
			if err != nil {
				yield(client.Partner{}, err)
				return
			}
			for _, p := range found {
				if !f.rejects(p) && !yield(p, nil) {
					return
				}
			}
			return
		}
		for p, err := range c.StreamPartners(ctx, client.PartnerFilter{}) {
			if err == nil {
				var whole []client.Partner
				if whole, err = c.Complete(ctx, []client.Partner{p}); err == nil {
					p = whole[0]
				}
			}
			if err != nil {
				yield(client.Partner{}, err)
				return
			}
			if !f.rejects(p) && !yield(p, nil) {
				return
			}
		}
	}
}
