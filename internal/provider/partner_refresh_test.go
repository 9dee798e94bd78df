package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// Unit tests of the refresh batching rule (client.RefreshPartner), driving
// the client directly against the emulator, without Terraform.

// refreshServer is an emulator behind a handler that can hide partners from
// list pages and refuse the list, and that records the ids read by GET.
type refreshServer struct {
	*emulator.Server
	url string

	mu         sync.Mutex
	hidden     map[string]bool // left out of list pages
	summaries  bool            // list entries lack properties and organization
	listStatus int             // when not 0, the list answers this status
	gets       []string        // ids read with GET /network/partners/{id}
	refused    int             // list requests answered with listStatus
	listing    int             // list requests being served
	mostListed int             // the most list requests served at once
}

func newRefreshServer(t *testing.T, opts emulator.Options) *refreshServer {
	t.Helper()
	s := wrapForRefresh(emulator.New(opts))
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

// wrapForRefresh puts srv behind a refreshServer without serving it.
func wrapForRefresh(srv *emulator.Server) *refreshServer {
	return &refreshServer{Server: srv, hidden: map[string]bool{}}
}

func (s *refreshServer) hide(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hidden[id] = true
}

func (s *refreshServer) refuseList(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listStatus = status
}

func (s *refreshServer) resetGets() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets, s.refused = nil, 0
}

func (s *refreshServer) refusedLists() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

func (s *refreshServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v2/network/partners" {
		s.mu.Lock()
		s.listing++
		s.mostListed = max(s.mostListed, s.listing)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.listing--
			s.mu.Unlock()
		}()
	}
	s.mu.Lock()
	status, hidden := s.listStatus, len(s.hidden) > 0 || s.summaries
	if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/network/partners/") {
		s.gets = append(s.gets, strings.TrimPrefix(r.URL.Path, "/network/partners/"))
	}
	s.mu.Unlock()
	if r.URL.Path != "/v2/network/partners" || (status == 0 && !hidden) {
		s.Server.ServeHTTP(w, r)
		return
	}
	if status != 0 {
		s.mu.Lock()
		s.refused++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"message":"Resource not found"}`))
		return
	}
	rec := httptest.NewRecorder()
	s.Server.ServeHTTP(rec, r)
	var page map[string]json.RawMessage
	var content []map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &page) != nil || json.Unmarshal(page["content"], &content) != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	kept := content[:0]
	s.mu.Lock()
	for _, p := range content {
		if s.summaries {
			delete(p, "properties")
			delete(p, "organization")
		}
		if !s.hidden[fmt.Sprint(p["id"])] {
			kept = append(kept, p)
		}
	}
	s.mu.Unlock()
	page["content"], _ = json.Marshal(kept)
	body, _ := json.Marshal(page)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

func (s *refreshServer) got(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, g := range s.gets {
		if g == id {
			n++
		}
	}
	return n
}

func (s *refreshServer) client(t *testing.T) *client.Client {
	t.Helper()
	return s.newClient(t, false)
}

// batchingClient is a client whose RefreshPartner may use the list.
func (s *refreshServer) batchingClient(t *testing.T) *client.Client {
	t.Helper()
	return s.newClient(t, true)
}

func (s *refreshServer) newClient(t *testing.T, batch bool) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{BaseURL: s.url, Tenant: "demo", Token: s.IssueToken(0), BatchRefresh: batch})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seed adds n partners and returns them in creation order.
func (s *refreshServer) seed(n int) []emulator.Partner {
	out := make([]emulator.Partner, n)
	for i := range out {
		out[i] = s.AddPartner(emulator.Partner{Name: fmt.Sprintf("Partner %d", i), Code: fmt.Sprintf("P%05d", i),
			Properties: map[string]string{"i": fmt.Sprint(i)}, CreationTimestamp: int64(1_700_000_000_000 + i)})
	}
	return out
}

// readAll refreshes partners, each with itself as the state, with
// Terraform's default parallelism of 10, like a plan.
func readAll(t *testing.T, r *client.Client, partners []emulator.Partner) (map[string]*client.Partner, map[string]error, int) {
	t.Helper()
	var mu sync.Mutex
	found, errs, warnings := map[string]*client.Partner{}, map[string]error{}, 0
	work := make(chan emulator.Partner)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for state := range work {
				id := state.ID
				p, off, err := r.RefreshPartner(context.Background(), id, stateOf(state))
				mu.Lock()
				if off != nil {
					warnings++
				}
				if err != nil {
					errs[id] = err
				} else {
					found[id] = p
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range partners {
		work <- p
	}
	close(work)
	wg.Wait()
	return found, errs, warnings
}

// readAllWarnOnce reads partners with readAll, wants each as the server
// holds it (never from a summary), and exactly one batching warning.
func readAllWarnOnce(t *testing.T, r *client.Client, partners []emulator.Partner) {
	t.Helper()
	found, errs, warnings := readAll(t, r, partners)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, p := range partners {
		checkSame(t, p, found[p.ID])
	}
	if warnings != 1 {
		t.Errorf("%d warnings, want exactly one", warnings)
	}
}

// stateOf is p as a refresh's state holds it.
func stateOf(p emulator.Partner) *client.Partner {
	state := client.Partner{ID: p.ID, Name: p.Name, Code: p.Code, Country: p.Country, Timezone: p.Timezone, Properties: p.Properties}
	if p.OrganizationID != "" {
		state.Organization = &client.Ref{ID: p.OrganizationID}
	}
	return &state
}

func checkSame(t *testing.T, want emulator.Partner, got *client.Partner) {
	t.Helper()
	if got == nil || got.ID != want.ID || got.Name != want.Name || got.Code != want.Code ||
		got.Properties["i"] != want.Properties["i"] || int64(got.CreationTimestamp) != want.CreationTimestamp {
		t.Errorf("partner %s: got %+v, want %+v", want.ID, got, want)
	}
}

func TestPartnerRefresh_wholeTenantCostsAFewRequests(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(1000)
	r := srv.batchingClient(t)

	found, errs, warnings := readAll(t, r, partners)
	if len(errs) > 0 || warnings > 0 {
		t.Fatalf("errors %v, %d warnings", errs, warnings)
	}
	for _, p := range partners {
		checkSame(t, p, found[p.ID])
	}
	st := srv.Stats()
	if total := st.ByRoute[routeGet] + st.ByRoute[routeList]; total > 1000/100+2 || st.Requests != total {
		t.Errorf("reading 1000 partners cost %d requests (%v), want at most %d", st.Requests, st.ByRoute, 1000/100+2)
	}
	if st.ByRoute[routeList] != 5 {
		t.Errorf("listed %d pages, want the 5 pages of the tenant once each", st.ByRoute[routeList])
	}
}

// The pages after page 0 are requested together, as page 0 told how many
// there are: with latency, a large tenant waits for fewer round trips.
func TestPartnerRefresh_remainingPagesLoadTogether(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{Latency: 20 * time.Millisecond})
	partners := srv.seed(3 * client.PageSize)
	r := srv.batchingClient(t)

	if _, errs, warnings := readAll(t, r, partners); len(errs) > 0 || warnings > 0 {
		t.Fatalf("errors %v, %d warnings", errs, warnings)
	}
	srv.mu.Lock()
	most := srv.mostListed
	srv.mu.Unlock()
	if listed := srv.Stats().ByRoute[routeList]; listed != 3 || most != 2 {
		t.Errorf("listed %d pages, at most %d at a time; want 3, and pages 1 and 2 together", listed, most)
	}
}

func TestPartnerRefresh_onePartnerCostsOneGet(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(300)
	r := srv.batchingClient(t)

	p, _, err := r.RefreshPartner(context.Background(), partners[299].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, partners[299], p)
	if st := srv.Stats(); st.Requests != 1 || st.ByRoute[routeGet] != 1 {
		t.Errorf("one partner cost %v, want one GET", st.ByRoute)
	}
}

func TestPartnerRefresh_smallStateInLargeTenantListsOnePage(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(2000)
	r := srv.batchingClient(t)
	// The newest three: none of them is on the first page.
	mine := partners[1997:]

	found, errs, _ := readAll(t, r, mine)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, p := range mine {
		checkSame(t, p, found[p.ID])
	}
	st := srv.Stats()
	if st.ByRoute[routeList] > 1 || st.Requests > len(mine)+1 {
		t.Errorf("3 partners in a tenant of 2000 cost %v; want at most one list page and one request more than a GET each", st.ByRoute)
	}
}

func TestPartnerRefresh_missingFromListIsConfirmedWithGet(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(50)
	lagging, deleted := partners[10], partners[20]
	srv.hide(lagging.ID) // exists, but the list does not show it
	srv.DeletePartner(deleted.ID)
	r := srv.batchingClient(t)

	found, errs, _ := readAll(t, r, partners)
	checkSame(t, lagging, found[lagging.ID])
	if srv.got(lagging.ID) != 1 {
		t.Errorf("the partner missing from the list was read %d times by GET, want 1", srv.got(lagging.ID))
	}
	if !client.IsNotFound(errs[deleted.ID]) || srv.got(deleted.ID) != 1 {
		t.Errorf("deleted partner: error %v after %d GETs; want not found, confirmed by one GET", errs[deleted.ID], srv.got(deleted.ID))
	}
	if len(errs) != 1 {
		t.Errorf("errors %v, want only the deleted partner's", errs)
	}
}

func TestPartnerRefresh_listRefusedFallsBackAndWarnsOnce(t *testing.T) {
	for name, setup := range map[string]func() *refreshServer{
		"403 without READ_ALL_PARTNERS": func() *refreshServer {
			return newRefreshServer(t, emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER"}})
		},
		"404 without a list endpoint": func() *refreshServer {
			srv := newRefreshServer(t, emulator.Options{})
			srv.refuseList(http.StatusNotFound)
			return srv
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := setup()
			partners := srv.seed(40)
			r := srv.batchingClient(t)

			readAllWarnOnce(t, r, partners)
			if st := srv.Stats(); st.ByRoute[routeList]+srv.refusedLists() != 1 || st.ByRoute[routeGet] != 40 {
				t.Errorf("requests %v, want one refused list and a GET per partner", st.ByRoute)
			}
		})
	}
}

func TestPartnerRefresh_listOfSummariesIsDetectedOnce(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(150)
	srv.summaries = true
	r := srv.batchingClient(t)

	readAllWarnOnce(t, r, partners)
	if st := srv.Stats(); st.ByRoute[routeList] != 1 || st.ByRoute[routeGet] != 150 {
		t.Errorf("requests %v, want one list page and then a GET per partner", st.ByRoute)
	}
}

// The first Read's partner has no properties, so its compare finds the
// summaries whole; the next partner's state holds properties that its entry
// leaves out, which no entry shows: it is read with GET, and that compare
// turns batching off.
func TestPartnerRefresh_stateCatchesSummariesTheCompareMissed(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	bare := srv.AddPartner(emulator.Partner{Name: "Bare", Code: "B1"})
	partners := srv.seed(20)
	srv.summaries = true
	r := srv.batchingClient(t)
	if _, _, err := r.RefreshPartner(context.Background(), bare.ID, stateOf(bare)); err != nil {
		t.Fatal(err)
	}
	readAllWarnOnce(t, r, partners)
}

func TestPartnerRefresh_checksTheListOnceAgainstGet(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(150)
	r := srv.batchingClient(t)

	if _, errs, warnings := readAll(t, r, partners); len(errs) > 0 || warnings > 0 {
		t.Fatalf("errors %v, %d warnings", errs, warnings)
	}
	// The first Read's GET, compared with its entry on page 0: no extra request.
	if st := srv.Stats(); st.ByRoute[routeList] != 1 || st.ByRoute[routeGet] != 1 {
		t.Errorf("requests %v, want one list page and one GET", st.ByRoute)
	}
}

func TestPartnerRefresh_checkNeedsAGetWhenTheFirstPartnerIsNotListed(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(450)
	r := srv.batchingClient(t)
	ctx := context.Background()
	// The first Read's partner is on page 2, which is never loaded.
	if _, _, err := r.RefreshPartner(ctx, partners[449].ID, stateOf(partners[449])); err != nil {
		t.Fatal(err)
	}
	for _, p := range partners[:3] {
		got, _, err := r.RefreshPartner(ctx, p.ID, stateOf(p))
		if err != nil {
			t.Fatal(err)
		}
		checkSame(t, p, got)
	}
	// GET, page 0, one GET to check the list, then two partners from it.
	if st := srv.Stats(); st.ByRoute[routeList] != 1 || st.ByRoute[routeGet] != 2 {
		t.Errorf("requests %v, want one list page and two GETs", st.ByRoute)
	}
}

func TestPartnerRefresh_offReadsOneByOne(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(30)
	r := srv.client(t)

	if _, errs, _ := readAll(t, r, partners); len(errs) > 0 {
		t.Fatal(errs)
	}
	if st := srv.Stats(); st.ByRoute[routeList] != 0 || st.ByRoute[routeGet] != 30 {
		t.Errorf("requests %v, want a GET per partner and no list", st.ByRoute)
	}
}

func TestPartnerRefresh_cancelledLoadLetsOthersRetry(t *testing.T) {
	srv := newRefreshServer(t, emulator.Options{})
	partners := srv.seed(30)
	r := srv.batchingClient(t)
	ctx := context.Background()
	if _, _, err := r.RefreshPartner(ctx, partners[0].ID, stateOf(partners[0])); err != nil { // the first Read: a GET
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := r.RefreshPartner(cancelled, partners[1].ID, stateOf(partners[1])); err == nil {
		t.Fatal("a cancelled Read succeeded")
	}
	p, _, err := r.RefreshPartner(ctx, partners[2].ID, stateOf(partners[2]))
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, partners[2], p)
	if srv.got(partners[2].ID) != 0 {
		t.Error("a cancelled Read turned batching off: the next Read used GET, not the list")
	}
}
