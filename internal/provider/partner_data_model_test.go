package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// The data sources document null properties for a partner without any,
// whether the API sent {} or nothing.
func TestPartnerDataFromAPI_propertiesNullWhenNone(t *testing.T) {
	for name, props := range map[string]map[string]string{"missing": nil, "empty": {}} {
		m, diags := partnerDataFromAPI(context.Background(), &client.Partner{ID: "a1", Name: "n", Properties: props})
		if diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		if !m.Properties.IsNull() {
			t.Errorf("%s properties: got %v, want null", name, m.Properties)
		}
		if !m.Code.IsNull() || !m.OrganizationID.IsNull() {
			t.Errorf("%s: empty code and organization should be null, got %v and %v", name, m.Code, m.OrganizationID)
		}
	}
}

func TestPartnerDataFromAPI_everyAttribute(t *testing.T) {
	p := &client.Partner{ID: "a1", Name: "Rossi", Code: "P1", Country: "Italy", Timezone: "Europe/Rome",
		Properties: map[string]string{"tier": "gold"}, Organization: &client.Ref{ID: "o1"}, CustomerCount: 3, CreationTimestamp: 1700000000000}
	m, diags := partnerDataFromAPI(context.Background(), p)
	if diags.HasError() {
		t.Fatal(diags)
	}
	props, _ := types.MapValueFrom(context.Background(), types.StringType, map[string]string{"tier": "gold"})
	want := partnerAttributes{
		ID: types.StringValue("a1"), Name: types.StringValue("Rossi"), Code: types.StringValue("P1"),
		Country: types.StringValue("Italy"), Timezone: types.StringValue("Europe/Rome"), Properties: props,
		OrganizationID: types.StringValue("o1"), CustomerCount: types.Int64Value(3), CreationTimestamp: types.Int64Value(1700000000000),
	}
	if !m.ID.Equal(want.ID) || !m.Name.Equal(want.Name) || !m.Code.Equal(want.Code) || !m.Country.Equal(want.Country) ||
		!m.Timezone.Equal(want.Timezone) || !m.Properties.Equal(want.Properties) || !m.OrganizationID.Equal(want.OrganizationID) ||
		!m.CustomerCount.Equal(want.CustomerCount) || !m.CreationTimestamp.Equal(want.CreationTimestamp) {
		t.Errorf("partnerDataFromAPI:\n got %+v\nwant %+v", m, want)
	}
}

// A 403's advice names the permission the client says its request needs.
func TestStatusHintNamesPermission(t *testing.T) {
	for permission, want := range map[string]string{
		"READ_ALL_PARTNERS":              "lacks a permission: this request needs READ_ALL_PARTNERS. An API key's",
		"READ_PARTNER and WRITE_PARTNER": "this request needs READ_PARTNER and WRITE_PARTNER.",
		"":                               "lacks a permission. An API key's",
	} {
		hint := errorHint(fmt.Errorf("wrapped: %w", &client.APIError{Method: "GET", Path: "/x", StatusCode: 403, Permission: permission}))
		if !strings.Contains(hint, want) {
			t.Errorf("hint for %q = %q, want it to contain %q", permission, hint, want)
		}
	}
}
