package provider

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Unit tests of the code guard (partner_guards.go) against the emulator,
// counting the list requests each way of checking costs.

func newTestCodeGuard(t *testing.T, s *refreshServer) *codeGuard {
	t.Helper()
	return newCodeGuard(s.batchingClient(t))
}

func (s *refreshServer) listRequests() int { return s.Stats().ByRoute[routeList] }

// holderOf fails the test on an error and returns the holder's id, or "".
func holderOf(t *testing.T, g *codeGuard, code, self string) string {
	t.Helper()
	p, err := g.client.CodeHolder(context.Background(), code, self)
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
	c := s.batchingClient(t)
	readAll(t, c, seeded[:3])
	before := s.listRequests()
	g := newCodeGuard(c)
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
		// page 0, the lookup's first page, which shows other codes, then pages 1 and 2 once
		{"filter ignored", emulator.Options{IgnoreListFilters: true}, 1 + 1 + 2},
		// page 0, the lookup, the filter test, then pages 1 and 2 once
		{"filter read literally", emulator.Options{LiteralFilterValues: true}, 1 + 1 + 1 + 2},
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
	// Deleted by this apply (a replacement's old object): X is free.
	ctx := context.Background()
	if err := g.client.DeletePartner(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	if got := holderOf(t, g, "X", ""); got != "" {
		t.Errorf("X held by %s after this process deleted it", got)
	}
	created, _, err := g.client.CreatePartner(ctx, client.PartnerInput{Name: "New", Code: "X"})
	if err != nil {
		t.Fatal(err)
	}
	if got := holderOf(t, g, "X", ""); got != created.ID {
		t.Errorf("X held by %q after this process created it, want %s", got, created.ID)
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
	_, err := g.client.CodeHolder(context.Background(), "X", "")
	if !client.IsListRefused(err) {
		t.Fatalf("holder with the list refused: %v, want the list's refusal", err)
	}
	if _, err := g.client.CodeHolder(context.Background(), "Y", ""); !client.IsListRefused(err) || s.refusedLists() != 1 {
		t.Errorf("a second check: %v after %d refused list requests, want the refusal again without asking", err, s.refusedLists())
	}
	if !g.firstRefusal() || g.firstRefusal() {
		t.Error("firstRefusal must be true once, then false")
	}
}

// A list that leaves codes out would make every code look unused: the
// guard reads partners by id where their entries leave the code empty.
func TestCodeGuard_listWithoutCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts emulator.Options
		gets int
	}{
		{"codes left out", emulator.Options{ListWithoutCodes: true}, 1},
		{"codes shown", emulator.Options{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRefreshServer(t, tc.opts)
			held := s.AddPartner(emulator.Partner{Name: "First", Code: "HELD"})
			g := newTestCodeGuard(t, s)
			for range 2 {
				if got := holderOf(t, g, "NEW", ""); got != "" {
					t.Fatalf("NEW held by %s, want unused", got)
				}
				if got := holderOf(t, g, "HELD", ""); got != held.ID {
					t.Fatalf("HELD held by %q, want %s", got, held.ID)
				}
			}
			stats := s.Stats().ByRoute
			if stats[routeList] != 1 || stats[routeGet] != tc.gets {
				t.Errorf("four checks cost %d list requests and %d GETs, want 1 and %d", stats[routeList], stats[routeGet], tc.gets)
			}
		})
	}
}
