package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

func fakeEnv(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

var noEnv = fakeEnv(nil)

// patModel is a valid provider block using the PAT login.
func patModel() providerModel {
	return providerModel{
		Tenant: types.StringValue("acme"),
		APIKey: types.StringValue("block-key"),
		PAT:    types.StringValue("block-pat"),
	}
}

// singleError returns the one error diagnostic, failing otherwise.
func singleError(t *testing.T, diags diag.Diagnostics) diag.Diagnostic {
	t.Helper()
	errs := diags.Errors()
	if len(errs) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(errs), diags)
	}
	return errs[0]
}

func assertAttributeError(t *testing.T, d diag.Diagnostic, attr string, detailMentions ...string) {
	t.Helper()
	withPath, ok := d.(diag.DiagnosticWithPath)
	if !ok {
		t.Fatalf("diagnostic %q has no attribute path", d.Summary())
	}
	if !withPath.Path().Equal(path.Root(attr)) {
		t.Errorf("diagnostic %q is on %s, want %s", d.Summary(), withPath.Path(), attr)
	}
	for _, s := range detailMentions {
		if !strings.Contains(d.Detail(), s) {
			t.Errorf("detail of %q does not mention %q: %s", d.Summary(), s, d.Detail())
		}
	}
}

func TestClientConfigFromBlock(t *testing.T) {
	m := providerModel{
		BaseURL:              types.StringValue("https://acme.servitly.com/api"),
		Tenant:               types.StringValue("acme"),
		APIKey:               types.StringValue("k"),
		Email:                types.StringValue("ops@example.com"),
		Password:             types.StringValue("pw"),
		RetryMaxWait:         types.StringValue("90s"),
		MaxRequestsPerMinute: types.Int64Value(120),
	}
	cfg, diags := clientConfig(context.Background(), m, noEnv)
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := client.Config{BaseURL: "https://acme.servitly.com/api", Tenant: "acme", APIKey: "k", Email: "ops@example.com",
		Password: "pw", RetryMaxWait: 90 * time.Second, MaxRequestsPerMinute: 120}
	if cfg != want {
		t.Errorf("config = %+v, want %+v", cfg, want)
	}
}

func TestClientConfigDefaults(t *testing.T) {
	cfg, diags := clientConfig(context.Background(), providerModel{Tenant: types.StringValue("acme"), Token: types.StringValue("jwt")}, noEnv)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if cfg.BaseURL != client.DefaultBaseURL || cfg.RetryMaxWait != 0 || cfg.MaxRequestsPerMinute != 0 {
		t.Errorf("config = %+v, want the default base URL and zero (client default) retry settings", cfg)
	}
}

// settings lists every provider setting with a way to set it in the block
// and to read it back from the client configuration.
var settings = []struct {
	attr     string
	env      string
	envValue string
	setBlock func(*providerModel)
	get      func(client.Config) any
	fromEnv  any
	fromBlk  any
}{
	{"base_url", "SERVITLY_BASE_URL", "https://env.servitly.com", func(m *providerModel) { m.BaseURL = types.StringValue("https://block.servitly.com") },
		func(c client.Config) any { return c.BaseURL }, "https://env.servitly.com", "https://block.servitly.com"},
	{"tenant", "SERVITLY_TENANT", "env-tenant", func(m *providerModel) { m.Tenant = types.StringValue("block-tenant") },
		func(c client.Config) any { return c.Tenant }, "env-tenant", "block-tenant"},
	{"token", "SERVITLY_TOKEN", "env-token", func(m *providerModel) { m.Token = types.StringValue("block-token") },
		func(c client.Config) any { return c.Token }, "env-token", "block-token"},
	{"api_key", "SERVITLY_API_KEY", "env-key", func(m *providerModel) { m.APIKey = types.StringValue("block-key") },
		func(c client.Config) any { return c.APIKey }, "env-key", "block-key"},
	{"pat", "SERVITLY_PAT", "env-pat", func(m *providerModel) { m.PAT = types.StringValue("block-pat") },
		func(c client.Config) any { return c.PAT }, "env-pat", "block-pat"},
	{"email", "SERVITLY_EMAIL", "env@example.com", func(m *providerModel) { m.Email = types.StringValue("block@example.com") },
		func(c client.Config) any { return c.Email }, "env@example.com", "block@example.com"},
	{"password", "SERVITLY_PASSWORD", "env-pw", func(m *providerModel) { m.Password = types.StringValue("block-pw") },
		func(c client.Config) any { return c.Password }, "env-pw", "block-pw"},
	{"retry_max_wait", "SERVITLY_RETRY_MAX_WAIT", "2m", func(m *providerModel) { m.RetryMaxWait = types.StringValue("45s") },
		func(c client.Config) any { return c.RetryMaxWait }, 2 * time.Minute, 45 * time.Second},
	{"request_timeout", "SERVITLY_REQUEST_TIMEOUT", "90s", func(m *providerModel) { m.RequestTimeout = types.StringValue("20s") },
		func(c client.Config) any { return c.RequestTimeout }, 90 * time.Second, 20 * time.Second},
	{"max_requests_per_minute", "SERVITLY_MAX_REQUESTS_PER_MINUTE", "300", func(m *providerModel) { m.MaxRequestsPerMinute = types.Int64Value(60) },
		func(c client.Config) any { return c.MaxRequestsPerMinute }, 300, 60},
}

func TestClientConfigEnvFallbackAndPrecedence(t *testing.T) {
	for _, s := range settings {
		if client.EnvVar(s.attr) != s.env {
			t.Errorf("client.EnvVar(%q) = %q, want %q", s.attr, client.EnvVar(s.attr), s.env)
		}
		env := map[string]string{s.env: s.envValue}
		// Fill in whatever else a valid configuration needs, from the
		// environment so it never shadows the setting under test.
		base := providerModel{}
		switch s.attr {
		case "email", "password":
			for k, v := range map[string]string{"SERVITLY_TENANT": "t", "SERVITLY_API_KEY": "k", "SERVITLY_EMAIL": "e@x", "SERVITLY_PASSWORD": "p"} {
				if k != s.env {
					env[k] = v
				}
			}
		case "api_key", "pat":
			for k, v := range map[string]string{"SERVITLY_TENANT": "t", "SERVITLY_API_KEY": "k", "SERVITLY_PAT": "p"} {
				if k != s.env {
					env[k] = v
				}
			}
		case "tenant":
			env["SERVITLY_TOKEN"] = "jwt"
		case "token":
			env["SERVITLY_TENANT"] = "t"
		default:
			env["SERVITLY_TENANT"] = "t"
			env["SERVITLY_TOKEN"] = "jwt"
		}

		cfg, diags := clientConfig(context.Background(), base, fakeEnv(env))
		if diags.HasError() {
			t.Errorf("%s from the environment: %v", s.attr, diags)
		} else if got := s.get(cfg); got != s.fromEnv {
			t.Errorf("%s from %s = %v, want %v", s.attr, s.env, got, s.fromEnv)
		}

		s.setBlock(&base)
		cfg, diags = clientConfig(context.Background(), base, fakeEnv(env))
		if diags.HasError() {
			t.Errorf("%s in the block: %v", s.attr, diags)
		} else if got := s.get(cfg); got != s.fromBlk {
			t.Errorf("%s with both block and %s = %v, want the block's %v", s.attr, s.env, got, s.fromBlk)
		}
	}
}

func TestClientConfigEmptyEnvIsUnset(t *testing.T) {
	env := fakeEnv(map[string]string{"SERVITLY_BASE_URL": "", "SERVITLY_MAX_REQUESTS_PER_MINUTE": "", "SERVITLY_RETRY_MAX_WAIT": "", "SERVITLY_TOKEN": ""})
	cfg, diags := clientConfig(context.Background(), patModel(), env)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if cfg.BaseURL != client.DefaultBaseURL || cfg.MaxRequestsPerMinute != 0 || cfg.RetryMaxWait != 0 || cfg.Token != "" {
		t.Errorf("config = %+v", cfg)
	}
}

func TestClientConfigUnknownValues(t *testing.T) {
	for _, s := range settings {
		t.Run(s.attr, func(t *testing.T) {
			m := patModel()
			if s.attr == "max_requests_per_minute" {
				m.MaxRequestsPerMinute = types.Int64Unknown()
			} else {
				unknown := types.StringUnknown()
				switch s.attr {
				case "base_url":
					m.BaseURL = unknown
				case "tenant":
					m.Tenant = unknown
				case "token":
					m.Token = unknown
				case "api_key":
					m.APIKey = unknown
				case "pat":
					m.PAT = unknown
				case "email":
					m.Email = unknown
				case "password":
					m.Password = unknown
				case "retry_max_wait":
					m.RetryMaxWait = unknown
				case "request_timeout":
					m.RequestTimeout = unknown
				}
			}
			// Even when the environment has a value: an unknown in the
			// block is never silently replaced by it.
			_, diags := clientConfig(context.Background(), m, fakeEnv(map[string]string{s.env: s.envValue}))
			d := singleError(t, diags)
			assertAttributeError(t, d, s.attr, s.env)
			if !strings.Contains(d.Summary(), "Unknown") {
				t.Errorf("summary = %q", d.Summary())
			}
		})
	}
}

func TestClientConfigErrors(t *testing.T) {
	cases := []struct {
		name     string
		model    func(m *providerModel)
		env      map[string]string
		attr     string
		mentions []string
	}{
		{"missing tenant", func(m *providerModel) { m.Tenant = types.StringNull() }, nil, "tenant", []string{"SERVITLY_TENANT"}},
		{"blank tenant", func(m *providerModel) { m.Tenant = types.StringValue("  ") }, nil, "tenant", []string{"SERVITLY_TENANT"}},
		{"no credentials", func(m *providerModel) { m.APIKey, m.PAT = types.StringNull(), types.StringNull() }, nil, "token",
			[]string{"SERVITLY_TOKEN", "SERVITLY_API_KEY", "SERVITLY_PAT", "SERVITLY_EMAIL", "SERVITLY_PASSWORD"}},
		{"api key alone", func(m *providerModel) { m.PAT = types.StringNull() }, nil, "token", []string{"SERVITLY_PAT"}},
		{"token and pat", func(m *providerModel) { m.Token = types.StringValue("jwt") }, nil, "token", []string{"More than one", "SERVITLY_TOKEN"}},
		{"two flows in the block name their sources", func(m *providerModel) { m.Password, m.Email = types.StringValue("pw"), types.StringValue("e@x") }, nil, "pat",
			[]string{"More than one", "pat (provider block)", "email (provider block)"}},
		{"a partial block plus another flow in the environment", func(m *providerModel) { m.APIKey = types.StringNull() },
			map[string]string{"SERVITLY_API_KEY": "k", "SERVITLY_TOKEN": "jwt"}, "pat",
			[]string{"More than one", "token (SERVITLY_TOKEN)", "api_key (SERVITLY_API_KEY)", "pat (provider block)"}},
		{"pat without api_key", func(m *providerModel) { m.APIKey = types.StringNull() }, nil, "api_key", []string{"SERVITLY_API_KEY"}},
		{"email and password without api_key", func(m *providerModel) {
			m.APIKey, m.PAT, m.Email, m.Password = types.StringNull(), types.StringNull(), types.StringValue("e@x"), types.StringValue("pw")
		}, nil, "api_key", []string{"SERVITLY_API_KEY"}},
		{"password without email", func(m *providerModel) {
			m.PAT, m.Password = types.StringNull(), types.StringValue("pw")
		}, nil, "email", []string{"SERVITLY_EMAIL"}},
		{"email without password", func(m *providerModel) {
			m.PAT, m.Email = types.StringNull(), types.StringValue("e@x")
		}, nil, "password", []string{"SERVITLY_PASSWORD"}},
		{"http to a remote host", func(m *providerModel) { m.BaseURL = types.StringValue("http://api.servitly.com") }, nil, "base_url",
			[]string{"https", "SERVITLY_BASE_URL"}},
		{"http to a remote host from the environment", nil, map[string]string{"SERVITLY_BASE_URL": "http://10.1.2.3:8080"}, "base_url",
			[]string{"https", "SERVITLY_BASE_URL"}},
		{"relative base_url", func(m *providerModel) { m.BaseURL = types.StringValue("api.servitly.com") }, nil, "base_url", []string{"SERVITLY_BASE_URL"}},
		{"retry_max_wait not a duration", func(m *providerModel) { m.RetryMaxWait = types.StringValue("soon") }, nil, "retry_max_wait",
			[]string{"soon", "SERVITLY_RETRY_MAX_WAIT"}},
		{"retry_max_wait without unit", func(m *providerModel) { m.RetryMaxWait = types.StringValue("90") }, nil, "retry_max_wait",
			[]string{"SERVITLY_RETRY_MAX_WAIT"}},
		{"request_timeout zero", func(m *providerModel) { m.RequestTimeout = types.StringValue("0s") }, nil, "request_timeout",
			[]string{"SERVITLY_REQUEST_TIMEOUT"}},
		{"retry_max_wait zero", func(m *providerModel) { m.RetryMaxWait = types.StringValue("0s") }, nil, "retry_max_wait",
			[]string{"SERVITLY_RETRY_MAX_WAIT"}},
		{"retry_max_wait negative from the environment", nil, map[string]string{"SERVITLY_RETRY_MAX_WAIT": "-5m"}, "retry_max_wait",
			[]string{"-5m", "SERVITLY_RETRY_MAX_WAIT"}},
		{"negative max_requests_per_minute", func(m *providerModel) { m.MaxRequestsPerMinute = types.Int64Value(-1) }, nil,
			"max_requests_per_minute", []string{"SERVITLY_MAX_REQUESTS_PER_MINUTE"}},
		{"negative max_requests_per_minute from the environment", nil, map[string]string{"SERVITLY_MAX_REQUESTS_PER_MINUTE": "-10"},
			"max_requests_per_minute", []string{"SERVITLY_MAX_REQUESTS_PER_MINUTE"}},
		{"max_requests_per_minute not a number", nil, map[string]string{"SERVITLY_MAX_REQUESTS_PER_MINUTE": "lots"},
			"max_requests_per_minute", []string{"lots", "SERVITLY_MAX_REQUESTS_PER_MINUTE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := patModel()
			if tc.model != nil {
				tc.model(&m)
			}
			_, diags := clientConfig(context.Background(), m, fakeEnv(tc.env))
			assertAttributeError(t, singleError(t, diags), tc.attr, tc.mentions...)
		})
	}
}

func TestClientConfigCompleteBlockLoginIgnoresEnvironmentCredentials(t *testing.T) {
	env := fakeEnv(map[string]string{"SERVITLY_TOKEN": "env-jwt", "SERVITLY_API_KEY": "env-key", "SERVITLY_PAT": "env-pat",
		"SERVITLY_EMAIL": "e@x", "SERVITLY_PASSWORD": "env-pw"})
	for name, m := range map[string]providerModel{
		"pat":   patModel(),
		"token": {Tenant: types.StringValue("acme"), Token: types.StringValue("block-jwt")},
		"password": {Tenant: types.StringValue("acme"), APIKey: types.StringValue("block-key"), Email: types.StringValue("b@x"),
			Password: types.StringValue("block-pw")},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, diags := clientConfig(context.Background(), m, env)
			if diags.HasError() {
				t.Fatal(diags)
			}
			got := client.Config{Token: cfg.Token, APIKey: cfg.APIKey, PAT: cfg.PAT, Email: cfg.Email, Password: cfg.Password}
			want := client.Config{Token: m.Token.ValueString(), APIKey: m.APIKey.ValueString(), PAT: m.PAT.ValueString(),
				Email: m.Email.ValueString(), Password: m.Password.ValueString()}
			if got != want {
				t.Errorf("credentials = %+v, want only the block's %+v", got, want)
			}
		})
	}

	t.Run("an incomplete block still takes the rest from the environment", func(t *testing.T) {
		m := patModel()
		m.APIKey = types.StringNull()
		cfg, diags := clientConfig(context.Background(), m, fakeEnv(map[string]string{"SERVITLY_API_KEY": "env-key"}))
		if diags.HasError() || cfg.APIKey != "env-key" || cfg.PAT != "block-pat" {
			t.Errorf("config = %+v, %v; want api_key from the environment and pat from the block", cfg, diags)
		}
	})
}

func TestClientConfigDiagnosticsHoldNoSecrets(t *testing.T) {
	m := providerModel{
		Tenant:   types.StringValue("acme"),
		Token:    types.StringValue("SECRET-token"),
		APIKey:   types.StringValue("SECRET-key"),
		PAT:      types.StringValue("SECRET-pat"),
		Email:    types.StringValue("e@x"),
		Password: types.StringValue("SECRET-pw"),
	}
	_, diags := clientConfig(context.Background(), m, noEnv)
	if !diags.HasError() {
		t.Fatal("mixed flows accepted")
	}
	for _, d := range diags {
		if strings.Contains(d.Summary()+d.Detail(), "SECRET") {
			t.Errorf("diagnostic shows a secret: %s: %s", d.Summary(), d.Detail())
		}
	}
}
