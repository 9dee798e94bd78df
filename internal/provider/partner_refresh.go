package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

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
	getsInsteadOfPages int                       // GETs paid instead of loading the remaining pages
	sample             *client.Partner           // the latest checking GET's answer, to compare with the list
	checked            bool                      // a list entry matched the partner's GET
	// listDone: no page is loaded any more, because the list is complete,
	// or batching is off (by setting, or the list failed or differed, which
	// also empties listed).
	listDone bool
	complete bool          // listed holds every partner: the last page is loaded and batching is on
	busy     chan struct{} // closed when the checking GET or list load in flight ends
}

// listConcurrency bounds the list pages requested at the same time.
const listConcurrency = 4

func newPartnerRefresh(c *client.Client, batch bool) *partnerRefresh {
	return &partnerRefresh{client: c, listDone: !batch, listed: make(map[string]client.Partner)}
}

type readStep int

const (
	stepServe readStep = iota // from the list
	stepGet                   // GET, without holding up other Reads
	stepCheck                 // GET, compared with the list while other Reads wait
	stepLoad                  // load list pages while other Reads wait
	stepWait                  // wait for the checking GET or list load in flight
)

// next decides, under r.mu, what a Read of id does now.
func (r *partnerRefresh) next(id string) (readStep, client.Partner) {
	p, listed := r.listed[id]
	switch {
	case listed && r.checked:
		return stepServe, p
	case !listed && r.listDone:
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
// client.IsNotFound is true when it does not exist. The diagnostics carry
// the one warning given when the list is refused or differs from GET.
func (r *partnerRefresh) Read(ctx context.Context, id string) (*client.Partner, diag.Diagnostics, error) {
	var diags diag.Diagnostics
	r.mu.Lock()
	r.reads++
	for {
		step, listed := r.next(id)
		switch step {
		case stepServe:
			r.mu.Unlock()
			return &listed, diags, nil
		case stepGet:
			r.mu.Unlock()
			p, err := r.client.GetPartner(ctx, id)
			return p, diags, err
		case stepWait:
			busy := r.busy
			r.mu.Unlock()
			select {
			case <-busy:
			case <-ctx.Done():
				return nil, diags, fmt.Errorf("waiting for the partner list: %w", ctx.Err())
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
				r.checkSample(ctx, &diags)
			}
			r.mu.Unlock()
			return p, diags, err
		case stepLoad:
			r.busy = make(chan struct{})
			from, total := r.nextPage, r.totalPages
			r.mu.Unlock()
			pages, err := r.load(ctx, from, total)
			r.mu.Lock()
			close(r.busy)
			r.busy = nil
			r.merge(pages)
			r.checkSample(ctx, &diags)
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

// checkSample compares the latest checking GET's answer with its list
// entry, once, under r.mu, and turns batching off when they differ.
func (r *partnerRefresh) checkSample(ctx context.Context, diags *diag.Diagnostics) {
	if r.checked || r.sample == nil {
		return
	}
	listed, ok := r.listed[r.sample.ID]
	if !ok {
		return
	}
	differ := listed.Diff(*r.sample).Fields()
	if len(differ) == 0 {
		r.checked = true
		return
	}
	r.stopBatching()
	id := r.sample.ID
	tflog.Warn(ctx, "the partner list differs from GET; refreshing each partner with its own GET", map[string]any{"id": id, "attributes": differ})
	diags.AddWarning("Partner refresh batching is off",
		fmt.Sprintf("The partner list's entry for partner %s differs from what GET /network/partners/%s answers, in: %s. "+
			"The list seems to leave these out, so the provider reads each partner with its own request for the rest of this run, "+
			"which costs one API call per partner. Set batch_refresh = false (SERVITLY_BATCH_REFRESH=false) to read them one by one "+
			"without this check and warning.", id, id, strings.Join(differ, ", ")))
}

// loadPages reads pages [from, to) concurrently, in order in the result.
func (r *partnerRefresh) loadPages(ctx context.Context, from, to int) ([]*client.PartnerPage, error) {
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

// load reads page 0 alone when from is 0: it tells the tenant's size.
// Later it reads every page from from on: the total pages the server
// announced, all at once, then one by one while the tenant turns out to
// have grown since.
func (r *partnerRefresh) load(ctx context.Context, from, total int) ([]*client.PartnerPage, error) {
	if from == 0 {
		return r.loadPages(ctx, 0, 1)
	}
	pages, err := r.loadPages(ctx, from, max(total, from+1))
	for err == nil && !pages[len(pages)-1].Last {
		if from+len(pages) >= maxListPages {
			return pages, fmt.Errorf("the partner list did not end after %d pages", maxListPages)
		}
		var more []*client.PartnerPage
		more, err = r.loadPages(ctx, from+len(pages), from+len(pages)+1)
		pages = append(pages, more...)
	}
	return pages, err
}

// maxListPages stops a server that never says "last".
const maxListPages = 10000

// merge adds the pages loaded from r.nextPage on, under r.mu.
func (r *partnerRefresh) merge(pages []*client.PartnerPage) {
	for _, p := range pages {
		for _, partner := range p.Partners {
			r.listed[partner.ID] = partner
		}
		r.nextPage++
		if p.TotalPages > 0 {
			r.totalPages = p.TotalPages
		}
		if p.Last {
			r.listDone, r.complete = true, true
			return
		}
	}
}

// stopBatching makes every later Read use GET. Called under r.mu.
func (r *partnerRefresh) stopBatching() {
	r.listDone, r.complete = true, false
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

// listFailed turns batching off for this process after the list failed.
// Called under r.mu.
func (r *partnerRefresh) listFailed(ctx context.Context, err error, diags *diag.Diagnostics) {
	r.stopBatching()
	fields := map[string]any{"error": err.Error()}
	if listRefused(err) {
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

// listRefused reports whether err is the partner list's own 403 or 404, in
// the API's shape: the caller may not list partners. A failed login, an
// unknown tenant or a proxy's page fails every call, and the caller's own
// error names the setting to fix.
func listRefused(err error) bool {
	var apiErr *client.APIError
	var loginErr *client.LoginError
	return errors.As(err, &apiErr) && apiErr.Structured && !errors.As(err, &loginErr) && !client.IsUnknownTenant(err) &&
		(apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusNotFound)
}

// batchRefreshDescription documents the batch_refresh provider setting.
const batchRefreshDescription = "Refresh `servitly_partner` resources from the paged partner list " +
	"(`GET /v2/network/partners`, 200 partners a request) instead of one `GET` per partner, when that is cheaper: " +
	"a plan of 1000 partners then costs about ten requests instead of 1000. A state of one partner, or a few partners " +
	"in a large tenant, is still read one by one, and a partner missing from the list is confirmed with its own " +
	"`GET` before it is removed from the state. The first partner taken from the list is also read with `GET`: if the two " +
	"differ (a list that serves summaries), the provider warns once and reads partners one by one for the rest of the run. Listing needs the `READ_ALL_PARTNERS` permission; without it the " +
	"provider warns once and reads partners one by one. Defaults to `true`. " +
	"Environment variable: `SERVITLY_BATCH_REFRESH`."

// batchRefreshSetting resolves batch_refresh and its environment variable.
func batchRefreshSetting(v types.Bool, lookup func(string) (string, bool)) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	batch, set := scalarSetting(&diags, "batch_refresh", v, v.ValueBool(), lookup, strconv.ParseBool, "use true or false.")
	return batch || !set, diags
}
