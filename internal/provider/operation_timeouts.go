package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Default operation timeouts; the timeouts block overrides them.
const (
	defaultWriteTimeout = 10 * time.Minute
	defaultReadTimeout  = 5 * time.Minute
)

// startOperation bounds ctx by timeouts.<name>, or def; its context.Cause is then a *timeoutError naming the setting.
func startOperation(ctx context.Context, t types.Object, name string, def time.Duration) (context.Context, context.CancelFunc) {
	limit, setting := def, def.String()+" (the default)"
	if v, ok := timeoutSetting(t, name); ok {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			limit, setting = d, fmt.Sprintf("%q", v)
		}
	}
	return context.WithTimeoutCause(ctx, limit, &timeoutError{name: name, setting: setting, err: context.DeadlineExceeded})
}

// explainTimeout wraps err with the operation timeout that ended ctx, if one did.
func explainTimeout(ctx context.Context, err error) error {
	var timeout *timeoutError
	if err == nil || !errors.As(context.Cause(ctx), &timeout) {
		return err
	}
	return &timeoutError{name: timeout.name, setting: timeout.setting, err: err}
}

// timeoutError is a call past timeouts.<name>; setting is its value, or the default.
type timeoutError struct {
	name, setting string
	err           error
}

func (e *timeoutError) Error() string { return e.err.Error() }
func (e *timeoutError) Unwrap() error { return e.err }

func (e *timeoutError) hint() string {
	hint := fmt.Sprintf("The operation ran out of time: timeouts.%s is %s. Raise it in the timeouts block "+
		"if Servitly is only slow.", e.name, e.setting)
	if e.name == "read" {
		hint += " A resource's read timeout is taken from the state, so after changing it run `terraform apply -refresh=false` " +
			"once to store the new value."
	}
	return hint
}

// timeoutSetting returns the text of timeouts.<name> when it is set.
func timeoutSetting(t types.Object, name string) (string, bool) {
	if t.IsNull() || t.IsUnknown() {
		return "", false
	}
	v, ok := t.Attributes()[name].(types.String)
	if !ok || v.IsNull() || v.IsUnknown() {
		return "", false
	}
	return v.ValueString(), true
}

// validateTimeouts refuses timeouts that are not positive: the timeouts package only parses them.
func validateTimeouts(t types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, name := range []string{"create", "read", "update", "delete"} {
		v, ok := timeoutSetting(t, name)
		if d, err := time.ParseDuration(v); ok && err == nil && d <= 0 {
			diags.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid timeout",
				fmt.Sprintf("timeouts.%s is %q; it must be a positive duration such as \"30s\" or \"10m\". "+
					"Remove it to use the default.", name, v))
		}
	}
	return diags
}
