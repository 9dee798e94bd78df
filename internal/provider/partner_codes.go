package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// codeGuard keeps the provider from creating a second partner for a code that the
// tenant already has, such as one made by hand in the console. Servitly does not say
// that codes are unique, but import by code, lost creates and data sources need them to be.
//
// Within one provider process it answers "which other partner has this
// code?" as cheaply as the tenant's size allows:
//   - from the whole list, when this process's refresh has loaded it, or
//     when page 0 of the list is its last page (up to 200 partners): one
//     request at most, for any number of checks;
//   - otherwise with one filtered list request per code, once one request
//     has shown that the server applies the code filter. The filter is a
//     guess about the API, so a server that ignores or misreads it is
//     listed page by page instead, once. A code found unused is not asked
//     again: apply plans each resource again right before writing it, and
//     that plan's lookup serves the write's check too.
//
// The process's own creates, updates and deletes keep what it loaded current, so a
// partner deleted by this apply never blocks the one that replaces it. Claims stop two
// resources of one configuration from both taking a code that no partner has yet.
type codeGuard struct {
	client  *client.Client
	refresh *partnerRefresh

	mu       sync.Mutex
	busy     chan struct{}             // closed when the list request in flight ends
	known    map[string]client.Partner // by id: partners loaded from the list, then written by this process
	gone     map[string]bool           // ids this process deleted, never to be learnt again
	free     map[string]bool           // codes a lookup of this process found unused
	loaded   bool                      // known holds page 0 at least
	complete bool                      // known holds every partner of the tenant
	filter   filterTrust
	refused  error           // the list was refused: no code can be checked
	warned   bool            // the refusal has been reported once
	planned  map[string]bool // codes that plans of this process create or change to
	writing  map[string]bool // codes that creates or updates of this process are writing
}

// filterTrust is what the guard knows of the server's code filter.
type filterTrust int

const (
	filterUntested filterTrust = iota
	filterWorks
	filterBroken
)

// errFilterBroken means a filtered list held a partner with another code.
var errFilterBroken = errors.New("the partner list ignored the code filter")

// errListWithoutCodes means the list leaves codes out: no code can be checked.
var errListWithoutCodes = errors.New("the partner list does not show partner codes")

func newCodeGuard(c *client.Client, refresh *partnerRefresh) *codeGuard {
	return &codeGuard{client: c, refresh: refresh, known: map[string]client.Partner{}, gone: map[string]bool{},
		free: map[string]bool{}, planned: map[string]bool{}, writing: map[string]bool{}}
}

// codeConflict is why a partner may not take a code: Holder has it, or,
// when Holder is nil, another resource of this configuration takes it.
type codeConflict struct {
	Code   string
	Holder *client.Partner
}

// plan checks a code that a plan creates or changes to. A failed lookup is
// no conflict: apply checks again.
func (g *codeGuard) plan(ctx context.Context, code, self string) (*codeConflict, error) {
	return g.claim(ctx, g.planned, code, self)
}

// reserve checks and claims a code before a create or an update writes it;
// release ends the claim once the write is over.
func (g *codeGuard) reserve(ctx context.Context, code, self string) (release func(), conflict *codeConflict, err error) {
	conflict, err = g.claim(ctx, g.writing, code, self)
	release = func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.writing, code)
	}
	if conflict != nil && conflict.Holder == nil {
		release = func() {} // the claim is another write's
	}
	return release, conflict, err
}

func (g *codeGuard) claim(ctx context.Context, claims map[string]bool, code, self string) (*codeConflict, error) {
	g.mu.Lock()
	taken := claims[code]
	claims[code] = true
	g.mu.Unlock()
	if taken {
		return &codeConflict{Code: code}, nil
	}
	holder, err := g.holder(ctx, code, self)
	if holder != nil {
		return &codeConflict{Code: code, Holder: holder}, nil
	}
	return nil, err
}

// wrote records a partner this process created or updated.
func (g *codeGuard) wrote(p *client.Partner) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.known[p.ID] = *p
}

// deleted records a partner this process deleted.
func (g *codeGuard) deleted(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.known, id)
	g.gone[id] = true
}

// firstRefusal is true the first time it is asked, so that a run warns once.
func (g *codeGuard) firstRefusal() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	first := !g.warned
	g.warned = true
	return first
}

// holder returns a partner other than self whose code is exactly code, or
// nil when there is none.
func (g *codeGuard) holder(ctx context.Context, code, self string) (*client.Partner, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for {
		var step func(context.Context) (func(), error)
		switch {
		case g.refused != nil:
			return nil, g.refused
		case g.busy != nil:
			if err := g.wait(ctx); err != nil {
				return nil, err
			}
			continue
		case !g.loaded:
			step = g.loadFirstPage
		case g.knownHolder(code, self) != nil:
			return g.knownHolder(code, self), nil
		case g.complete, g.free[code]:
			return nil, nil
		case g.filter == filterUntested:
			sample := g.sampleCode()
			step = func(ctx context.Context) (func(), error) { return g.testFilter(ctx, sample) }
		case g.filter == filterBroken:
			step = g.loadAll
		default:
			g.mu.Unlock()
			p, err := g.lookup(ctx, code, self)
			g.mu.Lock()
			if p == nil && err == nil && self == "" {
				g.free[code] = true
			}
			if !errors.Is(err, errFilterBroken) {
				return p, err
			}
			g.filter = filterBroken
			continue
		}
		if err := g.run(ctx, step); err != nil {
			return nil, err
		}
	}
}

// wait waits, without g.mu, for the list request in flight.
func (g *codeGuard) wait(ctx context.Context) error {
	busy := g.busy
	g.mu.Unlock()
	defer g.mu.Lock()
	select {
	case <-busy:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run makes a list request without g.mu while other checks wait, then
// applies what it learnt under g.mu. A refusal ends every later check.
func (g *codeGuard) run(ctx context.Context, step func(context.Context) (func(), error)) error {
	g.busy = make(chan struct{})
	g.mu.Unlock()
	apply, err := step(ctx)
	g.mu.Lock()
	close(g.busy)
	g.busy = nil
	if codesUncheckable(err) {
		g.refused = err
	}
	if err != nil {
		return err
	}
	apply()
	return nil
}

func (g *codeGuard) loadFirstPage(ctx context.Context) (func(), error) {
	partners, complete := g.refresh.completeList()
	if !complete {
		for page, err := range g.client.PartnerPages(ctx, 0, 0) {
			if err != nil {
				return nil, err
			}
			partners, complete = page.Content, page.Last
			break
		}
	}
	if err := g.checkListShowsCodes(ctx, partners); err != nil {
		return nil, err
	}
	return func() { g.learn(partners, complete) }, nil
}

// checkListShowsCodes reads the first listed partner by id when no listed
// partner has a code: a list that leaves codes out makes every code look unused.
func (g *codeGuard) checkListShowsCodes(ctx context.Context, listed []client.Partner) error {
	if len(listed) == 0 || slices.ContainsFunc(listed, func(p client.Partner) bool { return p.Code != "" }) {
		return nil
	}
	p, err := g.client.GetPartner(ctx, listed[0].ID)
	if err != nil {
		return err
	}
	if p.Code != "" {
		return fmt.Errorf("%w: partner %s has code %q, and its list entry has none", errListWithoutCodes, p.ID, p.Code)
	}
	return nil
}

// failsEveryCall: a refused login or an unknown tenant, past which no call gets.
func failsEveryCall(err error) bool {
	return errors.As(err, new(*client.LoginError)) || client.IsUnknownTenant(err)
}

// codesUncheckable: no code of this tenant can be checked, not only this one.
func codesUncheckable(err error) bool {
	return client.IsListRefused(err) || errors.Is(err, errListWithoutCodes)
}

func (g *codeGuard) loadAll(ctx context.Context) (func(), error) {
	all, err := g.client.ListPartners(ctx, client.PartnerFilter{})
	if err != nil {
		return nil, err
	}
	return func() { g.learn(all, true) }, nil
}

// learn adds listed partners, under g.mu; a partner this process wrote
// since keeps what it wrote.
func (g *codeGuard) learn(partners []client.Partner, complete bool) {
	for _, p := range partners {
		if _, ok := g.known[p.ID]; !ok && !g.gone[p.ID] {
			g.known[p.ID] = p
		}
	}
	g.loaded = true
	g.complete = g.complete || complete
}

// testFilter asks for the partners with a code seen on page 0: a server
// that applies the filter answers exactly those.
func (g *codeGuard) testFilter(ctx context.Context, code string) (func(), error) {
	trust := filterBroken
	if code != "" {
		found, err := g.lookup(ctx, code, "")
		if err != nil && !errors.Is(err, errFilterBroken) {
			return nil, err
		}
		if found != nil {
			trust = filterWorks
		}
	}
	return func() { g.filter = trust }, nil
}

// lookup asks the server for the partners with code and returns the first
// one other than self.
func (g *codeGuard) lookup(ctx context.Context, code, self string) (*client.Partner, error) {
	for p, err := range g.client.StreamPartners(ctx, client.PartnerFilter{Code: code}) {
		switch {
		case err != nil:
			return nil, err
		case p.Code != code:
			return nil, errFilterBroken
		case p.ID != self:
			return &p, nil
		}
	}
	return nil, nil
}

// knownHolder and sampleCode read what the guard loaded, under g.mu.
func (g *codeGuard) knownHolder(code, self string) *client.Partner {
	for id, p := range g.known {
		if p.Code == code && id != self {
			return &p
		}
	}
	return nil
}

func (g *codeGuard) sampleCode() string {
	for _, p := range g.known {
		if p.Code != "" {
			return p.Code
		}
	}
	return ""
}
