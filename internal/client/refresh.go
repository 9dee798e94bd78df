package client

import (
	"cmp"
	"context"
	"fmt"
)

// RefreshPartner reads partner id for a refresh, from the paged list when that costs fewer requests
// than one GET each (Config.BatchRefresh), deciding as reads come: the first GETs its partner, the
// next loads page 0; a read on a loaded page is served, one not pays a GET until as many are paid as
// pages remain, then the rest load (ski rental). No entry serves before one is compared with its GET,
// nor one that leaves empty a field no entry showed while known (the caller's copy; nil: an import)
// holds it: that one is read and compared. Once an entry lacks what its GET holds, or the list is
// refused, every read uses GET and one returns a BatchingOff. A partner missing from the whole list
// is confirmed with a GET.
func (c *Client) RefreshPartner(ctx context.Context, id string, known *Partner) (*Partner, *BatchingOff, error) {
	ix := c.index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	r := &ix.refresh
	r.reads++
	var off *BatchingOff // set by the one read that stopped batching for a reason to warn about
	for {
		step, listed := ix.grantStep(id, known)
		switch step {
		case stepServe:
			return &listed, nil, nil
		case stepGet:
			ix.mu.Unlock()
			p, err := c.GetPartner(ctx, id)
			ix.mu.Lock()
			if err == nil && listed.ID != "" && !ix.whole[id] {
				ix.compare(listed, *p)
			}
			return p, cmp.Or(off, ix.batchingOff()), err
		case stepWait:
			if err := ix.wait(ctx); err != nil {
				return nil, nil, err
			}
		case stepCheck:
			var p *Partner
			err := ix.run(ctx, func(ctx context.Context) (func(), error) {
				var err error
				p, err = c.GetPartner(ctx, id)
				return func() { r.sample = p }, err
			})
			if err != nil {
				return nil, nil, err
			}
			return p, cmp.Or(off, ix.checkSample()), nil
		case stepLoad:
			err := c.loadPages(ctx)
			off = ix.checkSample()
			switch {
			case err != nil && ctx.Err() != nil: // a waiting read will load again
				return nil, off, fmt.Errorf("listing partners: %w", err)
			case err != nil:
				r.failed = true
				c.logger.Warn(ctx, "listing partners failed; refreshing each partner with its own GET", map[string]any{"error": err.Error()})
				off = cmp.Or(off, ix.batchingOff())
			}
		}
	}
}

// refreshState is what RefreshPartner counts, under the index's mu.
type refreshState struct {
	disabled           bool     // Config.BatchRefresh is off
	failed             bool     // loading the list failed
	warned             bool     // a BatchingOff has been returned
	reads              int      // RefreshPartner calls so far
	getsInsteadOfPages int      // GETs granted instead of loading the remaining pages
	sample             *Partner // the latest checking GET's answer, to compare with the list
}

// BatchingOff says, once, why RefreshPartner stopped using the list: its entry for Partner
// differs from the GET in Fields, or listing was Refused.
type BatchingOff struct {
	Partner string
	Fields  []string
	Refused error
}

type readStep int

const (
	stepServe readStep = iota // from the list
	stepGet                   // GET, without holding up other reads
	stepCheck                 // GET, compared with the list while other reads wait
	stepLoad                  // load list pages while other reads wait
	stepWait                  // wait for the request in flight
)

// batching reports whether the list may still serve reads, under mu.
func (ix *partnerIndex) batching() bool {
	return !ix.refresh.disabled && !ix.refresh.failed && ix.refused == nil && len(ix.lacking) == 0
}

// grantStep decides, under mu, what a read of id does now, counting GETs granted instead of a load.
func (ix *partnerIndex) grantStep(id string, known *Partner) (readStep, Partner) {
	r := &ix.refresh
	p, listed := ix.byID[id]
	switch {
	case !ix.batching() || (!listed && ix.complete): // off, or not in the whole list: a GET decides
		return stepGet, p
	case listed && ix.compared && (ix.whole[id] || ix.vouched(p, known)):
		return stepServe, p
	case listed && ix.compared:
		return stepGet, p // an entry the list may have left short: its GET is compared
	case ix.busy != nil:
		return stepWait, p
	case listed || r.reads == 1: // the first read, or the first the list could answer
		return stepCheck, p
	case ix.nextPage == 0:
		return stepLoad, p
	case ix.totalPages == 0: // do not walk a tenant of unknown size for what may be its only partner
		return stepGet, p
	case r.getsInsteadOfPages < ix.totalPages-ix.nextPage:
		r.getsInsteadOfPages++
		return stepGet, p
	}
	return stepLoad, p
}

// checkSample compares the latest checking GET's answer with its list entry, once, under mu.
func (ix *partnerIndex) checkSample() *BatchingOff {
	if s := ix.refresh.sample; s != nil && !ix.whole[s.ID] {
		if listed, ok := ix.byID[s.ID]; ok {
			ix.compare(listed, *s)
		}
	}
	return ix.batchingOff()
}

// batchingOff is, once, why the list stopped serving reads, if worth a warning. Under mu.
func (ix *partnerIndex) batchingOff() *BatchingOff {
	r := &ix.refresh
	if r.disabled || r.warned {
		return nil
	}
	switch {
	case ix.refused != nil && r.reads > 1: // the first read needs no list
		r.warned = true
		return &BatchingOff{Refused: ix.refused}
	case len(ix.lacking) > 0:
		r.warned = true
		return &BatchingOff{Partner: ix.comparedID, Fields: ix.lacking}
	}
	return nil
}
