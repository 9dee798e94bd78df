package pluginserver

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// listProviderServer is a provider server that also serves list resources,
// which tf6server looks for. (terraform-plugin-go still keeps the list RPCs
// out of tfprotov6.ProviderServer.)
type listProviderServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

var _ listProviderServer = &releasingServer{}

// The list RPCs go straight to the framework: ListResource returns a stream
// that Terraform consumes after the call has returned, so its context must
// not be detached the way the per-resource calls' contexts are.

func (s *releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	ls, err := s.listServer()
	if err != nil {
		return nil, err
	}
	return ls.ValidateListResourceConfig(ctx, req)
}

func (s *releasingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	ls, err := s.listServer()
	if err != nil {
		return nil, err
	}
	return ls.ListResource(ctx, req)
}

func (s *releasingServer) listServer() (tfprotov6.ListResourceServer, error) {
	ls, ok := s.ProviderServer.(tfprotov6.ListResourceServer)
	if !ok {
		return nil, errors.New("the framework's protocol 6 server does not serve list resources; this is a bug in the provider, please report it")
	}
	return ls, nil
}
