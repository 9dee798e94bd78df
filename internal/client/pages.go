package client

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"sync"
)

// PageSize is the page size requested from /v2 list endpoints.
const PageSize = 200

const (
	readAhead = 4     // list pages requested at once when their count is known
	maxPages  = 10000 // stops a server that never says "last" from looping us forever
)

// Page is one page of a /v2 list. A plain array, which some list endpoints answer, is the only page.
type Page[T any] struct {
	Content    []T  `json:"content"`
	Last       bool `json:"last"`       // no page follows; also set when empty or past TotalPages
	TotalPages int  `json:"totalPages"` // 0 when the server did not say
}

func (p *Page[T]) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		p.Last, p.TotalPages = true, 1
		return json.Unmarshal(trimmed, &p.Content)
	}
	type wrapper Page[T]
	return json.Unmarshal(data, (*wrapper)(p))
}

// items yields the items of list (a GET of a /v2 list) in order, a page at a time as the consumer asks, and an error once, last.
func items[T object](ctx context.Context, c *Client, list request) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range pages[T](ctx, c, list, 0, 0, 1) {
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

// pages is the one pager of /v2 lists: it yields the pages from page from on until the last, or an
// error once. It requests up to ahead pages at once, none past the page count (total, until a page
// gives one; without one, a page at a time), and cancels those still running when it ends.
func pages[T object](ctx context.Context, c *Client, list request, from, total, ahead int) iter.Seq2[*Page[T], error] {
	type answer struct {
		page *Page[T]
		err  error
	}
	return func(yield func(*Page[T], error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var running sync.WaitGroup
		defer running.Wait()
		defer cancel()
		var requested []chan answer // pages number, number+1, ... in order
		for number := from; number < maxPages; number++ {
			for next := number + len(requested); next == number || next < min(number+ahead, total, maxPages); next++ {
				answered := make(chan answer, 1)
				running.Go(func() {
					p, err := fetchPage[T](ctx, c, list, next)
					answered <- answer{p, err}
				})
				requested = append(requested, answered)
			}
			a := <-requested[0]
			requested = requested[1:]
			if a.err != nil {
				yield(nil, a.err)
				return
			}
			if !yield(a.page, nil) || a.page.Last {
				return
			}
			total = cmp.Or(a.page.TotalPages, total)
		}
		yield(nil, fmt.Errorf("GET %s: still not at the last page after %d pages", list.path, maxPages))
	}
}

// fetchPage reads page number (from 0) of list, without id-less entries; an empty page or one past the total is Last too.
func fetchPage[T object](ctx context.Context, c *Client, list request, number int) (*Page[T], error) {
	q := url.Values{}
	maps.Copy(q, list.query)
	q.Set("page", strconv.Itoa(number))
	q.Set("size", strconv.Itoa(PageSize))
	list.query = q
	var p Page[T]
	if err := c.do(ctx, list, &p); err != nil {
		return nil, err
	}
	p.Last = p.Last || len(p.Content) == 0 || (p.TotalPages > 0 && number+1 >= p.TotalPages)
	p.Content = slices.DeleteFunc(p.Content, func(v T) bool { return v.objectID() == "" })
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
