package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// slowList serves a list of one-partner pages, p0, p1, ..., each answered
// after a delay that shrinks with the page number, so that pages requested
// together arrive out of order. It records the most requests it served at
// once.
type slowList struct {
	pages     int
	withCount bool                                  // say totalPages
	hold      func(page int, r *http.Request) error // when set, answers page instead of the delay
	mu        sync.Mutex
	running   int
	most      int
}

func (s *slowList) serve(w http.ResponseWriter, r *http.Request, _ []byte) {
	number, _ := strconv.Atoi(r.URL.Query().Get("page"))
	s.mu.Lock()
	s.running++
	s.most = max(s.most, s.running)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running--
		s.mu.Unlock()
	}()
	if s.hold != nil {
		if err := s.hold(number, r); err != nil {
			writeJSON(w, http.StatusForbidden, fmt.Sprintf(`{"message":%q}`, err))
			return
		}
	} else {
		time.Sleep(time.Duration(s.pages-number) * 10 * time.Millisecond)
	}
	count := ""
	if s.withCount {
		count = fmt.Sprintf(`,"totalPages":%d`, s.pages)
	}
	writeJSON(w, http.StatusOK, fmt.Sprintf(`{"content":[{"id":"p%d"}],"last":%v%s}`, number, number == s.pages-1, count))
}

func (s *slowList) mostAtOnce() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most
}

// walk reads PartnerPages(from, total) to the end, or up to stop pages,
// and returns the ids in the order yielded and the errors.
func walk(t *testing.T, c *Client, from, total, stop int) (ids string, errs []error) {
	t.Helper()
	n := 0
	for page, err := range c.PartnerPages(context.Background(), from, total) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, p := range page.Content {
			ids += p.ID + " "
		}
		if n++; n == stop {
			break
		}
	}
	return ids, errs
}

func idsOf(from, to int) string {
	ids := ""
	for i := from; i < to; i++ {
		ids += fmt.Sprintf("p%d ", i)
	}
	return ids
}

func TestPartnerPagesReadAhead(t *testing.T) {
	for _, tc := range []struct {
		name        string
		from, total int
		withCount   bool
		wantMost    int
	}{
		{"four at a time once page 0 gives the count", 0, 0, true, readAhead},
		{"four at a time from the caller's count", 6, 10, true, readAhead},
		{"one at a time when the server gives no count", 0, 0, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list := &slowList{pages: 10, withCount: tc.withCount}
			srv := newAPIServer(t, list.serve)
			ids, errs := walk(t, newTestClient(t, fastConfig(srv.URL)), tc.from, tc.total, 0)
			if len(errs) > 0 || ids != idsOf(tc.from, 10) {
				t.Errorf("got %q, %v; want %q in order", ids, errs, idsOf(tc.from, 10))
			}
			if n := len(srv.requests()); n != 10-tc.from {
				t.Errorf("%d requests, want %d", n, 10-tc.from)
			}
			if most := list.mostAtOnce(); most != tc.wantMost {
				t.Errorf("at most %d requests at a time, want %d", most, tc.wantMost)
			}
		})
	}
}

// blockAfter makes page k of list answer once the readAhead-1 pages after
// it are being served (refused, when refuse is set), and leaves those
// unanswered: only the client's cancelling ends them, which ended reports.
func blockAfter(t *testing.T, list *slowList, k int, refuse bool) (ended chan int) {
	arrived, ended := make(chan int, readAhead), make(chan int, readAhead)
	list.hold = func(page int, r *http.Request) error {
		switch {
		case page == k:
			for range readAhead - 1 {
				select {
				case <-arrived:
				case <-time.After(10 * time.Second):
					t.Errorf("the pages after %d were not requested with it", k)
					return nil
				}
			}
			if refuse {
				return fmt.Errorf("page %d refused", page)
			}
		case page > k:
			arrived <- page
			select {
			case <-r.Context().Done():
				ended <- page
			case <-time.After(10 * time.Second):
				t.Errorf("page %d was not cancelled", page)
			}
		}
		return nil
	}
	return ended
}

// waitCancelled fails unless the readAhead-1 pages blocked by blockAfter
// end: the client cancelled them, and the server noticed.
func waitCancelled(t *testing.T, ended chan int) {
	t.Helper()
	for range readAhead - 1 {
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Fatal("a page read ahead is still being served after the sequence ended")
		}
	}
}

func TestPartnerPagesReadAheadError(t *testing.T) {
	list := &slowList{pages: 10, withCount: true}
	ended := blockAfter(t, list, 5, true)
	srv := newAPIServer(t, list.serve)
	ids, errs := walk(t, newTestClient(t, fastConfig(srv.URL)), 0, 0, 0)
	if ids != idsOf(0, 5) || len(errs) != 1 || !IsStatus(errs[0], http.StatusForbidden) {
		t.Errorf("got %q, then errors %v; want %q, then the 403 once", ids, errs, idsOf(0, 5))
	}
	waitCancelled(t, ended)
}

func TestPartnerPagesStopCancelsReadAhead(t *testing.T) {
	list := &slowList{pages: 10, withCount: true}
	ended := blockAfter(t, list, 1, false)
	srv := newAPIServer(t, list.serve)
	if ids, errs := walk(t, newTestClient(t, fastConfig(srv.URL)), 0, 0, 2); ids != idsOf(0, 2) || len(errs) > 0 {
		t.Fatalf("got %q, %v; want %q", ids, errs, idsOf(0, 2))
	}
	waitCancelled(t, ended)
	if n := len(srv.requests()); n != 1+readAhead {
		t.Errorf("%d requests, want page 0 and the %d requested with page 1", n, readAhead)
	}
}
