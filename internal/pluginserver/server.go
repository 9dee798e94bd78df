package pluginserver

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Wrap returns srv, the framework's protocol 6 server, wrapped so that
// Terraform calls do not stay in memory once answered. Serve and the
// provider's acceptance tests serve it.
//
// The leak (terraform-plugin-framework v1.3.2 up to at least v1.19.0, the
// version go.mod pins): every RPC method of the framework's server calls
// s.registerContext(ctx) (internal/proto6server/serve.go), which derives
// context.WithCancel(ctx) and appends its cancel function to
// Server.contextCancels. Only StopProvider, which Terraform sends only on
// interrupt, empties that slice, so each call's whole context (gRPC stream,
// request, per-call loggers; about 12 KB, five calls per resource in a plan)
// stays for the life of the process: a 1000-partner plan reached a live heap
// of 66 MB and an RSS of 156 MB. The slice came with the fix for
// https://github.com/hashicorp/terraform-plugin-framework/issues/781; we
// found no upstream issue about its growth.
//
// The wrapper hands the framework a context that forwards to the call's
// context while the call runs and is cut loose from it when the call
// returns. Only the calls made once per resource are wrapped.
//
// Remove Wrap once the framework stops keeping finished calls' contexts:
// the control case of TestWrap_freesFinishedCalls then fails and says so.
func Wrap(srv tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	full, ok := srv.(listProviderServer)
	if !ok {
		return srv // not the framework's server
	}
	return &releasingServer{full}
}

// releasingServer is the framework's server with per-resource calls given a detachable context.
type releasingServer struct {
	listProviderServer
}

// listProviderServer also serves list resources, which tf6server looks for.
// They go unwrapped: Terraform consumes ListResource's stream after the call
// has returned, so its context must not be detached.
type listProviderServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// call runs fn with a context that stops pointing at ctx when fn returns.
func call[Req, Resp any](ctx context.Context, req Req, fn func(context.Context, Req) (Resp, error)) (Resp, error) {
	d := newDetachableContext(ctx)
	defer d.detach()
	return fn(d, req)
}

func (s *releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.listProviderServer.ValidateResourceConfig)
}

func (s *releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.listProviderServer.UpgradeResourceState)
}

func (s *releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, req, s.listProviderServer.UpgradeResourceIdentity)
}

func (s *releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.listProviderServer.ReadResource)
}

func (s *releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.listProviderServer.PlanResourceChange)
}

func (s *releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.listProviderServer.ApplyResourceChange)
}

func (s *releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.listProviderServer.ImportResourceState)
}

func (s *releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.listProviderServer.ValidateDataResourceConfig)
}

func (s *releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.listProviderServer.ReadDataSource)
}

// detachableContext forwards to a call's context until detach, and then
// behaves as a cancelled context without values or deadline. Contexts
// derived from it during the call registered with the call's context itself.
type detachableContext struct {
	ctx atomic.Pointer[context.Context]
}

// spent is what a detached context forwards to.
var spent = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func newDetachableContext(ctx context.Context) *detachableContext {
	d := &detachableContext{}
	d.ctx.Store(&ctx)
	return d
}

func (d *detachableContext) detach() { d.ctx.Store(&spent) }

func (d *detachableContext) inner() context.Context { return *d.ctx.Load() }

func (d *detachableContext) Deadline() (time.Time, bool) { return d.inner().Deadline() }

func (d *detachableContext) Done() <-chan struct{} { return d.inner().Done() }

func (d *detachableContext) Err() error { return d.inner().Err() }

func (d *detachableContext) Value(key any) any { return d.inner().Value(key) }
