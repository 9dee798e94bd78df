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
// version go.mod pins): every RPC method of the framework's protocol server
// (internal/proto6server/server_*.go) starts with s.registerContext(ctx),
// which (internal/proto6server/serve.go) derives context.WithCancel(ctx)
// and appends its cancel function to Server.contextCancels. Only
// cancelRegisteredContexts, run by StopProvider, empties that slice, and
// Terraform sends StopProvider only on interrupt, so the slice grows by one
// function per call for the life of the process. Each kept function holds
// the whole context of a finished call: the gRPC stream, the request, the
// SDK's per-call loggers. That is about 12 KB per call and five calls per
// resource in a plan, which made a 1000-partner plan reach a live heap of
// 66 MB and an RSS of 156 MB. The slice came with the fix that cancels
// in-flight calls on interrupt
// (https://github.com/hashicorp/terraform-plugin-framework/issues/781); we
// found no upstream issue about its growth. Upstream, each method could
// drop its cancel function from the slice when it returns.
//
// The wrapper hands the framework a context that forwards to the call's
// context while the call runs and is cut loose from it when the call
// returns, so the kept functions hold a few bytes. Only the calls made once
// per resource are wrapped; the rest (schema, configure, functions) happen
// a few times per process.
//
// Remove Wrap once the framework stops keeping finished calls' contexts:
// the control case of TestWrap_freesFinishedCalls then fails and says so.
func Wrap(srv tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	full, ok := srv.(listProviderServer)
	if !ok {
		// Not the framework's server: without list RPCs to pass on, serve it as it is.
		return srv
	}
	return &releasingServer{full}
}

// releasingServer is the framework's server with per-resource calls given a
// detachable context.
type releasingServer struct {
	listProviderServer
}

// listProviderServer is a provider server that also serves list resources,
// which tf6server looks for (terraform-plugin-go keeps the list RPCs out of
// tfprotov6.ProviderServer). They go to the framework unwrapped:
// ListResource returns a stream that Terraform consumes after the call has
// returned, so its context must not be detached.
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
// derived from it while the call ran keep working as usual: cancellation
// reaches them through the call's context, which they registered with.
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
