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
)

// PageSize is the page size requested from /v2 list endpoints.
const PageSize = 200

// maxPages stops a server that never says "last" from looping us forever.
const maxPages = 10000

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
		for p, err := range pages[T](ctx, c, path, query, 0) {
			if err != nil {
				yield(*new(T), err)
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
// on, in order, until the last, fetching each only when the consumer asks
// for it. An error is yielded once, with a nil page, and ends the sequence.
func pages[T any](ctx context.Context, c *Client, path string, query url.Values, from int) iter.Seq2[*page[T], error] {
	return func(yield func(*page[T], error) bool) {
		for number := from; number < maxPages; number++ {
			p, err := fetchPage[T](ctx, c, path, query, number)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(p, nil) || p.Last {
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
