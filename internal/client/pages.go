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
// instead; UnmarshalJSON accepts both.
type page[T any] struct {
	Content    []T  `json:"content"`
	Last       bool `json:"last"`
	TotalPages int  `json:"totalPages"`
	plainArray bool
}

func (p *page[T]) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		p.plainArray = true
		return json.Unmarshal(trimmed, &p.Content)
	}
	type wrapper page[T]
	return json.Unmarshal(data, (*wrapper)(p))
}

// isLast reports whether no page follows page number: the server said so,
// the page was empty or past the announced total, or it was a plain array
// (which holds everything).
func (p *page[T]) isLast(number int) bool {
	return p.plainArray || p.Last || len(p.Content) == 0 || (p.TotalPages > 0 && number+1 >= p.TotalPages)
}

// items yields the items of every page of a /v2 list, in order, fetching a
// page only when the consumer wants an item beyond the previous one, so a
// consumer that stops early stops the paging too. An error is yielded once,
// with a zero item, and ends the sequence.
func items[T any](ctx context.Context, c *Client, path string, query url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for number := 0; number < maxPages; number++ {
			p, err := fetchPage[T](ctx, c, path, query, number)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range p.Content {
				if !yield(item, nil) {
					return
				}
			}
			if p.isLast(number) {
				return
			}
		}
		yield(zero, fmt.Errorf("GET %s: still not at the last page after %d pages", path, maxPages))
	}
}

// fetchPage reads page number (from 0) of a /v2 list, PageSize items a page.
func fetchPage[T any](ctx context.Context, c *Client, path string, query url.Values, number int) (*page[T], error) {
	q := maps.Clone(query)
	if q == nil {
		q = url.Values{}
	}
	q.Set("page", strconv.Itoa(number))
	q.Set("size", strconv.Itoa(PageSize))
	var p page[T]
	return &p, c.do(ctx, request{method: http.MethodGet, path: path, query: q}, &p)
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
