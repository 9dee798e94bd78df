package provider

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

func stringMap(t *testing.T, m map[string]string) types.Map {
	t.Helper()
	v, diags := types.MapValueFrom(context.Background(), types.StringType, m)
	if diags.HasError() {
		t.Fatalf("MapValueFrom: %v", diags)
	}
	return v
}

func someTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectValueMust(
		map[string]attr.Type{"create": types.StringType, "delete": types.StringType},
		map[string]attr.Value{"create": types.StringValue("3m"), "delete": types.StringNull()},
	)}
}

func TestPartnerInputFromModel(t *testing.T) {
	ctx := context.Background()

	t.Run("every field", func(t *testing.T) {
		m := partnerModel{partnerAttributes: partnerAttributes{
			ID:             types.StringValue("p1"),
			Name:           types.StringValue("Dealer"),
			Code:           types.StringValue("IT01"),
			Country:        types.StringValue("Italy"),
			Timezone:       types.StringValue("Europe/Rome"),
			Properties:     stringMap(t, map[string]string{"region": "north", "tier": "gold"}),
			OrganizationID: types.StringValue("o1"),
			CustomerCount:  types.Int64Value(9),
		}}
		in, diags := partnerInputFromModel(ctx, m)
		if diags.HasError() {
			t.Fatal(diags)
		}
		if in.Name != "Dealer" || in.Code != "IT01" || in.Country != "Italy" || in.Timezone != "Europe/Rome" ||
			in.Organization == nil || in.Organization.ID != "o1" ||
			len(in.Properties) != 2 || in.Properties["region"] != "north" || in.Properties["tier"] != "gold" {
			t.Errorf("input = %+v", in)
		}
		body, _ := json.Marshal(in)
		if want := `{"name":"Dealer","code":"IT01","country":"Italy","timezone":"Europe/Rome","properties":{"region":"north","tier":"gold"},"organization":{"id":"o1"}}`; string(body) != want {
			t.Errorf("body = %s, want %s (no id, customerCount or creationTimestamp)", body, want)
		}
	})

	for name, props := range map[string]types.Map{
		"null properties":    types.MapNull(types.StringType),
		"empty properties":   stringMap(t, map[string]string{}),
		"unknown properties": types.MapUnknown(types.StringType),
	} {
		t.Run("null fields with "+name, func(t *testing.T) {
			m := partnerModel{partnerAttributes: partnerAttributes{
				Name:           types.StringValue("Dealer"),
				Code:           types.StringNull(),
				Country:        types.StringNull(),
				Timezone:       types.StringNull(),
				Properties:     props,
				OrganizationID: types.StringNull(),
			}}
			in, diags := partnerInputFromModel(ctx, m)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if in.Properties == nil || len(in.Properties) != 0 {
				t.Errorf("properties = %#v, want an empty, non-nil map", in.Properties)
			}
			if in.Organization != nil {
				t.Errorf("organization = %+v, want nil", in.Organization)
			}
			// As an update sends it: cleared, so that a merging server clears it too.
			body, _ := json.Marshal(in)
			if want := `{"name":"Dealer","code":"","country":"","timezone":"","properties":{},"organization":null}`; string(body) != want {
				t.Errorf("body = %s, want %s", body, want)
			}
		})
	}

	t.Run("a null property value is an error", func(t *testing.T) {
		props := types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringNull()})
		_, diags := partnerInputFromModel(ctx, partnerModel{partnerAttributes: partnerAttributes{Name: types.StringValue("x"), Properties: props}})
		if !diags.HasError() {
			t.Error("no error for a null element")
		}
	})
}

func TestPartnerModelFromAPI(t *testing.T) {
	ctx := context.Background()

	t.Run("every field", func(t *testing.T) {
		p := &client.Partner{ID: "p1", Name: "Dealer", Code: "IT01", Country: "Italy", Timezone: "Europe/Rome",
			Properties: map[string]string{"region": "north"}, Organization: &client.Ref{ID: "o1"},
			CustomerCount: 4, CreationTimestamp: 1700000000000}
		prior := partnerModel{partnerAttributes: partnerAttributes{Properties: types.MapNull(types.StringType)}, Timeouts: someTimeouts()}
		m, diags := partnerModelFromAPI(ctx, p, prior)
		if diags.HasError() {
			t.Fatal(diags)
		}
		want := partnerModel{
			partnerAttributes: partnerAttributes{
				ID: types.StringValue("p1"), Name: types.StringValue("Dealer"), Code: types.StringValue("IT01"),
				Country: types.StringValue("Italy"), Timezone: types.StringValue("Europe/Rome"),
				Properties:     stringMap(t, map[string]string{"region": "north"}),
				OrganizationID: types.StringValue("o1"), CustomerCount: types.Int64Value(4),
				CreationTimestamp: types.Int64Value(1700000000000),
			},
			Timeouts: someTimeouts(),
		}
		assertModel(t, m, want)
	})

	t.Run("empty strings become null", func(t *testing.T) {
		p := &client.Partner{ID: "p1", Name: "Dealer", Organization: &client.Ref{ID: ""}}
		m, diags := partnerModelFromAPI(ctx, p, partnerModel{partnerAttributes: partnerAttributes{Properties: types.MapNull(types.StringType)}})
		if diags.HasError() {
			t.Fatal(diags)
		}
		for name, v := range map[string]types.String{"code": m.Code, "country": m.Country, "timezone": m.Timezone, "organization_id": m.OrganizationID} {
			if !v.IsNull() {
				t.Errorf("%s = %s, want null", name, v)
			}
		}
		if m.CustomerCount != types.Int64Value(0) || m.CreationTimestamp != types.Int64Value(0) {
			t.Errorf("counts = %s, %s; want known zeros", m.CustomerCount, m.CreationTimestamp)
		}
		if m.ID.ValueString() != "p1" || m.Name.ValueString() != "Dealer" {
			t.Errorf("model = %+v", m)
		}
	})

	empty := stringMap(t, map[string]string{})
	null := types.MapNull(types.StringType)
	unknown := types.MapUnknown(types.StringType)
	some := map[string]string{"a": "1"}
	cases := []struct {
		name  string
		api   map[string]string
		prior types.Map
		want  types.Map
	}{
		// State always holds a map: the schema's default makes an omitted
		// properties {} in every plan, so "none" is {} whatever was written.
		{"API nil, prior null", nil, null, empty},
		{"API {}, prior null", map[string]string{}, null, empty},
		{"API nil, prior {}", nil, empty, empty},
		{"API {}, prior {}", map[string]string{}, empty, empty},
		{"API {}, prior unknown", map[string]string{}, unknown, empty},
		{"API {}, prior non-empty", map[string]string{}, stringMap(t, some), empty},
		{"API non-empty, prior null", some, null, stringMap(t, some)},
		{"API non-empty, prior {}", some, empty, stringMap(t, some)},
		{"API non-empty, prior unknown", some, unknown, stringMap(t, some)},
	}
	for _, tc := range cases {
		t.Run("properties: "+tc.name, func(t *testing.T) {
			m, diags := partnerModelFromAPI(ctx, &client.Partner{ID: "p1", Properties: tc.api}, partnerModel{partnerAttributes: partnerAttributes{Properties: tc.prior}})
			if diags.HasError() {
				t.Fatal(diags)
			}
			if !m.Properties.Equal(tc.want) {
				t.Errorf("properties = %s, want %s", m.Properties, tc.want)
			}
		})
	}

	t.Run("timeouts come from the prior value", func(t *testing.T) {
		prior := partnerModel{partnerAttributes: partnerAttributes{Properties: null}, Timeouts: someTimeouts()}
		m, _ := partnerModelFromAPI(ctx, &client.Partner{ID: "p1"}, prior)
		if !m.Timeouts.Equal(someTimeouts()) {
			t.Errorf("timeouts = %s, want the prior's", m.Timeouts)
		}
		m, _ = partnerModelFromAPI(ctx, &client.Partner{ID: "p1"}, partnerModel{partnerAttributes: partnerAttributes{Properties: null}})
		if !m.Timeouts.Equal(timeouts.Value{}) {
			t.Errorf("timeouts = %s, want the prior's zero value", m.Timeouts)
		}
	})
}

// TestPartnerModelRoundTrip: a plan sent to an API that stores it verbatim
// comes back as the same model, whichever way "none" was written.
func TestPartnerModelRoundTrip(t *testing.T) {
	ctx := context.Background()
	strs := []types.String{types.StringNull(), types.StringValue("v")}
	// Plans never hold null properties: the schema's default is {}.
	maps := []types.Map{stringMap(t, map[string]string{}), stringMap(t, map[string]string{"k": "v"})}
	for _, code := range strs {
		for _, org := range strs {
			for _, props := range maps {
				plan := partnerModel{
					partnerAttributes: partnerAttributes{
						Name: types.StringValue("n"), Code: code, Country: code, Timezone: org,
						Properties: props, OrganizationID: org,
					},
					Timeouts: someTimeouts(),
				}
				in, diags := partnerInputFromModel(ctx, plan)
				if diags.HasError() {
					t.Fatal(diags)
				}
				// The server echoes what it got, through JSON as on the wire.
				body, _ := json.Marshal(in)
				var p client.Partner
				if err := json.Unmarshal(body, &p); err != nil {
					t.Fatal(err)
				}
				p.ID, p.CustomerCount, p.CreationTimestamp = "p1", 2, 1700000000000
				got, diags := partnerModelFromAPI(ctx, &p, plan)
				if diags.HasError() {
					t.Fatal(diags)
				}
				want := plan
				want.ID, want.CustomerCount, want.CreationTimestamp = types.StringValue("p1"), types.Int64Value(2), types.Int64Value(1700000000000)
				assertModel(t, got, want)
			}
		}
	}
}

func assertModel(t *testing.T, got, want partnerModel) {
	t.Helper()
	check := func(name string, g, w attr.Value) {
		if !g.Equal(w) {
			t.Errorf("%s = %s, want %s", name, g, w)
		}
	}
	check("id", got.ID, want.ID)
	check("name", got.Name, want.Name)
	check("code", got.Code, want.Code)
	check("country", got.Country, want.Country)
	check("timezone", got.Timezone, want.Timezone)
	check("properties", got.Properties, want.Properties)
	check("organization_id", got.OrganizationID, want.OrganizationID)
	check("customer_count", got.CustomerCount, want.CustomerCount)
	check("creation_timestamp", got.CreationTimestamp, want.CreationTimestamp)
	check("timeouts", got.Timeouts, want.Timeouts)
}

func TestKeptAfterRemoval(t *testing.T) {
	kept := client.Partner{ID: "p1", Name: "n", Code: "C", Country: "Italy", Timezone: "Europe/Rome",
		Properties: client.Properties{"a": "1", "b": "2"}, Organization: &client.Ref{ID: "o1"}}
	var got []string
	for _, d := range keptAfterRemoval(client.PartnerInput{Name: "n", Properties: map[string]string{"a": "1"}}, &kept) {
		value := regexp.MustCompile(`still holds (".*?"):`).FindStringSubmatch(d.Detail())
		at, ok := d.(diag.DiagnosticWithPath)
		if d.Summary() != "Servitly kept a removed value" || len(value) != 2 || !ok {
			t.Fatalf("diagnostic %q: %s", d.Summary(), d.Detail())
		}
		got = append(got, at.Path().String()+"="+value[1])
	}
	want := `code="C" country="Italy" timezone="Europe/Rome" properties["b"]="2" organization_id="o1"`
	if strings.Join(got, " ") != want {
		t.Errorf("kept = %s, want %s", strings.Join(got, " "), want)
	}
	cleared := client.Partner{ID: "p1", Name: "n", Properties: client.Properties{"a": "1"}}
	if k := keptAfterRemoval(client.PartnerInput{Name: "n", Properties: map[string]string{"a": "1"}}, &cleared); len(k) != 0 {
		t.Errorf("an answer that cleared everything reports %v", k)
	}
}

func TestValidatePropertyValues(t *testing.T) {
	props := types.MapValueMust(types.StringType, map[string]attr.Value{"ok": types.StringValue("v"), "z": types.StringNull(), "a": types.StringNull()})
	diags := validatePropertyValues(props)
	if len(diags) != 2 || !strings.Contains(diags[0].Detail(), `properties["a"] is null`) || !strings.Contains(diags[1].Detail(), `properties["z"]`) {
		t.Errorf("diagnostics = %v, want one per null key, in key order", diags)
	}
	for _, fine := range []types.Map{types.MapNull(types.StringType), types.MapUnknown(types.StringType), stringMap(t, map[string]string{"k": ""})} {
		if d := validatePropertyValues(fine); d.HasError() {
			t.Errorf("%s: %v", fine, d)
		}
	}
}
