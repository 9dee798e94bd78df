package client

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Two runs, each with its own client (its own process), create partners of
// one code and then settle it. Whatever the order of their steps, exactly
// one partner keeps the code: the first created, and the run whose partner
// lost has deleted its own.
func TestSettleCodeInEveryOrder(t *testing.T) {
	for _, order := range []string{"AaBb", "ABab", "ABba", "BAab", "BAba", "BbAa"} { // upper: create, lower: settle
		t.Run(order, func(t *testing.T) {
			srv := emulator.New(emulator.Options{})
			ts := httptest.NewServer(srv)
			t.Cleanup(ts.Close)
			ctx := context.Background()
			runs := map[byte]*struct {
				c       *Client
				created *Partner
				stays   *Partner
			}{}
			for _, name := range []byte("AB") {
				cfg := fastConfig(ts.URL)
				cfg.Token, cfg.Tenant = srv.IssueToken(0), "demo"
				runs[name] = &struct {
					c       *Client
					created *Partner
					stays   *Partner
				}{c: newTestClient(t, cfg)}
			}
			var first string
			for _, step := range []byte(order) {
				run := runs[step&^0x20] // upper case
				var err error
				if step < 'a' {
					run.created, _, err = run.c.CreatePartner(ctx, PartnerInput{Name: fmt.Sprintf("Run %c", step), Code: "RACE-1"})
					if first == "" && err == nil {
						first = run.created.ID
					}
				} else {
					run.stays, _, err = run.c.SettleCode(ctx, run.created)
				}
				if err != nil {
					t.Fatalf("step %c: %v", step, err)
				}
			}
			left := srv.Partners()
			if len(left) != 1 || left[0].ID != first {
				t.Fatalf("partners left %+v, want only the first created, %s", left, first)
			}
			lost := 0
			for _, run := range runs {
				if run.stays.ID != first {
					t.Errorf("a run settled on %s, want %s", run.stays.ID, first)
				}
				if run.created.ID != first {
					lost++
				}
			}
			if lost != 1 {
				t.Errorf("%d runs lost, want 1", lost)
			}
		})
	}
}
