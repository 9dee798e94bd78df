package client

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
)

// indexes are what a Client knows of each list.
type indexes struct {
	index *partnerIndex
	orgs  organizationIndex
}

// partnerIndex is what one Client knows of the partners and of how the server lists them. mu guards
// every field; while one caller makes the list requests (busy), the others wait, then decide again.
type partnerIndex struct {
	mu   sync.Mutex
	busy chan struct{} // closed when the list request in flight ends

	byID       map[string]Partner // from list pages, then this Client's writes
	whole      map[string]bool    // byID holds the whole partner, from its GET or this Client's write
	gone       map[string]bool    // deleted by this Client: never learnt again from a page
	unused     map[string]bool    // codes a trusted lookup found on no partner
	unchecked  map[string]Partner // refreshed partners SharedCodes has yet to check
	nextPage   int                // pages 0 .. nextPage-1 are loaded
	totalPages int                // as the server said; 0 when it did not
	complete   bool               // byID holds every partner of the tenant
	refused    error              // loading the list was refused: IsListRefused

	compared   bool             // a list entry has been compared with its partner's GET
	comparedID string           // the first partner whose entry lacked a field
	lacking    []string         // the fields entries left empty or zero where GET held a value
	shows      map[string]bool  // optional fields that list entries are seen to hold
	filters    map[string]trait // by filter key: honoured, or ignored or misread
	refresh    refreshState     // the refresh's batching rule (refresh.go)
}

// trait is a yes-or-no fact about the server, unknown until shown.
type trait int

const (
	unknown trait = iota
	yes
	no
)

func newIndexes(cfg Config) indexes {
	return indexes{index: &partnerIndex{refresh: refreshState{disabled: !cfg.BatchRefresh}, byID: map[string]Partner{}, whole: map[string]bool{}, gone: map[string]bool{}, unused: map[string]bool{}, unchecked: map[string]Partner{},
		shows: map[string]bool{}, filters: map[string]trait{"organization_id": no}}}
}

// wait waits, without mu, for the list request in flight; called, and returns, with mu held.
func (ix *partnerIndex) wait(ctx context.Context) error {
	busy := ix.busy
	ix.mu.Unlock()
	defer ix.mu.Lock()
	select {
	case <-busy:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the partner list: %w", ctx.Err())
	}
}

// run calls fn without mu while other callers wait, then applies what it learnt. Called with mu held and busy nil.
func (ix *partnerIndex) run(ctx context.Context, fn func(context.Context) (apply func(), err error)) error {
	ix.busy = make(chan struct{})
	ix.mu.Unlock()
	apply, err := fn(ctx)
	ix.mu.Lock()
	close(ix.busy)
	ix.busy = nil
	if apply != nil {
		apply()
	}
	return err
}

// loadPages loads page 0 alone (it tells the size), then the rest, keeping pages before a failure. Under mu, busy nil.
func (c *Client) loadPages(ctx context.Context) error {
	ix := c.index
	from, total := ix.nextPage, ix.totalPages
	err := ix.run(ctx, func(ctx context.Context) (func(), error) {
		var pages []*Page[Partner]
		var err error
		for page, pageErr := range c.PartnerPages(ctx, from, total) {
			if err = pageErr; err != nil {
				break
			}
			if pages = append(pages, page); from == 0 {
				break
			}
		}
		return func() { ix.merge(pages) }, err
	})
	if IsListRefused(err) {
		ix.refused = err
	}
	return err
}

// merge adds loaded pages, under mu, but not over this Client's writes and deletes.
func (ix *partnerIndex) merge(pages []*Page[Partner]) {
	for _, p := range pages {
		for _, partner := range p.Content {
			if !ix.whole[partner.ID] && !ix.gone[partner.ID] {
				ix.byID[partner.ID] = partner
			}
			ix.noteShown(partner)
		}
		ix.nextPage++
		if p.TotalPages > 0 {
			ix.totalPages = p.TotalPages
		}
		ix.complete = p.Last
	}
}

// compare notes the fields entry listed leaves empty or zero where its GET p holds a value (others are edits). Under mu.
func (ix *partnerIndex) compare(listed, p Partner) {
	ix.compared = true
	for _, d := range listed.Diff(p) {
		if (d.Value == "" || d.Value == "0") && !slices.Contains(ix.lacking, d.Field) {
			ix.comparedID = cmp.Or(ix.comparedID, p.ID)
			ix.lacking = append(ix.lacking, d.Field)
		}
	}
}

// noteShown records the optional fields a list entry holds, under mu.
func (ix *partnerIndex) noteShown(listed Partner) {
	for _, f := range optionalFields {
		if f.holds(listed) {
			ix.shows[f.name] = true
		}
	}
}

// vouched reports whether list entry p may stand for its GET: no compared entry lacked a field, and each
// field p leaves empty some entry holds, or known (the caller's copy, if any) leaves empty too. Under mu.
func (ix *partnerIndex) vouched(p Partner, known *Partner) bool {
	if !ix.compared || len(ix.lacking) > 0 {
		return false
	}
	return !slices.ContainsFunc(optionalFields, func(f partnerField) bool {
		return !f.holds(p) && !ix.shows[f.name] && (known == nil || f.holds(*known))
	})
}

// wholeOr is the whole partner p if this Client has read or written it, else p; under mu.
func (ix *partnerIndex) wholeOr(p Partner) (Partner, bool) {
	if ix.whole[p.ID] {
		return ix.byID[p.ID], true
	}
	return p, false
}

// learn records p, from its GET or this Client's write, as whole and newer than any page. Under mu.
func (ix *partnerIndex) learn(p Partner) {
	if !ix.gone[p.ID] {
		ix.byID[p.ID] = p
		ix.whole[p.ID] = true
	}
}

// wrote records a partner this Client created or updated.
func (ix *partnerIndex) wrote(p *Partner) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.learn(*p)
}

// deleted records a partner this Client deleted.
func (ix *partnerIndex) deleted(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	delete(ix.byID, id)
	ix.gone[id] = true
}
