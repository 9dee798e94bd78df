package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// providerModel is the provider block.
type providerModel struct {
	BaseURL              types.String `tfsdk:"base_url"`
	Tenant               types.String `tfsdk:"tenant"`
	Token                types.String `tfsdk:"token"`
	APIKey               types.String `tfsdk:"api_key"`
	PAT                  types.String `tfsdk:"pat"`
	Email                types.String `tfsdk:"email"`
	Password             types.String `tfsdk:"password"`
	RetryMaxWait         types.String `tfsdk:"retry_max_wait"`
	RequestTimeout       types.String `tfsdk:"request_timeout"`
	MaxRequestsPerMinute types.Int64  `tfsdk:"max_requests_per_minute"`
	BatchRefresh         types.Bool   `tfsdk:"batch_refresh"`
	DeletionProtection   types.Bool   `tfsdk:"deletion_protection"`
}

func providerSchema() schema.Schema {
	str := func(desc string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Sensitive: sensitive, MarkdownDescription: desc}
	}
	return schema.Schema{
		MarkdownDescription: "The Servitly provider manages the partner network (distributors, dealers, service centres) " +
			"of a [Servitly](https://www.servitly.com) tenant. Every setting can also come from a `SERVITLY_<SETTING>` " +
			"environment variable; a value in the provider block wins over the variable.",
		Attributes: map[string]schema.Attribute{
			"base_url": str("API base URL, including any path prefix. Defaults to `"+client.DefaultBaseURL+"`. "+
				"Must be `https://`; plain `http://` is accepted only for a loopback host such as the local emulator. "+
				"Environment variable: `SERVITLY_BASE_URL`.", false),
			"tenant": str("Tenant (application) name, sent as the `X-Servitly-Tenant` header on every call. Required. "+
				"Environment variable: `SERVITLY_TENANT`.", false),
			"token": str("A JWT you already have, used as the bearer token as is. It cannot be renewed, so prefer "+
				"`api_key` + `pat` for pipelines. Environment variable: `SERVITLY_TOKEN`.", true),
			"api_key": str("API key of the client, needed with `pat` or with `email` + `password`. "+
				"Environment variable: `SERVITLY_API_KEY`.", true),
			"pat": str("Personal access token, used with `api_key` (the recommended login for automation). "+
				"Environment variable: `SERVITLY_PAT`.", true),
			"email": str("Email of the user, used with `api_key` and `password`. Environment variable: `SERVITLY_EMAIL`.", false),
			"password": str("Password of the user, used with `api_key` and `email`. "+
				"Environment variable: `SERVITLY_PASSWORD`.", true),
			"retry_max_wait": str("Longest total time one API call may spend waiting to retry after rate limits (HTTP 429), "+
				"server errors and network errors, as a Go duration such as `90s` or `5m`. Defaults to `5m`; "+
				"the resource's `timeouts` cap it too. Environment variable: `SERVITLY_RETRY_MAX_WAIT`.", false),
			"request_timeout": str("Longest time one HTTP request may take, answer included, as a Go duration such as `30s`. "+
				"A request that runs out is retried within `retry_max_wait` (a create is looked up by code instead of being sent "+
				"again), so a server that never answers cannot stall a run. Defaults to `60s`. "+
				"Environment variable: `SERVITLY_REQUEST_TIMEOUT`.", false),
			"max_requests_per_minute": schema.Int64Attribute{Optional: true, MarkdownDescription: "Paces every request " +
				"of this provider to at most this many per minute, shared by Terraform's parallel operations, so that " +
				"the tenant's rate limit is left to other integrations. Off (0) by default. " +
				"Environment variable: `SERVITLY_MAX_REQUESTS_PER_MINUTE`."},
			"batch_refresh": schema.BoolAttribute{Optional: true, MarkdownDescription: "Refresh `servitly_partner` resources from the paged partner list " +
				"(`GET /v2/network/partners`, 200 partners a request) instead of one `GET` per partner, when that is cheaper: " +
				"a plan of 1000 partners then costs about ten requests instead of 1000. A state of one partner, or a few partners " +
				"in a large tenant, is still read one by one, and a partner missing from the list is confirmed with its own " +
				"`GET` before it is removed from the state. The first partner taken from the list is also read with `GET`, and so is a " +
				"partner whose state holds an attribute that its list entry, and every other entry, leaves empty: if a list entry " +
				"lacks what `GET` answers (a list that serves summaries), the provider warns once and reads partners one by one " +
				"for the rest of the run. Listing needs the `READ_ALL_PARTNERS` permission; without it the " +
				"provider warns once and reads partners one by one. Defaults to `true`. " +
				"Environment variable: `SERVITLY_BATCH_REFRESH`."},
			"deletion_protection": schema.BoolAttribute{Optional: true, MarkdownDescription: "Protects every " +
				"`servitly_partner` that does not set `deletion_protection` itself: a plan that would delete or replace it fails. " +
				"Each partner keeps the value in effect in its state, so the protection still holds once its resource block " +
				"or CSV row is gone. Unset here and in the environment, a partner keeps the value its state holds, and a new " +
				"one is not protected: a run without the variable never lowers the protection an earlier run stored. " +
				"Set `false` to lower it for every partner that does not set its own. Environment variable: `SERVITLY_DELETION_PROTECTION`."},
		},
	}
}

// envLookup is os.LookupEnv; tests pass their own.
var envLookup = os.LookupEnv

// clientConfig resolves the provider block into a client configuration, each
// problem on its attribute. Unset settings fall back to their environment
// variables, but a login complete in the block ignores credentials there.
func clientConfig(ctx context.Context, m providerModel, lookup func(string) (string, bool)) (client.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg client.Config
	var retryMaxWait, requestTimeout string
	settings := []struct {
		name       string
		block      types.String
		value      *string
		credential bool
	}{
		{"base_url", m.BaseURL, &cfg.BaseURL, false},
		{"tenant", m.Tenant, &cfg.Tenant, false},
		{"token", m.Token, &cfg.Token, true},
		{"api_key", m.APIKey, &cfg.APIKey, true},
		{"pat", m.PAT, &cfg.PAT, true},
		{"email", m.Email, &cfg.Email, true},
		{"password", m.Password, &cfg.Password, true},
		{"retry_max_wait", m.RetryMaxWait, &retryMaxWait, false},
		{"request_timeout", m.RequestTimeout, &requestTimeout, false},
	}
	sources := map[string]string{} // where each value set came from
	for _, s := range settings {
		if s.block.IsUnknown() {
			diags.AddAttributeError(path.Root(s.name), "Unknown value for "+s.name,
				fmt.Sprintf("The provider cannot log in to Servitly because %q depends on a value that is only known after apply. "+
					"Set it to a literal, a variable, or use the %s environment variable.", s.name, client.EnvVar(s.name)))
		} else if !s.block.IsNull() {
			*s.value, sources[s.name] = s.block.ValueString(), "provider block"
		}
	}
	_, blockLoginErr := client.LoginFlowOf(cfg, sources)
	var ignored []string
	for _, s := range settings {
		switch env, _ := lookup(client.EnvVar(s.name)); {
		case !s.block.IsNull() || env == "":
		case s.credential && blockLoginErr == nil:
			ignored = append(ignored, client.EnvVar(s.name))
		default:
			*s.value, sources[s.name] = env, client.EnvVar(s.name)
		}
	}
	if len(ignored) > 0 {
		tflog.Debug(ctx, "the provider block configures a complete login; ignoring credentials in the environment", map[string]any{"ignored": ignored})
	}
	cfg.RetryMaxWait = durationSetting(&diags, "retry_max_wait", retryMaxWait, "\"90s\" or \"5m\"")
	cfg.RequestTimeout = durationSetting(&diags, "request_timeout", requestTimeout, "\"30s\" or \"2m\"")
	cfg.MaxRequestsPerMinute = requestsPerMinuteSetting(&diags, m.MaxRequestsPerMinute, lookup)
	if diags.HasError() {
		return cfg, diags
	}
	cfg.BaseURL = cmp.Or(cfg.BaseURL, client.DefaultBaseURL)
	if _, err := client.ParseBaseURL(cfg.BaseURL); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid base_url",
			fmt.Sprintf("%s. Set base_url (or %s) to your environment's API address, for example %s.", err, client.EnvVar("base_url"), client.DefaultBaseURL))
	}
	if strings.TrimSpace(cfg.Tenant) == "" {
		diags.AddAttributeError(path.Root("tenant"), "Missing Servitly tenant",
			fmt.Sprintf("Set tenant in the provider block or the %s environment variable to your tenant (application) name.", client.EnvVar("tenant")))
	}
	if _, err := client.LoginFlowOf(cfg, sources); err != nil {
		addLoginConfigError(&diags, err)
	}
	return cfg, diags
}

// durationSetting parses a positive Go duration setting; unset is 0.
func durationSetting(diags *diag.Diagnostics, name, value, examples string) time.Duration {
	if value == "" {
		return 0
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		diags.AddAttributeError(path.Root(name), "Invalid "+name,
			fmt.Sprintf("%q is not a positive Go duration. Use a value such as %s (setting or %s).", value, examples, client.EnvVar(name)))
	}
	return d
}

// scalarSetting resolves a setting that is not a string: the block's value, else its
// environment variable read by parse; not set when unknown or unreadable (reported with fix).
func scalarSetting[T any](diags *diag.Diagnostics, name string, v attr.Value, block T,
	lookup func(string) (string, bool), parse func(string) (T, error), fix string,
) (value T, set bool) {
	switch {
	case v.IsUnknown():
		diags.AddAttributeError(path.Root(name), "Unknown value for "+name,
			fmt.Sprintf("%q must be known when the provider is configured; use a literal or the %s environment variable.", name, client.EnvVar(name)))
		return value, false
	case !v.IsNull():
		return block, true
	}
	s, _ := lookup(client.EnvVar(name))
	if s = strings.TrimSpace(s); s == "" {
		return value, false
	}
	value, err := parse(s)
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Invalid "+client.EnvVar(name), fmt.Sprintf("%s is %q; %s", client.EnvVar(name), s, fix))
	}
	return value, err == nil
}

// boolSetting resolves a true-or-false setting; unset, it is def.
func boolSetting(name string, v types.Bool, lookup func(string) (string, bool), def bool) (bool, diag.Diagnostics) {
	value, diags := boolSettingIfSet(name, v, lookup)
	if value.IsNull() {
		return def, diags
	}
	return value.ValueBool(), diags
}

// boolSettingIfSet resolves a true-or-false setting: null when neither the block nor its variable sets it.
func boolSettingIfSet(name string, v types.Bool, lookup func(string) (string, bool)) (types.Bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if value, set := scalarSetting(&diags, name, v, v.ValueBool(), lookup, strconv.ParseBool, "use true or false."); set {
		return types.BoolValue(value), diags
	}
	return types.BoolNull(), diags
}

func requestsPerMinuteSetting(diags *diag.Diagnostics, v types.Int64, lookup func(string) (string, bool)) int {
	const name = "max_requests_per_minute"
	n, _ := scalarSetting(diags, name, v, v.ValueInt64(), lookup, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) },
		"set it to 0 (off) or a positive whole number of requests per minute.")
	if n < 0 {
		diags.AddAttributeError(path.Root(name), "Invalid "+name,
			fmt.Sprintf("%d must be 0 (off) or a positive number of requests per minute (setting or %s).", n, client.EnvVar(name)))
	}
	return int(n)
}

// loginFlowHelp lists the valid credential combinations.
const loginFlowHelp = "Configure exactly one way to log in:\n" +
	"  - token (SERVITLY_TOKEN): a JWT you already have;\n" +
	"  - api_key + pat (SERVITLY_API_KEY, SERVITLY_PAT): recommended for automation;\n" +
	"  - api_key + email + password (SERVITLY_API_KEY, SERVITLY_EMAIL, SERVITLY_PASSWORD)."

// addLoginConfigError reports a bad login on the setting that client.LoginFlowOf says to fix.
func addLoginConfigError(diags *diag.Diagnostics, err error) {
	setting := "token"
	if loginErr, ok := errors.AsType[*client.LoginConfigError](err); ok {
		setting = loginErr.Setting
	}
	diags.AddAttributeError(path.Root(setting), "Invalid Servitly credentials",
		strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".\n\n"+loginFlowHelp+
			"\n\nA login that is complete in the provider block ignores credentials in the environment.")
}
