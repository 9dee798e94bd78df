package provider

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// codeGuard keeps the provider from creating a second partner for a code the
// tenant has, such as one made in the console: Servitly does not say codes
// are unique, but import by code, lost creates and data sources need them to
// be. The client's index finds a code's holder (client.CodeHolder), kept
// current by this process's writes, so a partner this apply deleted never
// blocks its replacement. The guard adds claims: two resources of one
// configuration must not both take a code that no partner has yet.
type codeGuard struct {
	client  *client.Client
	planned sync.Map // codes that plans of this process create or change to
	writing sync.Map // codes that creates or updates of this process are writing
	warned  atomic.Bool
}

func newCodeGuard(c *client.Client) *codeGuard { return &codeGuard{client: c} }

// codeConflict is why a partner may not take a code: Holder has it, or,
// when Holder is nil, another resource of this configuration takes it.
type codeConflict struct {
	Code   string
	Holder *client.Partner
}

// plan checks a code that a plan takes. A failed lookup is no conflict: apply checks again.
func (g *codeGuard) plan(ctx context.Context, code, self string) (*codeConflict, error) {
	return g.claim(ctx, &g.planned, code, self)
}

// reserve checks and claims a code before a write; release ends the claim.
func (g *codeGuard) reserve(ctx context.Context, code, self string) (release func(), conflict *codeConflict, err error) {
	conflict, err = g.claim(ctx, &g.writing, code, self)
	release = func() { g.writing.Delete(code) }
	if conflict != nil && conflict.Holder == nil {
		release = func() {} // the claim is another write's
	}
	return release, conflict, err
}

func (g *codeGuard) claim(ctx context.Context, claims *sync.Map, code, self string) (*codeConflict, error) {
	if _, taken := claims.LoadOrStore(code, true); taken {
		return &codeConflict{Code: code}, nil
	}
	holder, err := g.client.CodeHolder(ctx, code, self)
	if holder != nil {
		return &codeConflict{Code: code, Holder: holder}, nil
	}
	return nil, err
}

// firstRefusal is true the first time it is asked, so that a run warns once.
func (g *codeGuard) firstRefusal() bool { return !g.warned.Swap(true) }

// failsEveryCall: a refused login or an unknown tenant, past which no call gets.
func failsEveryCall(err error) bool {
	return errors.As(err, new(*client.LoginError)) || client.IsUnknownTenant(err)
}
