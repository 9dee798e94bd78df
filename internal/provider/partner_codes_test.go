package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Unit tests of the code guard (partner_codes.go) against the emulator,
// counting the list requests each way of checking costs.

func newTestCodeGuard(t *testing.T, s *refreshServer) *codeGuard {
	t.Helper()
	c := s.client(t)
	return newCodeGuard(c, newPartnerRefresh(c, true))
}

func (s *refreshServer) listRequests() int { return s.Stats().ByRoute[routeList] }

// holderOf fails the test on an error and returns the holder's id, or "".
func holderOf(t *testing.T, g *codeGuard, code, self string) string {
	t.Helper()
	p, err := g.holder(context.Background(), code, self)
	if err != nil {
		t.Fatalf("holder(%q): %v", code, err)
	}
	if p == nil {
		return ""
	}
	return p.ID
}

func TestCodeGuard_smallTenantCostsOneRequest(t *testing.T) {
	s := newRefreshServer(t, emulator.Options{})
	seeded := s.seed(150)
	g := newTestCodeGuard(t, s)

	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if id := holderOf(t, g, fmt.Sprintf("NEW-%d", i), ""); id != "" {
				t.Errorf("NEW-%d: held by %s, want unused", i, id)
			}
		})
	}
	wg.Wait()
	if got := holderOf(t, g, "P00149", ""); got != seeded[149].ID {
		t.Errorf("P00149 held by %q, want %s", got, seeded[149].ID)
	}
	if got := holderOf(t, g, "P00149", seeded[149].ID); got != "" {
		t.Errorf("P00149 excluding its own partner is held by %q, want unused", got)
	}
	if n := s.listRequests(); n != 1 {
		t.Errorf("51 checks in a tenant of 150 partners cost %d list requests, want 1 (page 0)", n)
	}
}

func TestCodeGuard_usesTheRefreshsCompleteList(t *testing.T) {
	s := newRefreshServer(t, emulator.Options{})
	seeded := s.seed(3)
	c := s.client(t)
	refresh := newPartnerRefresh(c, true)
	readAll(t, refresh, []string{seeded[0].ID, seeded[1].ID, seeded[2].ID})
	before := s.listRequests()
	g := newCodeGuard(c, refresh)
	if got := holderOf(t, g, "P00002", ""); got != seeded[2].ID {
		t.Errorf("P00002 held by %q, want %s", got, seeded[2].ID)
	}
	if n := s.listRequests() - before; n != 0 {
		t.Errorf("the check cost %d list requests after the refresh had loaded the whole list, want 0", n)
	}
}

func TestCodeGuard_largeTenant(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts emulator.Options
		// lists is the list requests for two checks of new codes and one of
		// a code past page 0.
		lists int
	}{
		// page 0, the filter test, then one lookup per code
		{"filter applied", emulator.Options{}, 1 + 1 + 3},
		// page 0, the filter test, then every page once (450 partners: 3 pages)
		{"filter ignored", emulator.Options{IgnoreListFilters: true}, 1 + 1 + 3},
		{"filter read literally", emulator.Options{LiteralFilterValues: true}, 1 + 1 + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRefreshServer(t, tc.opts)
			seeded := s.seed(450)
			g := newTestCodeGuard(t, s)
			for _, code := range []string{"NEW-1", "NEW-2"} {
				if got := holderOf(t, g, code, ""); got != "" {
					t.Errorf("%s held by %s, want unused", code, got)
				}
			}
			if got := holderOf(t, g, "P00420", ""); got != seeded[420].ID {
				t.Errorf("P00420 (page 2) held by %q, want %s", got, seeded[420].ID)
			}
			if n := s.listRequests(); n != tc.lists {
				t.Errorf("3 checks cost %d list requests, want %d", n, tc.lists)
			}
			// A code found unused is not asked again.
			before := s.listRequests()
			holderOf(t, g, "NEW-1", "")
			if n := s.listRequests() - before; n != 0 {
				t.Errorf("checking NEW-1 again cost %d list requests, want 0", n)
			}
		})
	}
}

func TestCodeGuard_thisProcesssWrites(t *testing.T) {
	s := newRefreshServer(t, emulator.Options{})
	old := s.AddPartner(emulator.Partner{Name: "Old", Code: "X"})
	g := newTestCodeGuard(t, s)
	if got := holderOf(t, g, "X", ""); got != old.ID {
		t.Fatalf("X held by %q, want %s", got, old.ID)
	}
	// Deleted by this apply (a replacement's old object): X is free, even
	// when a list answer from before the delete arrives afterwards.
	s.DeletePartner(old.ID)
	g.deleted(old.ID)
	g.mu.Lock()
	g.learn([]client.Partner{{ID: old.ID, Code: "X"}}, true)
	g.mu.Unlock()
	if got := holderOf(t, g, "X", ""); got != "" {
		t.Errorf("X held by %s after this process deleted it", got)
	}
	g.wrote(&client.Partner{ID: "new", Code: "X"})
	if got := holderOf(t, g, "X", ""); got != "new" {
		t.Errorf("X held by %q after this process created it, want new", got)
	}
}

func TestCodeGuard_claims(t *testing.T) {
	s := newRefreshServer(t, emulator.Options{})
	g := newTestCodeGuard(t, s)
	ctx := context.Background()
	if c, err := g.plan(ctx, "Z", ""); c != nil || err != nil {
		t.Fatalf("first plan of Z: conflict %+v, error %v", c, err)
	}
	if c, _ := g.plan(ctx, "Z", ""); c == nil || c.Holder != nil {
		t.Errorf("a second resource planning Z: conflict %+v, want one with no holder", c)
	}
	release, c, err := g.reserve(ctx, "Z", "")
	if c != nil || err != nil {
		t.Fatalf("reserving Z: conflict %+v, error %v", c, err)
	}
	if _, c, _ := g.reserve(ctx, "Z", ""); c == nil || c.Holder != nil {
		t.Errorf("a second write of Z while the first is under way: conflict %+v, want one with no holder", c)
	}
	release()
	if _, c, _ := g.reserve(ctx, "Z", ""); c != nil {
		t.Errorf("reserving Z after the first write ended: conflict %+v", c)
	}
}

func TestCodeGuard_listRefused(t *testing.T) {
	s := newRefreshServer(t, emulator.Options{})
	s.refuseList(http.StatusForbidden)
	g := newTestCodeGuard(t, s)
	_, err := g.holder(context.Background(), "X", "")
	if !client.IsListRefused(err) {
		t.Fatalf("holder with the list refused: %v, want the list's refusal", err)
	}
	if _, err := g.holder(context.Background(), "Y", ""); !client.IsListRefused(err) || s.refusedLists() != 1 {
		t.Errorf("a second check: %v after %d refused list requests, want the refusal again without asking", err, s.refusedLists())
	}
	if !g.firstRefusal() || g.firstRefusal() {
		t.Error("firstRefusal must be true once, then false")
	}
}

// A list that leaves codes out would make every code look unused: the guard
// reads one partner by id to tell that list from a tenant without codes.
func TestCodeGuard_listWithoutCodes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    emulator.Options
		coded   bool
		wantErr error
		gets    int
	}{
		{"codes left out", emulator.Options{ListWithoutCodes: true}, true, errListWithoutCodes, 1},
		{"no partner has a code", emulator.Options{}, false, nil, 1},
		{"codes shown", emulator.Options{}, true, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRefreshServer(t, tc.opts)
			code := ""
			if tc.coded {
				code = "HELD"
			}
			s.AddPartner(emulator.Partner{Name: "First", Code: code})
			g := newTestCodeGuard(t, s)
			for range 2 {
				p, err := g.holder(context.Background(), "NEW", "")
				if !errors.Is(err, tc.wantErr) || p != nil {
					t.Fatalf("holder(NEW) = %v, %v; want no holder and error %v", p, err, tc.wantErr)
				}
			}
			if tc.wantErr != nil && !codesUncheckable(tc.wantErr) {
				t.Errorf("%v does not make codes uncheckable, so apply would fail instead of warning", tc.wantErr)
			}
			stats := s.Stats().ByRoute
			if stats[routeList] != 1 || stats[routeGet] != tc.gets {
				t.Errorf("two checks cost %d list requests and %d GETs, want 1 and %d", stats[routeList], stats[routeGet], tc.gets)
			}
		})
	}
}
