package client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strconv"
)

// StreamPartners yields the partners matching f one at a time, walking the
// pages of GET /v2/network/partners lazily: a page is fetched only when the
// consumer asks for a partner beyond the previous one, so stopping the loop
// (after a limit, say) stops the paging too. An error is yielded once, with
// a zero Partner, and ends the stream. Entries without an id are skipped.
func (c *Client) StreamPartners(ctx context.Context, f PartnerFilter) iter.Seq2[Partner, error] {
	const path = "/v2/network/partners"
	return func(yield func(Partner, error) bool) {
		for number := 0; number < maxPages; number++ {
			q := f.query()
			q.Set("page", strconv.Itoa(number))
			q.Set("size", strconv.Itoa(PageSize))
			var p page[Partner]
			if err := c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &p); err != nil {
				yield(Partner{}, err)
				return
			}
			for _, partner := range p.Content {
				if partner.ID == "" {
					continue
				}
				if !yield(partner, nil) {
					return
				}
			}
			if p.isLast(number) {
				return
			}
		}
		yield(Partner{}, fmt.Errorf("GET %s: still not at the last page after %d pages", path, maxPages))
	}
}
