package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestInt64(t *testing.T) {
	ok := map[string]Int64{
		`3`: 3, `3.0`: 3, `3e0`: 3, `30E-1`: 3, `-2`: -2, `0`: 0, `null`: 0, ` 7 `: 7,
		`1700000000000`: 1700000000000, `1.7e12`: 1700000000000, `9007199254740993`: 9007199254740993,
	}
	for in, want := range ok {
		var n Int64 = 99
		if err := json.Unmarshal([]byte(in), &n); err != nil || n != want {
			t.Errorf("Int64 from %s = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{`3.5`, `"x"`, `true`, `{}`, `[]`, `1e300`, `-0.5`, `""`} {
		var n Int64
		if err := json.Unmarshal([]byte(in), &n); err == nil {
			t.Errorf("Int64 from %s = %d, want an error", in, n)
		}
	}
	// Inside a partner, a bad number is a decode error of the whole answer.
	var p Partner
	if err := json.Unmarshal([]byte(`{"id":"p","customerCount":3.5}`), &p); err == nil {
		t.Error("customerCount 3.5 accepted")
	}
	if err := json.Unmarshal([]byte(`{"id":"p","customerCount":null,"creationTimestamp":1.7e12}`), &p); err != nil ||
		p.CustomerCount != 0 || p.CreationTimestamp != 1700000000000 {
		t.Errorf("partner = %+v, %v", p, err)
	}
}

func TestErrorTexts(t *testing.T) {
	apiErr := &APIError{Method: "GET", Path: "/network/partners/p1", StatusCode: 404, Message: "Resource not found", Attempts: 1}
	if got := apiErr.Error(); got != "GET /network/partners/p1: HTTP 404: Resource not found" {
		t.Errorf("APIError = %q", got)
	}
	apiErr.Attempts = 3
	if got := apiErr.Error(); !strings.HasSuffix(got, "(after 3 attempts)") {
		t.Errorf("APIError with retries = %q", got)
	}

	inner := errors.New("unexpected end of JSON input")
	dec := &DecodeError{Method: "GET", Path: "/x", StatusCode: 200, Excerpt: "<html>", Err: inner}
	if got := dec.Error(); !strings.Contains(got, "HTTP 200") || !strings.Contains(got, `"<html>"`) || !errors.Is(dec, inner) {
		t.Errorf("DecodeError = %q", got)
	}

	unknown := &OutcomeUnknownError{Err: apiErr}
	if !strings.Contains(unknown.Error(), "outcome unknown") || !errors.Is(unknown, apiErr) {
		t.Errorf("OutcomeUnknownError = %q", unknown)
	}

	for flow, want := range map[string]string{loginFlowPAT: "personal access token", loginFlowPassword: "email and password"} {
		le := &LoginError{Flow: flow, Err: apiErr}
		if !strings.Contains(le.Error(), want) || !errors.Is(le, apiErr) {
			t.Errorf("LoginError(%s) = %q", flow, le)
		}
	}

	exp := &TokenExpiredError{ExpiredAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))}
	if got := exp.Error(); !strings.Contains(got, "2025-01-02T02:04:05Z") {
		t.Errorf("TokenExpiredError = %q, want the time in UTC", got)
	}

	budget := &RetryBudgetError{Attempts: 4, Budget: 90 * time.Second, Last: inner}
	if got := budget.Error(); !strings.Contains(got, "4 attempts") || !strings.Contains(got, "1m30s") || !errors.Is(budget, inner) {
		t.Errorf("RetryBudgetError = %q", got)
	}

	create := &CreateOutcomeUnknownError{Input: PartnerInput{Code: "IT01"}, Err: unknown, Candidates: []Partner{{ID: "a"}, {ID: "b"}}}
	if got := create.Error(); !strings.Contains(got, `2 partners with code "IT01"`) || !errors.Is(create, apiErr) {
		t.Errorf("CreateOutcomeUnknownError = %q", got)
	}
}

func TestIsNotFoundAndIsStatus(t *testing.T) {
	status404 := &APIError{StatusCode: http.StatusNotFound}
	gone := &NotFoundError{Err: status404}
	forbidden := &APIError{StatusCode: http.StatusForbidden}
	cases := []struct {
		err                 error
		notFound, forbidden bool
	}{
		{nil, false, false},
		{errors.New("404"), false, false},
		{status404, false, false}, // only a partner's own, proven 404 means "gone"
		{gone, true, false},
		{fmt.Errorf("wrapped: %w", gone), true, false},
		{&UnprovenNotFoundError{Err: status404, Reason: "r"}, false, false},
		{&LoginError{Flow: loginFlowPAT, Err: status404}, false, false},
		{forbidden, false, true},
		{&APIError{StatusCode: http.StatusUnauthorized}, false, false},
	}
	for _, tc := range cases {
		if IsNotFound(tc.err) != tc.notFound || IsStatus(tc.err, http.StatusForbidden) != tc.forbidden {
			t.Errorf("%v: IsNotFound = %v, IsStatus 403 = %v", tc.err, IsNotFound(tc.err), IsStatus(tc.err, http.StatusForbidden))
		}
	}
}

func TestExcerpt(t *testing.T) {
	if got := Excerpt([]byte("short")); got != "short" {
		t.Errorf("excerpt = %q", got)
	}
	long := strings.Repeat("a", 500)
	if got := Excerpt([]byte(long)); len(got) != 203 || !strings.HasSuffix(got, "...") {
		t.Errorf("excerpt of 500 bytes has %d bytes", len(got))
	}
	accented := strings.Repeat("é", 150) // 300 bytes, two per rune
	if got := Excerpt([]byte("x" + accented)); !utf8.ValidString(got) || len(got) > 203 {
		t.Errorf("excerpt cut inside a rune: %q", got)
	}
	if got := Excerpt([]byte{'o', 'k', 0xff, 0xfe}); got != "ok?" {
		t.Errorf("excerpt of invalid UTF-8 = %q, want ok?", got)
	}
}

func TestErrorMessage(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string
	}{
		{404, `{"message":"Resource not found"}`, "Resource not found"},
		{500, ``, "Internal Server Error"},
		{500, `  `, "Internal Server Error"},
		{400, `{"message":""}`, `Bad Request (body: "{\"message\":\"\"}")`},
		{502, `<html>oops</html>`, `Bad Gateway (body: "<html>oops</html>")`},
		{599, ``, "unexpected status"},
	}
	for _, tc := range cases {
		got, structured := errorMessage(tc.status, []byte(tc.body))
		if got != tc.want || structured != (tc.body == `{"message":"Resource not found"}`) {
			t.Errorf("errorMessage(%d, %q) = %q, %v; want %q", tc.status, tc.body, got, structured, tc.want)
		}
	}
}

func TestIsUnknownTenant(t *testing.T) {
	tenant := &APIError{StatusCode: http.StatusNotFound, Message: "Tenant not found", Structured: true}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{tenant, true},
		{&LoginError{Flow: loginFlowPAT, Err: tenant}, true},
		{&APIError{StatusCode: http.StatusNotFound, Message: "Resource not found"}, false},
		{&APIError{StatusCode: http.StatusBadRequest, Message: "Tenant not found"}, false},
		{nil, false},
	} {
		if got := IsUnknownTenant(tc.err); got != tc.want {
			t.Errorf("IsUnknownTenant(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
