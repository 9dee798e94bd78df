package provider

import (
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
