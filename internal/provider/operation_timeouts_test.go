package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func timeoutsObject(values map[string]string) types.Object {
	types_, attrs := map[string]attr.Type{}, map[string]attr.Value{}
	for _, name := range []string{"create", "read", "update", "delete"} {
		types_[name] = types.StringType
		attrs[name] = types.StringNull()
		if v, ok := values[name]; ok {
			attrs[name] = types.StringValue(v)
		}
	}
	return types.ObjectValueMust(types_, attrs)
}

func TestValidateTimeouts(t *testing.T) {
	diags := validateTimeouts(timeoutsObject(map[string]string{"create": "0s", "read": "1ms", "update": "-1s"}))
	if len(diags) != 2 || !strings.Contains(diags[0].Detail(), `timeouts.create is "0s"`) || !strings.Contains(diags[1].Detail(), `timeouts.update is "-1s"`) {
		t.Errorf("diagnostics = %v, want create and update refused", diags)
	}
	if d := validateTimeouts(types.ObjectNull(nil)); d.HasError() {
		t.Errorf("no timeouts block: %v", d)
	}
}

func TestExplainTimeoutNamesTheSetting(t *testing.T) {
	ctx, cancel := startOperation(context.Background(), timeoutsObject(map[string]string{"update": "1ms"}), "update", time.Hour)
	defer cancel()
	<-ctx.Done()
	var timeout *timeoutError
	err := explainTimeout(ctx, ctx.Err())
	if !errors.As(err, &timeout) || !strings.Contains(timeout.hint(), `timeouts.update is "1ms"`) {
		t.Errorf("explainTimeout = %v, want the hint to name timeouts.update", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the deadline is no longer reachable with errors.Is: %v", err)
	}

	ctx, cancel = startOperation(context.Background(), types.ObjectNull(nil), "read", time.Hour)
	defer cancel()
	other := errors.New("refused")
	if got := explainTimeout(ctx, other); errors.As(got, &timeout) || !errors.Is(got, other) {
		t.Errorf("an error before the deadline became %v", got)
	}
}

func TestLostBecause(t *testing.T) {
	ctx, cancel := startOperation(context.Background(), timeoutsObject(map[string]string{"create": "1ms"}), "create", time.Hour)
	defer cancel()
	<-ctx.Done()
	interrupted, interrupt := context.WithCancel(context.Background())
	interrupt()
	for want, ctx := range map[string]context.Context{
		`timeouts.create = "1ms" ran out`:     ctx,
		"the run was interrupted":             interrupted,
		"the connection or the server failed": context.Background(),
	} {
		if got := lostBecause(ctx); got != want {
			t.Errorf("lostBecause = %q, want %q", got, want)
		}
	}
}
