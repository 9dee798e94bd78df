package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"unicode/utf8"
)

// roundTripFunc answers requests in memory, which keeps fuzzing fast.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func answer(status int, body []byte) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body))}
}

func inMemoryClient(t testing.TB, rt roundTripFunc) *Client {
	t.Helper()
	cfg := fastConfig("https://api.servitly.test")
	cfg.HTTPClient = &http.Client{Transport: rt}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var partnerSeeds = []string{
	fullPartnerJSON,
	`{"id":"p1"}`,
	`{"id":""}`,
	`{}`,
	`null`,
	`[]`,
	``,
	`{"id":"p1","customerCount":3.0,"creationTimestamp":1.7e12}`,
	`{"id":"p1","customerCount":3.5}`,
	`{"id":"p1","customerCount":"3"}`,
	`{"id":"p1","properties":{"a":1}}`,
	`{"id":"p1","properties":null,"organization":null}`,
	`{"id":"p1","organization":"o1"}`,
	`{"id":"p1","na`,
	`<html><body>Bad Gateway</body></html>`,
	"{\"id\":\"\xff\xfe\"}",
	`{"id":"p1"} trailing`,
	`{"id":1}`,
	`{"id":"p1","customerCount":1e400}`,
	`{"id":"p1","properties":{"n":1,"b":false,"z":null,"o":{"k":[1]}}}`,
	`{"id":"p1","properties":{"n":1e400}}`,
	`{"id":"p1","properties":[1]}`,
}

// FuzzDecodePartner feeds arbitrary bytes to GetPartner as a 200 answer.
// It must never panic, and must give either a partner with an id or an error.
func FuzzDecodePartner(f *testing.F) {
	for _, s := range partnerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := inMemoryClient(t, func(*http.Request) (*http.Response, error) { return answer(http.StatusOK, body), nil })
		p, err := c.GetPartner(context.Background(), "p1")
		switch {
		case err == nil && (p == nil || p.ID == ""):
			t.Fatalf("GetPartner(%q) = %+v without error, want a partner with an id", body, p)
		case err != nil && p != nil:
			t.Fatalf("GetPartner(%q) = %+v and error %v", body, p, err)
		case err == nil && !json.Valid(body):
			t.Fatalf("GetPartner accepted invalid JSON %q", body)
		}
		var decErr *DecodeError
		if errors.As(err, &decErr) {
			if decErr.StatusCode != http.StatusOK || !utf8.ValidString(decErr.Excerpt) || len(decErr.Excerpt) > 203 {
				t.Fatalf("DecodeError = %+v", decErr)
			}
		}
	})
}

var pageSeeds = []string{
	`{"content":[` + fullPartnerJSON + `],"first":true,"last":true,"totalPages":1,"totalElements":1,"number":0,"size":200}`,
	`{"content":[{"id":"a"},{"id":"b"}],"last":false}`,
	`{"content":[],"last":false}`,
	`{"Content":[{}]}`, // an entry without an id, which ListPartners skips
	`{"content":null}`,
	`[{"id":"a"}]`,
	` [] `,
	`[1]`,
	`{}`,
	`null`,
	`""`,
	`{"content":{"id":"a"}}`,
	`{"content":[{"id":"a"}],"totalPages":-1}`,
	`{"content":[{"id":"a","properties":{"a":1}},{"id":"b","properties":{"b":true,"c":null}}],"last":true}`,
	`{"content":[{"id":"a"}],"last":"true"}`,
	`{"content":[{"id":"a"`,
	`<!doctype html>`,
	``,
}

// FuzzPageDecode feeds arbitrary bytes to the page wrapper, directly and as
// the first page of ListPartners. It must never panic or loop.
func FuzzPageDecode(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var p Page[Partner]
		err := json.Unmarshal(body, &p)
		if err == nil && !json.Valid(body) {
			t.Fatalf("page decoded invalid JSON %q", body)
		}
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) && (!p.Last || p.TotalPages != 1) {
			t.Fatalf("plain array %q did not decode as the only page: %+v", body, p)
		}

		requests := 0
		c := inMemoryClient(t, func(r *http.Request) (*http.Response, error) {
			requests++
			if r.URL.Query().Get("page") == "0" {
				return answer(http.StatusOK, body), nil
			}
			return answer(http.StatusOK, []byte(`{"content":[],"last":true}`)), nil
		})
		got, listErr := c.ListPartners(context.Background(), PartnerFilter{})
		if (listErr == nil) != (err == nil) {
			t.Fatalf("ListPartners error %v, but decoding the page gave %v", listErr, err)
		}
		withID := slices.DeleteFunc(p.Content, func(p Partner) bool { return p.ID == "" })
		if listErr == nil && len(got) != len(withID) {
			t.Fatalf("ListPartners returned %d partners, the page holds %d with an id", len(got), len(withID))
		}
		if requests > 2 {
			t.Fatalf("%d requests for one page followed by an empty last page", requests)
		}
	})
}
