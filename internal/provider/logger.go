package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// tfLogger sends the client's logs to tflog with every secret masked, in
// messages and fields alike, whatever the client puts there.
type tfLogger struct {
	secrets []string
}

func newTFLogger(cfg client.Config) tfLogger {
	// Unset secrets are left out: masking "" would garble every message.
	unset := func(s string) bool { return s == "" }
	return tfLogger{secrets: slices.DeleteFunc([]string{cfg.Token, cfg.APIKey, cfg.PAT, cfg.Password}, unset)}
}

func (l tfLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskLogStrings(ctx, l.secrets...)
	return tflog.MaskFieldValuesWithFieldKeys(ctx, "Authorization", "token", "refreshToken", "password", "pat", "apiKey")
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
