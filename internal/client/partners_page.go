package client

import "context"

// PartnerPage is one page of the list of every partner of the tenant.
type PartnerPage struct {
	Number   int
	Partners []Partner
	// Last is true when no page follows: the server said so, the page was
	// empty, or it answered a plain array (which holds every partner).
	Last bool
	// TotalPages is the server's count of pages, 0 when it did not say.
	TotalPages int
}

// ListPartnersPage reads page number (from 0) of the unfiltered partner
// list, PageSize partners per page. Entries without an id are dropped: they
// cannot be matched to anything.
func (c *Client) ListPartnersPage(ctx context.Context, number int) (*PartnerPage, error) {
	p, err := fetchPage[Partner](ctx, c, partnersListPath, nil, number)
	if err != nil {
		return nil, err
	}
	out := &PartnerPage{
		Number:     number,
		Partners:   make([]Partner, 0, len(p.Content)),
		Last:       p.isLast(number),
		TotalPages: p.TotalPages,
	}
	if p.plainArray {
		out.TotalPages = 1
	}
	for _, partner := range p.Content {
		if partner.ID != "" {
			out.Partners = append(out.Partners, partner)
		}
	}
	return out, nil
}
