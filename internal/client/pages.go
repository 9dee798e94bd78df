package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// PageSize is the page size requested from /v2 list endpoints.
const PageSize = 200

// maxPages stops a server that never says "last" from looping us forever.
const maxPages = 10000

// listConcurrency bounds the pages of one list requested at the same time.
const listConcurrency = 4

// page is the /v2 list wrapper. Some list endpoints answer a plain array
// instead, which holds everything: it decodes as the only, last page.
type page[T any] struct {
	Content    []T  `json:"content"`
	Last       bool `json:"last"`
	TotalPages int  `json:"totalPages"`
}

func (p *page[T]) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		p.Last = true
		p.TotalPages = 1
		return json.Unmarshal(trimmed, &p.Content)
	}
	type wrapper page[T]
	return json.Unmarshal(data, (*wrapper)(p))
}

// items yields the items of every page of a /v2 list, in order, fetching a
// page only when the consumer wants an item beyond the previous one, so a
// consumer that stops early stops the paging too. An error is yielded once,
// with a zero item, and ends the sequence.
func items[T any](ctx context.Context, c *Client, path string, query url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range pages[T](ctx, c, path, query, 0, 0) {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range p.Content {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// pages is the one pager of /v2 lists: it yields the pages from page from
// on, in order, until the last. It requests one page at a time, except the
// pages before total, the count of pages announced by an earlier answer
// when known: those go listConcurrency at a time. An error is yielded once,
// with a nil page, after the pages before it, and ends the sequence.
func pages[T any](ctx context.Context, c *Client, path string, query url.Values, from, total int) iter.Seq2[*page[T], error] {
	return func(yield func(*page[T], error) bool) {
		for number := from; number < maxPages; {
			batch := make([]*page[T], min(max(total-number, 1), listConcurrency, maxPages-number))
			g, gctx := errgroup.WithContext(ctx)
			for i := range batch {
				g.Go(func() (err error) {
					batch[i], err = fetchPage[T](gctx, c, path, query, number+i)
					return err
				})
			}
			err := g.Wait()
			for _, p := range batch {
				if p == nil {
					break // the pages after a failed one wait for it
				}
				if !yield(p, nil) || p.Last {
					return
				}
				number++
			}
			if err != nil {
				yield(nil, err)
				return
			}
		}
		yield(nil, fmt.Errorf("GET %s: still not at the last page after %d pages", path, maxPages))
	}
}

// fetchPage reads page number (from 0) of a /v2 list, PageSize items a page.
// Last is also set when the page was empty or past the announced total.
func fetchPage[T any](ctx context.Context, c *Client, path string, query url.Values, number int) (*page[T], error) {
	q := url.Values{}
	maps.Copy(q, query)
	q.Set("page", strconv.Itoa(number))
	q.Set("size", strconv.Itoa(PageSize))
	var p page[T]
	if err := c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &p); err != nil {
		return nil, err
	}
	p.Last = p.Last || len(p.Content) == 0 || (p.TotalPages > 0 && number+1 >= p.TotalPages)
	return &p, nil
}

// collect gathers a whole sequence, or its error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}
