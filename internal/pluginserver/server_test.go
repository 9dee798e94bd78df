package pluginserver

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/servitly/terraform-provider-servitly/internal/provider"
)

type bigValueKey struct{}

// newFrameworkServer is what providerserver.Serve would serve for the
// provider.
func newFrameworkServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(provider.New("test")())()
}

// heldAfterCall reports whether srv still holds a value of the context of a
// finished UpgradeResourceState call.
func heldAfterCall(t *testing.T, srv tfprotov6.ProviderServer) bool {
	t.Helper()
	ctx, ref := contextWithBigValue()
	ctx, cancel := context.WithCancel(ctx)
	resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "servitly_partner",
		RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"6616689a0de6d87b47cd6308","name":"Rossi"}`)},
	})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("UpgradeResourceState: %s: %s", d.Summary, d.Detail)
		}
	}
	runtime.GC()
	held := ref.Value() != nil
	runtime.KeepAlive(srv)
	return held
}

// contextWithBigValue returns a context holding a 1 MiB value, and a weak
// reference that tells whether anything still holds the value.
func contextWithBigValue() (context.Context, weak.Pointer[[1 << 20]byte]) {
	big := new([1 << 20]byte)
	return context.WithValue(context.Background(), bigValueKey{}, big), weak.Make(big)
}

func TestWrap_freesFinishedCalls(t *testing.T) {
	// The control: the framework's own server keeps every call's context
	// until StopProvider. This is what makes Wrap necessary.
	if !heldAfterCall(t, newFrameworkServer()) {
		t.Error("the framework's server no longer keeps the context of a finished call: " +
			"Wrap is no longer needed; remove it and serve providerserver.NewProtocol6 directly")
	}
	if _, ok := Wrap(newFrameworkServer()).(tfprotov6.ListResourceServer); !ok {
		t.Fatal("Wrap did not wrap the framework's server, or lost its list resource RPCs")
	}
	if heldAfterCall(t, Wrap(newFrameworkServer())) {
		t.Error("the wrapped server still holds the context of a finished call")
	}
}

func TestDetachableContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithTimeout(context.WithValue(context.Background(), key{}, "v"), time.Hour)
	defer cancel()
	d := newDetachableContext(parent)
	child, cancelChild := context.WithCancel(d)
	defer cancelChild()

	if d.Value(key{}) != "v" || d.Err() != nil {
		t.Fatalf("before detach: value %v, err %v", d.Value(key{}), d.Err())
	}
	if _, ok := d.Deadline(); !ok {
		t.Error("before detach: the deadline is lost")
	}
	d.detach()
	if d.Value(key{}) != nil || !errors.Is(d.Err(), context.Canceled) {
		t.Errorf("after detach: value %v, err %v; want no value and cancelled", d.Value(key{}), d.Err())
	}
	if child.Err() != nil {
		t.Fatalf("a context derived during the call was cancelled by detach: %v", child.Err())
	}
	// A context derived during the call registered with the call's context
	// itself, so cancelling that reaches it before cancel returns.
	cancel()
	if child.Err() == nil {
		t.Fatal("cancelling the call's context did not reach a context derived during the call")
	}
}
