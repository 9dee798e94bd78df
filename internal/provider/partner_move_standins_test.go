package provider

import (
	"context"
	"encoding/json"
	"math/big"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Stand-ins for the generic REST providers that users move partners from:
// Mastercard's restapi (restapi_object) and magodo's restful
// (restful_resource). The real ones cannot be downloaded here, so these
// serve the same type names under the same addresses, with the attributes
// of their states that the move reads. Neither calls any API: create adopts
// a partner that already exists, whose id the configuration gives
// (restapi's object_id, restful's read_path), and records answer(id) as
// the last answer, as the real providers record the server's.

// standInAddresses are the stand-ins' registry addresses, without host.
var standInAddresses = map[string]func(answer func(id string) string) fwprovider.Provider{
	"mastercard/restapi": func(answer func(string) string) fwprovider.Provider {
		return &standInProvider{typeName: "restapi", resource: func() resource.Resource { return &restapiObject{answer: answer} }}
	},
	"magodo/restful": func(answer func(string) string) fwprovider.Provider {
		return &standInProvider{typeName: "restful", resource: func() resource.Resource { return &restfulResource{answer: answer} }}
	},
}

// serveStandIns serves the stand-ins in-process until stop is called and
// returns the TF_REATTACH_PROVIDERS value under which Terraform (registry.terraform.io)
// and OpenTofu (registry.opentofu.org) find them. A CLI command shuts down
// the plugins it used, so each command needs its own.
func serveStandIns(t *testing.T, answer func(id string) string) (reattach string, stop func()) {
	t.Helper()
	type addr struct{ Network, String string }
	type config struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            addr
	}
	configs := map[string]config{}
	var stops []func()
	stop = func() {
		for _, s := range stops {
			s()
		}
	}
	for address, newProvider := range standInAddresses {
		ctx, cancel := context.WithCancel(context.Background())
		reattachCh, closeCh := make(chan *plugin.ReattachConfig), make(chan struct{})
		server := providerserver.NewProtocol6(newProvider(answer))
		go func() {
			err := tf6server.Serve(address, func() tfprotov6.ProviderServer { return server() },
				tf6server.WithDebug(ctx, reattachCh, closeCh), tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
				tf6server.WithoutLogStderrOverride(), tf6server.WithLoggingSink(t))
			if err != nil {
				t.Errorf("serving stand-in %s: %v", address, err)
			}
		}()
		stops = append(stops, func() { cancel(); <-closeCh })
		var c *plugin.ReattachConfig
		select {
		case c = <-reattachCh:
		case <-time.After(10 * time.Second):
		}
		if c == nil {
			stop()
			t.Fatalf("stand-in %s did not start", address)
		}
		for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
			configs[host+"/"+address] = config{Protocol: string(c.Protocol), ProtocolVersion: c.ProtocolVersion, Pid: c.Pid,
				Test: c.Test, Addr: addr{Network: c.Addr.Network(), String: c.Addr.String()}}
		}
	}
	b, err := json.Marshal(configs)
	if err != nil {
		stop()
		t.Fatal(err)
	}
	return string(b), stop
}

type standInProvider struct {
	typeName string
	resource func() resource.Resource
}

func (p *standInProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = p.typeName
}

func (p *standInProvider) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {
}

func (p *standInProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (p *standInProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{p.resource}
}

func (p *standInProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// restapiObject is restapi_object: path, the JSON data sent, and the last
// answer as api_response and, flattened to strings, api_data.
type restapiObject struct{ answer func(string) string }

type restapiObjectModel struct {
	ID          types.String `tfsdk:"id"`
	Path        types.String `tfsdk:"path"`
	ObjectID    types.String `tfsdk:"object_id"`
	Data        types.String `tfsdk:"data"`
	APIData     types.Map    `tfsdk:"api_data"`
	APIResponse types.String `tfsdk:"api_response"`
}

func (r *restapiObject) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object"
}

func (r *restapiObject) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":           schema.StringAttribute{Computed: true},
		"path":         schema.StringAttribute{Required: true},
		"object_id":    schema.StringAttribute{Optional: true},
		"data":         schema.StringAttribute{Required: true},
		"api_data":     schema.MapAttribute{Computed: true, ElementType: types.StringType},
		"api_response": schema.StringAttribute{Computed: true},
	}}
}

func (r *restapiObject) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m restapiObjectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.ObjectID
	m.APIResponse, m.APIData = types.StringNull(), types.MapNull(types.StringType)
	if answer := r.answer(m.ID.ValueString()); answer != "" {
		var fields map[string]any
		_ = json.Unmarshal([]byte(answer), &fields)
		flat := map[string]attr.Value{}
		for k, v := range fields {
			if s, ok := v.(string); ok {
				flat[k] = types.StringValue(s)
			}
		}
		m.APIResponse, m.APIData = types.StringValue(answer), types.MapValueMust(types.StringType, flat)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *restapiObject) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *restapiObject) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state restapiObjectModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	plan.ID, plan.APIData, plan.APIResponse = state.ID, state.APIData, state.APIResponse
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *restapiObject) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// restfulResource is restful_resource: id is the path it reads, body and
// output are dynamic values.
type restfulResource struct{ answer func(string) string }

type restfulResourceModel struct {
	ID       types.String  `tfsdk:"id"`
	Path     types.String  `tfsdk:"path"`
	ReadPath types.String  `tfsdk:"read_path"`
	Body     types.Dynamic `tfsdk:"body"`
	Output   types.Dynamic `tfsdk:"output"`
}

func (r *restfulResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource"
}

func (r *restfulResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":        schema.StringAttribute{Computed: true},
		"path":      schema.StringAttribute{Required: true},
		"read_path": schema.StringAttribute{Optional: true},
		"body":      schema.DynamicAttribute{Required: true},
		"output":    schema.DynamicAttribute{Computed: true},
	}}
}

func (r *restfulResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m restfulResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID, m.Output = m.Path, types.DynamicNull()
	if !m.ReadPath.IsNull() {
		m.ID = m.ReadPath
	}
	if answer := r.answer(path.Base(m.ID.ValueString())); answer != "" {
		var doc any
		d := json.NewDecoder(strings.NewReader(answer))
		d.UseNumber()
		_ = d.Decode(&doc)
		m.Output = types.DynamicValue(jsonAttrValue(doc))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *restfulResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *restfulResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state restfulResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	plan.ID, plan.Output = state.ID, state.Output
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *restfulResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// jsonAttrValue is a decoded JSON document as a Terraform value (objects as
// objects, numbers as numbers); null members are left out.
func jsonAttrValue(v any) attr.Value {
	switch v := v.(type) {
	case string:
		return types.StringValue(v)
	case bool:
		return types.BoolValue(v)
	case json.Number:
		f, _, _ := big.ParseFloat(v.String(), 10, 512, big.ToNearestEven)
		return types.NumberValue(f)
	case []any:
		elems, typs := make([]attr.Value, len(v)), make([]attr.Type, len(v))
		for i, e := range v {
			elems[i] = jsonAttrValue(e)
			typs[i] = elems[i].Type(context.Background())
		}
		return types.TupleValueMust(typs, elems)
	case map[string]any:
		attrs, typs := map[string]attr.Value{}, map[string]attr.Type{}
		for k, e := range v {
			if e != nil {
				attrs[k] = jsonAttrValue(e)
				typs[k] = attrs[k].Type(context.Background())
			}
		}
		return types.ObjectValueMust(typs, attrs)
	}
	return types.DynamicNull()
}
