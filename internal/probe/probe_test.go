package probe

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/servitly/terraform-provider-servitly/internal/client"
	"github.com/servitly/terraform-provider-servitly/internal/emulator"
)

// other is a partner that is not the probe's, so that a list ignoring its
// filters has something else to show.
var other = emulator.Partner{Name: "Someone else", Code: "OTHER", Country: "Spain"}

// probeEmulator runs the probe against srv (an emulator, or a handler in
// front of one), logging in with the PAT flow.
func probeEmulator(t *testing.T, srv http.Handler, transport func(http.RoundTripper) http.RoundTripper) *Report {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	cfg := client.Config{
		BaseURL: ts.URL, Tenant: "demo", APIKey: "demo-api-key", PAT: "demo-pat",
		RetryMaxWait: 200 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
	}
	if transport != nil {
		cfg.HTTPClient = &http.Client{Transport: transport(http.DefaultTransport)}
	}
	report := Run(t.Context(), cfg, t.Logf)
	var table strings.Builder
	if err := report.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + table.String())
	return report
}

// assertChecks expects differing checks to be DIFFERS, retry-after not seen,
// and every other check ok.
func assertChecks(t *testing.T, report *Report, differing ...string) {
	t.Helper()
	for _, c := range report.Checks {
		want := OK
		switch {
		case slices.Contains(differing, c.ID):
			want = Differs
		case c.ID == CheckRetryAfter:
			want = NotSeen
		}
		if c.Status != want {
			t.Errorf("%s: %s (%s), want %s", c.ID, c.Status, c.Seen, want)
		}
	}
}

// assertOnly checks that the emulator holds exactly the partners named by code.
func assertOnly(t *testing.T, srv *emulator.Server, codes ...string) {
	t.Helper()
	var got []string
	for _, p := range srv.Partners() {
		got = append(got, p.Code)
	}
	if !slices.Equal(got, codes) {
		t.Errorf("partners left in the emulator: %v, want %v", got, codes)
	}
}

func TestRunAgainstDefaultEmulator(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	report := probeEmulator(t, srv, nil)
	assertChecks(t, report)
	if report.Err != nil || report.CleanupErr != nil || report.ExitCode() != 0 {
		t.Errorf("err %v, cleanup %v, exit %d", report.Err, report.CleanupErr, report.ExitCode())
	}
	if !strings.HasPrefix(report.Code, CodePrefix) || len(report.Code) != len(CodePrefix)+12 {
		t.Errorf("code %q", report.Code)
	}
	assertOnly(t, srv)
	st := srv.Stats()
	if st.ByRoute["POST /network/partners"] != 1 || st.ByRoute["DELETE /network/partners/{id}"] != 1 {
		t.Errorf("creates and deletes: %v", st.ByRoute)
	}
}

func TestRunAgainstVariants(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      emulator.Options
		differing []string
		advice    string // printed for the differing checks
	}{
		{"ListSummaries", emulator.Options{ListSummaries: true}, []string{CheckListFull}, "batch_refresh = false"},
		{"MergingUpdate", emulator.Options{MergingUpdate: true}, []string{CheckPutReplaces}, "removing organization_id"},
		{"LiteralFilterValues", emulator.Options{LiteralFilterValues: true},
			[]string{CheckFilterCode, CheckFilterName, CheckFilterCountry, CheckFilterOrgName}, "walks the whole list"},
		{"IgnoreListFilters", emulator.Options{IgnoreListFilters: true},
			[]string{CheckFilterCode, CheckFilterName, CheckFilterCountry, CheckFilterSearch}, "walks the whole list"},
		{"TypedPropertyValues", emulator.Options{TypedPropertyValues: true}, []string{CheckPropertyStrings}, "reads properties as strings"},
		{"DeleteStatus200", emulator.Options{DeleteStatus: http.StatusOK}, []string{CheckDeleteStatus}, "accepts any 2xx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := emulator.New(tc.opts)
			srv.AddPartner(other)
			report := probeEmulator(t, srv, nil)
			assertChecks(t, report, tc.differing...)
			if report.Err != nil || report.CleanupErr != nil {
				t.Errorf("err %v, cleanup %v", report.Err, report.CleanupErr)
			}
			var relied []string
			for _, id := range tc.differing {
				if c := report.check(id); c.Relied {
					relied = append(relied, id)
				}
			}
			if got := report.Differing(); !slices.Equal(got, relied) {
				t.Errorf("Differing() = %v, want %v", got, relied)
			}
			if wantExit := min(len(relied), 1); report.ExitCode() != wantExit {
				t.Errorf("exit %d, want %d", report.ExitCode(), wantExit)
			}
			var table strings.Builder
			if err := report.WriteTable(&table); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(table.String(), tc.advice) {
				t.Errorf("the table does not give the advice %q", tc.advice)
			}
			assertOnly(t, srv, other.Code)
		})
	}
}

// withoutOrganizationName strips the name parameter from the organization
// list's query before srv sees it: a server that ignores that filter. The
// query is cut on '&' by hand, as the emulator reads it, since
// url.ParseQuery drops pairs holding a raw ';'.
func withoutOrganizationName(srv http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/network/organizations" {
			var kept []string
			for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
				if key, _, _ := strings.Cut(pair, "="); key != "name" {
					kept = append(kept, pair)
				}
			}
			r = r.Clone(r.Context())
			r.URL.RawQuery = strings.Join(kept, "&")
		}
		srv.ServeHTTP(w, r)
	})
}

func TestOrganizationNameFilter(t *testing.T) {
	// "Acme Service" sorts before the seeded root "Demo Manufacturing", so
	// the probe filters by it when there are two organizations.
	acme := emulator.Organization{Name: "Acme Service", Country: "Italy", Timezone: "Europe/Rome"}
	for _, tc := range []struct {
		name   string
		opts   emulator.Options
		second bool // add acme under the root
		ignore bool // strip the name filter
		status Status
		seen   string
	}{
		{"Honoured", emulator.Options{}, true, false, OK,
			`name=eq;Acme Service listed the organization and only organizations of that name`},
		{"HonouredOnlyRoot", emulator.Options{}, false, false, OK,
			`name=eq;Demo Manufacturing listed the organization and only organizations of that name`},
		{"Misread", emulator.Options{LiteralFilterValues: true}, true, false, Differs,
			`missed: name=eq;Acme Service did not list the organization (id `},
		{"Ignored", emulator.Options{}, true, true, Differs,
			`ignored: name=eq;Acme Service also listed "Demo Manufacturing" (id `},
		// With one organization only the name no organization has shows it.
		{"IgnoredOnlyRoot", emulator.Options{}, false, true, Differs,
			`ignored: a name no organization has listed "Demo Manufacturing" (id `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := emulator.New(tc.opts)
			if tc.second {
				acme.ParentID = srv.RootOrganizationID()
				srv.AddOrganization(acme)
			}
			var handler http.Handler = srv
			if tc.ignore {
				handler = withoutOrganizationName(srv)
			}
			report := probeEmulator(t, handler, nil)
			c := report.check(CheckFilterOrgName)
			if c.Status != tc.status || !strings.HasPrefix(c.Seen, tc.seen) {
				t.Errorf("%s: %s (%s), want %s (%s...)", c.ID, c.Status, c.Seen, tc.status, tc.seen)
			}
			if report.Err != nil || report.CleanupErr != nil {
				t.Errorf("err %v, cleanup %v", report.Err, report.CleanupErr)
			}
			var table strings.Builder
			if err := report.WriteTable(&table); err != nil {
				t.Fatal(err)
			}
			advice := strings.Contains(table.String(), "the provider matches names itself from the whole list")
			if differs := tc.status == Differs; advice != differs || slices.Contains(report.Differing(), c.ID) != differs ||
				report.ExitCode() != min(len(report.Differing()), 1) {
				t.Errorf("advice shown %v, Differing() %v, exit %d", advice, report.Differing(), report.ExitCode())
			}
			// The filter went to the server twice, raw, past the probe's unfiltered list.
			if got := srv.Stats().ByRoute["GET /v2/network/organizations"]; got != 3 {
				t.Errorf("organization list requests: %d, want 3", got)
			}
		})
	}
}

func TestOrganizationNameFilterNotSeen(t *testing.T) {
	srv := emulator.New(emulator.Options{Permissions: []string{"READ_PARTNER", "WRITE_PARTNER", "READ_ALL_PARTNERS"}})
	report := probeEmulator(t, srv, nil)
	if c := report.check(CheckFilterOrgName); c.Status != NotSeen || !strings.Contains(c.Seen, "HTTP 403") {
		t.Errorf("%s: %s (%s), want not seen with the list's 403", c.ID, c.Status, c.Seen)
	}
	if report.Err != nil || report.ExitCode() != 0 {
		t.Errorf("err %v, exit %d: without READ_ALL_ORGANIZATIONS the check is not seen, not a failure", report.Err, report.ExitCode())
	}
}

func TestRateLimitsAreRecorded(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	// Every second injected 429 carries Retry-After, the others none.
	srv.SetFaults(emulator.Faults{RateLimitPercent: 20, RetryAfter: "0", Seed: 1})
	report := probeEmulator(t, srv, nil)
	if st := srv.Stats(); st.Injected429 < 2 {
		t.Fatalf("only %d answers 429 injected; pick another seed", st.Injected429)
	}
	if c := report.check(CheckRetryAfter); c.Status != Differs || !strings.Contains(c.Seen, "had no Retry-After") {
		t.Errorf("retry-after: %s (%s)", c.Status, c.Seen)
	}
	if report.Err != nil || report.ExitCode() != 0 {
		t.Errorf("err %v, exit %d: a 429 without Retry-After is informational", report.Err, report.ExitCode())
	}
	assertOnly(t, srv)
}

// failing wraps a transport and fails the requests fail picks.
type failing struct {
	next http.RoundTripper
	fail func(*http.Request) bool
}

func (f failing) RoundTrip(req *http.Request) (*http.Response, error) {
	if f.fail(req) {
		return nil, errors.New("injected network failure")
	}
	return f.next.RoundTrip(req)
}

func TestCleanupAfterAFailedStep(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	srv.AddPartner(other)
	report := probeEmulator(t, srv, func(next http.RoundTripper) http.RoundTripper {
		return failing{next, func(req *http.Request) bool { return req.Method == http.MethodPut }}
	})
	if report.Err == nil || !strings.Contains(report.Err.Error(), "update it with a field left out") {
		t.Errorf("err %v, want the update step's failure", report.Err)
	}
	if report.ExitCode() != 1 || report.CleanupErr != nil {
		t.Errorf("exit %d, cleanup %v", report.ExitCode(), report.CleanupErr)
	}
	for id, want := range map[string]Status{CheckCreate: OK, CheckFilterSearch: OK, CheckPutReplaces: NotSeen, CheckDelete: NotSeen} {
		if c := report.check(id); c.Status != want {
			t.Errorf("%s: %s, want %s", id, c.Status, want)
		}
	}
	assertOnly(t, srv, other.Code)
}

func TestCleanupAfterALostCreateAnswer(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	srv.AddPartner(other)
	srv.SetFaults(emulator.Faults{CreateCommitThenDrop: 1})
	// The client's own lookup by code fails too, so the create ends with an
	// unknown outcome and only the probe's cleanup can find the partner.
	report := probeEmulator(t, srv, func(next http.RoundTripper) http.RoundTripper {
		return failing{next, func(req *http.Request) bool { return req.URL.Query().Has("code") }}
	})
	if c := report.check(CheckCreate); c.Status != Differs || report.Err == nil {
		t.Errorf("create: %s (%s), err %v", c.Status, c.Seen, report.Err)
	}
	if report.CleanupErr != nil {
		t.Errorf("cleanup: %v", report.CleanupErr)
	}
	assertOnly(t, srv, other.Code)
}

func TestCheckTarget(t *testing.T) {
	for _, tc := range []struct {
		url    string
		yes    bool
		refuse bool
	}{
		{"https://api.servitly.com", false, true},
		{"https://api.servitly.com", true, false},
		{"https://acme.servitly.com/api", false, true},
		{"http://127.0.0.1:8765", false, false},
		{"https://localhost:8443", false, false},
		{"http://[::1]:8765", false, false},
	} {
		err := CheckTarget(tc.url, tc.yes)
		if (err != nil) != tc.refuse {
			t.Errorf("CheckTarget(%q, %v) = %v", tc.url, tc.yes, err)
		}
		if err != nil && (!strings.Contains(err.Error(), "--yes") || !strings.Contains(err.Error(), CodePrefix)) {
			t.Errorf("the refusal does not explain --yes and what the probe creates: %v", err)
		}
	}
	if err := CheckTarget("http://api.servitly.com", true); err == nil {
		t.Error("plain http to a remote host was accepted")
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	cfg, err := ConfigFromEnv(env(map[string]string{"SERVITLY_TENANT": "acme", "SERVITLY_API_KEY": "k", "SERVITLY_PAT": "p"}))
	if err != nil || cfg.BaseURL != client.DefaultBaseURL || cfg.Tenant != "acme" || cfg.APIKey != "k" || cfg.PAT != "p" {
		t.Errorf("PAT flow: %+v, %v", cfg, err)
	}
	cfg, err = ConfigFromEnv(env(map[string]string{"SERVITLY_TENANT": "acme", "SERVITLY_TOKEN": "t", "SERVITLY_BASE_URL": "http://127.0.0.1:1"}))
	if err != nil || cfg.Token != "t" || cfg.BaseURL != "http://127.0.0.1:1" {
		t.Errorf("token flow: %+v, %v", cfg, err)
	}
	if _, err := ConfigFromEnv(env(map[string]string{"SERVITLY_API_KEY": "k", "SERVITLY_PAT": "p"})); err == nil {
		t.Error("no tenant accepted")
	}
	if _, err := ConfigFromEnv(env(map[string]string{"SERVITLY_TENANT": "acme"})); err == nil || !strings.Contains(err.Error(), "SERVITLY_PAT") {
		t.Errorf("no credentials: %v", err)
	}
}

// check returns the check with the given ID.
func (r *Report) check(id string) Check { return r.Checks[r.index(id)] }
