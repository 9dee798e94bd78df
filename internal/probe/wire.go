package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// exchange is one HTTP request and its answer as seen on the wire.
type exchange struct {
	Method, Path, Query string
	Status              int
	Header              http.Header
	Body                []byte
}

// recorder is the transport under the client and the probe's own raw
// calls: it keeps every answer's status, headers and body, so the probe can
// see the wire shapes that the client decodes away, and the bearer token the
// client logged in with.
type recorder struct {
	next http.RoundTripper

	mu        sync.Mutex
	exchanges []exchange
	auth      string // the latest Authorization header sent
}

const maxRecordedBody = 8 << 20

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	auth := req.Header.Get("Authorization")
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody))
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	defer r.mu.Unlock()
	if auth != "" {
		r.auth = auth
	}
	r.exchanges = append(r.exchanges, exchange{
		Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery,
		Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body,
	})
	return resp, nil
}

// last returns the latest exchange for method and a path ending in suffix
// (the base URL may carry a path prefix).
func (r *recorder) last(method, suffix string) (exchange, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.exchanges) - 1; i >= 0; i-- {
		e := r.exchanges[i]
		if e.Method == method && len(e.Path) >= len(suffix) && e.Path[len(e.Path)-len(suffix):] == suffix {
			return e, true
		}
	}
	return exchange{}, false
}

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.exchanges...)
}

func (r *recorder) authorization() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.auth
}

// wire sends the probe's raw requests with the headers the client sends.
type wire struct {
	base   *url.URL
	tenant string
	http   *http.Client
	rec    *recorder
	// reauth makes the client renew its token after a 401.
	reauth func(ctx context.Context)
	// backoff is the first wait after a 429 without Retry-After; it doubles.
	backoff time.Duration
}

// call sends one request and returns its answer. query may be nil; body,
// when not nil, is sent as JSON. A 429 is retried a few times after the
// server's Retry-After (or w.backoff, doubling); a 401 once after the client
// re-authenticated.
func (w *wire) call(ctx context.Context, method, path string, query url.Values, body any) (exchange, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return exchange{}, err
		}
	}
	u := *w.base
	u.Path = w.base.Path + path
	u.RawQuery = query.Encode()
	reauthed := false
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(payload))
		if err != nil {
			return exchange{}, err
		}
		req.Header.Set("X-Servitly-Tenant", w.tenant)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", w.rec.authorization())
		req.Header.Set("User-Agent", userAgent)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := w.http.Do(req)
		if err != nil {
			return exchange{}, fmt.Errorf("%s %s: %w", method, path, err)
		}
		_ = resp.Body.Close() // the recorder has the body
		e, _ := w.rec.last(method, path)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests && attempt < 4:
			wait := min(w.backoff<<(attempt-1), time.Minute)
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
				wait = min(time.Duration(s)*time.Second, time.Minute)
			}
			select {
			case <-ctx.Done():
				return e, ctx.Err()
			case <-time.After(wait):
			}
		case resp.StatusCode == http.StatusUnauthorized && !reauthed && w.reauth != nil:
			reauthed = true
			w.reauth(ctx)
		default:
			return e, nil
		}
	}
}

// listEntry is what the probe reads of a list entry, whatever the wire shape.
type listEntry struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Code    string `json:"code"`
	Country string `json:"country"`
	raw     map[string]json.RawMessage
}

// listAnswer reads a /v2 list answer: the paged wrapper or a plain array.
func listAnswer(body []byte) (entries []listEntry, last bool, err error) {
	var raws []map[string]json.RawMessage
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
		err = json.Unmarshal(trimmed, &raws)
		last = true
	} else {
		var wrapper struct {
			Content []map[string]json.RawMessage `json:"content"`
			Last    *bool                        `json:"last"`
		}
		err = json.Unmarshal(body, &wrapper)
		raws = wrapper.Content
		last = wrapper.Last == nil || *wrapper.Last || len(raws) == 0
	}
	if err != nil {
		return nil, false, fmt.Errorf("the list answer is not a page of partners: %w", err)
	}
	for _, raw := range raws {
		var e listEntry
		for key, dst := range map[string]*string{"id": &e.ID, "name": &e.Name, "code": &e.Code, "country": &e.Country} {
			if v, ok := raw[key]; ok {
				_ = json.Unmarshal(v, dst) // a missing or odd field reads as ""
			}
		}
		e.raw = raw
		entries = append(entries, e)
	}
	return entries, last, nil
}
