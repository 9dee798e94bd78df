package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

// partnerReads serves the Read of servitly_partner, refreshing partners from
// the paged partner list when that costs fewer requests than one GET each.
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
//  4. A partner missing from a complete list is confirmed with a GET before
//     Read drops it from state: the list is never trusted for a deletion.
//  5. The provider's own writes win over list pages: create and update store
//     the answer, delete drops the entry so that a later Read asks again.
//  6. If the list is refused (403 without READ_ALL_PARTNERS, 404 on a tenant
//     without it), the process warns once and falls back to GETs; any other
//     list failure falls back too, with a log line.
//
// Nothing is kept between processes, and Terraform starts new provider
// processes for every command and walk, so cached data never outlives the
// current Terraform run.
type partnerReads struct {
	client *client.Client
	batch  bool

	mu         sync.Mutex
	reads      int
	listed     map[string]client.Partner  // from the list pages loaded so far
	written    map[string]*client.Partner // this process's writes; nil means deleted
	nextPage   int                        // pages 0 .. nextPage-1 are loaded
	totalPages int                        // as the server said; 0 when it did not
	complete   bool                       // every page is loaded
	rented     int                        // GETs paid instead of loading the remaining pages
	off        bool                       // batching off: by setting, or the list failed
	loading    chan struct{}              // closed when the page load in flight ends
}

// listConcurrency bounds the list pages requested at the same time.
const listConcurrency = 4

func newPartnerReads(c *client.Client, batch bool) *partnerReads {
	return &partnerReads{
		client:  c,
		batch:   batch,
		off:     !batch,
		listed:  make(map[string]client.Partner),
		written: make(map[string]*client.Partner),
	}
}

type readStep int

const (
	stepServe readStep = iota
	stepGet
	stepWait
	stepLoadFirst
	stepLoadRest
)

// next decides, under r.mu, what a Read of id does now.
func (r *partnerReads) next(id string) (readStep, client.Partner) {
	if w, ok := r.written[id]; ok {
		if w == nil {
			return stepGet, client.Partner{}
		}
		return stepServe, *w
	}
	if p, ok := r.listed[id]; ok {
		return stepServe, p
	}
	switch {
	case r.off || r.complete:
		// r.complete: the partner is missing from the list; a GET decides.
		return stepGet, client.Partner{}
	case r.loading != nil:
		return stepWait, client.Partner{}
	case r.nextPage == 0:
		if r.reads <= 1 {
			return stepGet, client.Partner{}
		}
		return stepLoadFirst, client.Partner{}
	case r.totalPages == 0:
		// The server did not say how many pages follow: do not walk a
		// tenant of unknown size for a partner that may be the only one.
		return stepGet, client.Partner{}
	case r.rented < r.totalPages-r.nextPage:
		r.rented++
		return stepGet, client.Partner{}
	}
	return stepLoadRest, client.Partner{}
}

// Read returns partner id as the server has it now, or an error for which
// client.IsNotFound is true when it does not exist. The diagnostics carry
// the one warning given when the list is refused.
func (r *partnerReads) Read(ctx context.Context, id string) (*client.Partner, diag.Diagnostics, error) {
	var diags diag.Diagnostics
	r.mu.Lock()
	r.reads++
	for {
		step, cached := r.next(id)
		switch step {
		case stepServe:
			r.mu.Unlock()
			return &cached, diags, nil
		case stepGet:
			r.mu.Unlock()
			p, err := r.client.GetPartner(ctx, id)
			return p, diags, err
		case stepWait:
			loading := r.loading
			r.mu.Unlock()
			select {
			case <-loading:
			case <-ctx.Done():
				return nil, diags, fmt.Errorf("waiting for the partner list: %w", ctx.Err())
			}
			r.mu.Lock()
		case stepLoadFirst, stepLoadRest:
			r.loading = make(chan struct{})
			from := r.nextPage
			r.mu.Unlock()
			var pages []*client.PartnerPage
			var err error
			if step == stepLoadFirst {
				pages, err = r.loadPages(ctx, 0, 1)
			} else {
				pages, err = r.loadRest(ctx, from)
			}
			r.mu.Lock()
			r.merge(pages)
			close(r.loading)
			r.loading = nil
			if err != nil && ctx.Err() != nil {
				// This Read was cancelled; a waiting one will load again.
				r.mu.Unlock()
				return nil, diags, fmt.Errorf("listing partners: %w", err)
			}
			if err != nil {
				r.listFailed(ctx, err, &diags)
			}
		}
	}
}

// loadPages reads pages [from, to) concurrently, in order in the result.
func (r *partnerReads) loadPages(ctx context.Context, from, to int) ([]*client.PartnerPage, error) {
	pages := make([]*client.PartnerPage, to-from)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(listConcurrency)
	for i := range pages {
		g.Go(func() error {
			p, err := r.client.ListPartnersPage(gctx, from+i)
			pages[i] = p
			return err
		})
	}
	err := g.Wait()
	// Keep the leading pages that arrived: they are as good as any.
	for i, p := range pages {
		if p == nil {
			return pages[:i], err
		}
	}
	return pages, err
}

// loadRest reads every page from from on: the pages the first page
// announced, all at once, then one by one while the tenant turns out to
// have grown since.
func (r *partnerReads) loadRest(ctx context.Context, from int) ([]*client.PartnerPage, error) {
	r.mu.Lock()
	total := r.totalPages
	r.mu.Unlock()
	pages, err := r.loadPages(ctx, from, max(total, from+1))
	for err == nil && len(pages) > 0 && !pages[len(pages)-1].Last && from+len(pages) < maxListPages {
		var more []*client.PartnerPage
		more, err = r.loadPages(ctx, from+len(pages), from+len(pages)+1)
		pages = append(pages, more...)
	}
	if err == nil && len(pages) > 0 && !pages[len(pages)-1].Last {
		err = fmt.Errorf("the partner list did not end after %d pages", maxListPages)
	}
	return pages, err
}

// maxListPages stops a server that never says "last".
const maxListPages = 10000

// merge adds loaded pages (a run starting at r.nextPage) under r.mu.
func (r *partnerReads) merge(pages []*client.PartnerPage) {
	for _, p := range pages {
		if p.Number != r.nextPage {
			break
		}
		for _, partner := range p.Partners {
			r.listed[partner.ID] = partner
		}
		r.nextPage++
		if p.TotalPages > 0 {
			r.totalPages = p.TotalPages
		}
		if p.Last {
			r.complete = true
			break
		}
	}
}

// listFailed turns batching off for this process after the list failed.
// Called under r.mu.
func (r *partnerReads) listFailed(ctx context.Context, err error, diags *diag.Diagnostics) {
	r.off = true
	fields := map[string]any{"error": err.Error()}
	if client.IsForbidden(err) || client.IsNotFound(err) {
		tflog.Warn(ctx, "listing partners was refused; refreshing each partner with its own GET", fields)
		diags.AddWarning("Partner refresh batching is off",
			fmt.Sprintf("Listing partners to refresh them a page at a time was refused: %v\n\n"+
				"The provider reads each partner with its own request instead, which costs one API call per partner "+
				"on every plan. Grant READ_ALL_PARTNERS to the user and the API key so that partners are refreshed "+
				"from the list, or set batch_refresh = false (SERVITLY_BATCH_REFRESH=false) to read them one by one "+
				"without this warning.", err))
		return
	}
	tflog.Warn(ctx, "listing partners failed; refreshing each partner with its own GET", fields)
}

// remember stores what a create or update answered, so that a later Read in
// this process sees the write.
func (r *partnerReads) remember(p *client.Partner) {
	if r == nil || p == nil {
		return
	}
	stored := *p
	r.mu.Lock()
	r.written[p.ID] = &stored
	r.mu.Unlock()
}

// forget records a delete: a later Read in this process asks the server.
func (r *partnerReads) forget(id string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.written[id] = nil
	r.mu.Unlock()
}

// batchRefreshDescription documents the batch_refresh provider setting.
const batchRefreshDescription = "Refresh `servitly_partner` resources from the paged partner list " +
	"(`GET /v2/network/partners`, 200 partners a request) instead of one `GET` per partner, when that is cheaper: " +
	"a plan of 1000 partners then costs about ten requests instead of 1000. A state of one partner, or a few partners " +
	"in a large tenant, is still read one by one, and a partner missing from the list is confirmed with its own " +
	"`GET` before it is removed from the state. Listing needs the `READ_ALL_PARTNERS` permission; without it the " +
	"provider warns once and reads partners one by one. Defaults to `true`. " +
	"Environment variable: `SERVITLY_BATCH_REFRESH`."

// batchRefreshSetting resolves batch_refresh and its environment variable.
func batchRefreshSetting(v types.Bool, lookup func(string) (string, bool)) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	const name = "batch_refresh"
	switch {
	case v.IsUnknown():
		diags.AddAttributeError(path.Root(name), "Unknown value for "+name,
			fmt.Sprintf("%q must be known when the provider is configured; use a literal or the %s environment variable.", name, envVar(name)))
		return true, diags
	case !v.IsNull():
		return v.ValueBool(), diags
	}
	s, ok := lookup(envVar(name))
	if !ok || strings.TrimSpace(s) == "" {
		return true, diags
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Invalid "+envVar(name),
			fmt.Sprintf("%s is %q; use true or false.", envVar(name), s))
		return true, diags
	}
	return b, diags
}

// readPartner is Read's one way to fetch a partner: batched when the
// provider was configured, a plain GET otherwise.
func (r *partnerResource) readPartner(ctx context.Context, id string) (*client.Partner, diag.Diagnostics, error) {
	if r.partners == nil {
		p, err := r.client.GetPartner(ctx, id)
		return p, nil, err
	}
	return r.partners.Read(ctx, id)
}
