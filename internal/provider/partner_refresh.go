package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// partnerRefresh serves the Read of servitly_partner, refreshing partners
// from the paged partner list when that costs fewer requests than one GET
// each.
//
// Terraform refreshes every resource of a plan with its own ReadResource
// call and never says how many will come, so the rule is decided as the
// calls arrive, within one provider process (one Terraform walk, one
// configured provider):
//
//  1. The first Read uses GET /network/partners/{id}: a state of one partner
//     costs one request, as without batching.
//  2. The next Read loads page 0 of GET /v2/network/partners (200 partners).
//     That is one request, and it tells the tenant's size: in a tenant of
//     up to 200 partners it is the whole list.
//  3. A later Read whose partner is on a loaded page is answered from it. One
//     that is not pays a GET, until as many GETs have been paid as pages
//     remain to be loaded; then the remaining pages are loaded. This is the
//     ski-rental rule: it never costs more than about twice the cheaper of
//     "one GET per partner" and "the whole list", so a few partners in a
//     large tenant never make it walk the whole tenant, and N partners in a
//     tenant of about N cost about 2N/200 requests.
//  4. The list is a guess about the API, so no partner is answered from it
//     before one list entry has been compared with the same partner's GET:
//     the first Read's, when its partner is on a loaded page, or else one
//     more GET. If they differ (a list of summaries), the process warns once
//     and reads every partner with GET from then on.
//  5. A partner missing from a complete list is confirmed with a GET before
//     Read drops it from state: the list is never trusted for a deletion.
//  6. If the list is refused (403 without READ_ALL_PARTNERS, 404 on a tenant
//     without it), the process warns once and falls back to GETs; any other
//     list failure falls back too, with a log line.
//
// Nothing is kept between processes, and Terraform starts a new provider
// process for every command and walk, so a list page never outlives the
// plan that loaded it; no write of this process is ever read back from it.
type partnerRefresh struct {
	client *client.Client

	mu                 sync.Mutex
	reads              int
	listed             map[string]client.Partner // from the list pages loaded so far
	nextPage           int                       // pages 0 .. nextPage-1 are loaded
	totalPages         int                       // as the server said; 0 when it did not
	getsInsteadOfPages int                       // GETs granted instead of loading the remaining pages
	sample             *client.Partner           // the latest checking GET's answer, to compare with the list
	checked            bool                      // a list entry matched the partner's GET
	complete           bool                      // listed holds every partner
	off                bool                      // batching is off: by setting, or the list failed or differed; listed is empty
	busy               chan struct{}             // closed when the checking GET or list load in flight ends
}

func newPartnerRefresh(c *client.Client, batch bool) *partnerRefresh {
	return &partnerRefresh{client: c, off: !batch, listed: make(map[string]client.Partner)}
}

// batchingOff says why this process stopped batching, once, for Read's
// caller to warn: the list's entry for Partner differs from its GET in
// Fields, or listing partners was Refused.
type batchingOff struct {
	Partner string
	Fields  []string
	Refused error
}

type readStep int

const (
	stepServe readStep = iota // from the list
	stepGet                   // GET, without holding up other Reads
	stepCheck                 // GET, compared with the list while other Reads wait
	stepLoad                  // load list pages while other Reads wait
	stepWait                  // wait for the checking GET or list load in flight
)

// grantStep decides, under r.mu, what a Read of id does now, and counts a
// GET it grants instead of loading the remaining pages.
func (r *partnerRefresh) grantStep(id string) (readStep, client.Partner) {
	p, listed := r.listed[id]
	switch {
	case listed && r.checked:
		return stepServe, p
	case !listed && (r.complete || r.off):
		// Missing from the complete list, or batching is off: a GET decides.
		return stepGet, p
	case r.busy != nil:
		return stepWait, p
	case listed || r.reads == 1:
		// The first Read, whose GET is compared once page 0 is loaded, or
		// the first one that the list could answer.
		return stepCheck, p
	case r.nextPage == 0:
		return stepLoad, p
	case r.totalPages == 0:
		// The server did not say how many pages follow: do not walk a
		// tenant of unknown size for a partner that may be the only one.
		return stepGet, p
	case r.getsInsteadOfPages < r.totalPages-r.nextPage:
		r.getsInsteadOfPages++
		return stepGet, p
	}
	return stepLoad, p
}

// Read returns partner id as the server has it now, or an error for which
// client.IsNotFound is true when it does not exist. off is set by the one
// Read that turned batching off for a reason to warn about.
func (r *partnerRefresh) Read(ctx context.Context, id string) (p *client.Partner, off *batchingOff, err error) {
	r.mu.Lock()
	r.reads++
	for {
		step, listed := r.grantStep(id)
		switch step {
		case stepServe:
			r.mu.Unlock()
			return &listed, off, nil
		case stepGet:
			r.mu.Unlock()
			p, err := r.client.GetPartner(ctx, id)
			return p, off, err
		case stepWait:
			busy := r.busy
			r.mu.Unlock()
			select {
			case <-busy:
			case <-ctx.Done():
				return nil, off, fmt.Errorf("waiting for the partner list: %w", ctx.Err())
			}
			r.mu.Lock()
		case stepCheck:
			r.busy = make(chan struct{})
			r.mu.Unlock()
			p, err := r.client.GetPartner(ctx, id)
			r.mu.Lock()
			close(r.busy)
			r.busy = nil
			if err == nil {
				r.sample = p
				off = r.checkSample(ctx)
			}
			r.mu.Unlock()
			return p, off, err
		case stepLoad:
			r.busy = make(chan struct{})
			from, total := r.nextPage, r.totalPages
			r.mu.Unlock()
			pages, err := r.load(ctx, from, total)
			r.mu.Lock()
			close(r.busy)
			r.busy = nil
			r.merge(pages)
			off = r.checkSample(ctx)
			if err != nil && ctx.Err() != nil {
				// This Read was cancelled; a waiting one will load again.
				r.mu.Unlock()
				return nil, off, fmt.Errorf("listing partners: %w", err)
			}
			if err != nil && off == nil {
				off = r.listFailed(ctx, err)
			}
		}
	}
}

// checkSample compares the latest checking GET's answer with its list
// entry, once, under r.mu, and turns batching off when they differ.
func (r *partnerRefresh) checkSample(ctx context.Context) *batchingOff {
	if r.checked || r.sample == nil {
		return nil
	}
	listed, ok := r.listed[r.sample.ID]
	if !ok {
		return nil
	}
	var differ []string
	for _, d := range listed.Diff(*r.sample) {
		differ = append(differ, d.Field)
	}
	if differ = slices.Compact(differ); len(differ) == 0 {
		r.checked = true
		return nil
	}
	r.stopBatching()
	tflog.Warn(ctx, "the partner list differs from GET; refreshing each partner with its own GET", map[string]any{"id": r.sample.ID, "attributes": differ})
	return &batchingOff{Partner: r.sample.ID, Fields: differ}
}

// load reads page 0 alone when from is 0: it tells the tenant's size.
// Later it reads every page from from on, several at a time while the
// server says how many there are.
func (r *partnerRefresh) load(ctx context.Context, from, total int) ([]*client.Page[client.Partner], error) {
	var pages []*client.Page[client.Partner]
	for page, err := range r.client.PartnerPages(ctx, from, total) {
		if err != nil {
			return pages, err // the pages before it are as good as any
		}
		if pages = append(pages, page); from == 0 {
			break
		}
	}
	return pages, nil
}

// merge adds the pages loaded from r.nextPage on, under r.mu.
func (r *partnerRefresh) merge(pages []*client.Page[client.Partner]) {
	for _, p := range pages {
		for _, partner := range p.Content {
			r.listed[partner.ID] = partner
		}
		r.nextPage++
		if p.TotalPages > 0 {
			r.totalPages = p.TotalPages
		}
		r.complete = p.Last
	}
}

// stopBatching makes every later Read use GET. Called under r.mu.
func (r *partnerRefresh) stopBatching() {
	r.off, r.complete = true, false
	clear(r.listed)
}

// completeList returns every partner of the tenant when this process has
// loaded the whole list, so that the code guard needs no request of its own.
func (r *partnerRefresh) completeList() ([]client.Partner, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.complete {
		return nil, false
	}
	return slices.Collect(maps.Values(r.listed)), true
}

// listFailed turns batching off for this process after the list failed,
// under r.mu. Only a refusal is worth a warning.
func (r *partnerRefresh) listFailed(ctx context.Context, err error) *batchingOff {
	r.stopBatching()
	refused := client.IsListRefused(err)
	tflog.Warn(ctx, "listing partners failed; refreshing each partner with its own GET", map[string]any{"error": err.Error(), "refused": refused})
	if refused {
		return &batchingOff{Refused: err}
	}
	return nil
}
