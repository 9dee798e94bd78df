package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

func TestRateLimitFault(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.SetFaults(Faults{RateLimitPercent: 100, RetryAfter: "7"})

	var retryAfter []string
	for range 4 {
		r := h.send("POST", "/identity/users/patLogin", `{"apiKey":"demo-api-key","pat":"demo-pat"}`,
			http.Header{"X-Servitly-Tenant": {"demo"}})
		r.expectError(t, 429, "API call rate limit exeeded")
		retryAfter = append(retryAfter, r.header.Get("Retry-After"))
	}
	if want := []string{"", "7", "", "7"}; !slices.Equal(retryAfter, want) {
		t.Errorf("Retry-After headers %q, want %q", retryAfter, want)
	}
	// Injected before any processing: no login happened, even with no tenant header.
	h.send("GET", "/nowhere", "", nil).expect(t, 429)
	if st := h.srv.Stats(); st.Logins != 0 || st.Injected429 != 5 {
		t.Errorf("stats %+v", st)
	}

	h.srv.SetFaults(Faults{})
	h.call("GET", "/v2/network/partners", "").expect(t, 200)
}

func TestRateLimitPercentIsDeterministicPerSeed(t *testing.T) {
	h := newHarness(t, Options{})
	// run answers the status of 40 requests, with "+" marking a Retry-After.
	run := func(seed int64) []string {
		h.srv.SetFaults(Faults{RateLimitPercent: 50, RetryAfter: "30", Seed: seed})
		var outcomes []string
		for range 40 {
			r := h.call("GET", "/v2/network/partners", "")
			outcome := fmt.Sprint(r.status)
			if r.header.Get("Retry-After") == "30" {
				outcome += "+"
			}
			outcomes = append(outcomes, outcome)
		}
		return outcomes
	}
	first, again, other := run(1), run(1), run(2)
	if !slices.Equal(first, again) {
		t.Error("the same seed produced different faults")
	}
	if slices.Equal(first, other) {
		t.Error("different seeds produced the same faults")
	}
	var limited []string
	for _, outcome := range first {
		if outcome != "200" {
			limited = append(limited, outcome)
		}
	}
	if len(limited) < 10 || len(limited) > 30 {
		t.Errorf("%d of 40 requests limited at 50%%", len(limited))
	}
	for i, outcome := range limited {
		if want := []string{"429", "429+"}[i%2]; outcome != want {
			t.Fatalf("injected answer %d was %s, want %s: %v", i+1, outcome, want, limited)
		}
	}
}

func TestServerErrorFault(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.SetFaults(Faults{ServerErrorPercent: 100})
	h.call("POST", "/network/partners", `{"name":"x"}`).expectError(t, 500, "Internal Server Error")
	if n := len(h.srv.Partners()); n != 0 {
		t.Errorf("an injected 500 stored %d partners", n)
	}
	if got := h.srv.Stats().Injected500; got != 1 {
		t.Errorf("Stats.Injected500 = %d, want 1", got)
	}
}

func TestCreateCommitThenError(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.SetFaults(Faults{CreateCommitThenError: 1})

	h.call("POST", "/network/partners", `{"name":"Lost answer"}`).expectError(t, 500, "Internal Server Error")
	stored := h.srv.Partners()
	if len(stored) != 1 || stored[0].Name != "Lost answer" {
		t.Fatalf("stored partners %+v, want the one whose answer was lost", stored)
	}
	h.createPartner(`{"name":"Second"}`) // the fault is spent
	if got := h.srv.Stats().Injected500; got != 1 {
		t.Errorf("Stats.Injected500 = %d, want 1", got)
	}
}

func TestCreateCommitThenDrop(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.SetFaults(Faults{CreateCommitThenDrop: 1})

	resp, err := h.sendRaw("POST", "/network/partners", `{"name":"Dropped"}`, http.Header{
		"X-Servitly-Tenant": {"demo"}, "Authorization": {"Bearer " + h.token},
	})
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got status %d, want a connection error", resp.StatusCode)
	}
	stored := h.srv.Partners()
	if len(stored) != 1 || stored[0].Name != "Dropped" {
		t.Fatalf("stored partners %+v, want the dropped one", stored)
	}
	h.createPartner(`{"name":"Second"}`)
}

func TestCommitFaultsSkipRejectedCreates(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.SetFaults(Faults{CreateCommitThenError: 1})
	h.call("POST", "/network/partners", `{"name":""}`).expect(t, 400)
	h.call("POST", "/network/partners", `{"name":"x"}`).expect(t, 500)
}
