// Package client is a plain Go client for the parts of the Servitly REST API the provider uses:
// auth, retries, pacing and error typing live here, free of Terraform.
package client

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for Config fields left zero.
const (
	DefaultBaseURL        = "https://api.servitly.com"
	DefaultRetryMaxWait   = 5 * time.Minute
	DefaultRequestTimeout = 60 * time.Second // so that a server that never answers cannot stall a run
	defaultMinBackoff     = time.Second
	defaultMaxBackoff     = 60 * time.Second
	maxResponseBytes      = 16 << 20
)

// TenantHeader carries the tenant name on every call.
const TenantHeader = "X-Servitly-Tenant"

// Config holds what New needs. Exactly one login flow must be set (see LoginFlowOf).
type Config struct {
	BaseURL, Tenant                     string
	Token, APIKey, PAT, Email, Password string

	UserAgent              string
	RetryMaxWait           time.Duration // the most one call may spend waiting between retries
	RequestTimeout         time.Duration // bounds each HTTP exchange, answer body included
	MinBackoff, MaxBackoff time.Duration // bound the exponential back-off used without Retry-After
	MaxRequestsPerMinute   int           // paces all requests of this client; 0 means no pacing
	HTTPClient             *http.Client  // used for every request; its Transport gets wrapped
	Logger                 Logger
	BatchRefresh           bool // lets a refresh answer from the paged list when that is cheaper (refresh.go)
}

// Client talks to one Servitly tenant. It is safe for concurrent use.
type Client struct {
	baseURL    *url.URL
	tenant     string
	userAgent  string
	httpClient *http.Client
	retry      retryPolicy
	auth       authenticator
	logger     Logger
	proven     atomic.Bool // set by the first 2xx, which proves base_url, tenant and credentials
	indexes                // what this Client knows of the lists
}

// New checks cfg and returns a client without contacting the server: the first call logs in.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cmp.Or(cfg.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.Tenant) == "" {
		return nil, errors.New("tenant must not be empty")
	}
	flow, err := LoginFlowOf(cfg, nil)
	if err != nil {
		return nil, err
	}
	logger := cmp.Or[Logger](cfg.Logger, nopLogger{})
	httpClient := &http.Client{}
	if cfg.HTTPClient != nil {
		*httpClient = *cfg.HTTPClient
	}
	httpClient.Timeout = cmp.Or(max(cfg.RequestTimeout, 0), DefaultRequestTimeout) // zero or negative: the default
	transport := httpClient.Transport
	if transport == nil {
		transport = http.DefaultTransport.(*http.Transport).Clone() //nolint:forcetypeassert // the standard library's default is an *http.Transport
	}
	var limiter *rate.Limiter
	if cfg.MaxRequestsPerMinute > 0 {
		limiter = rate.NewLimiter(rate.Limit(float64(cfg.MaxRequestsPerMinute)/60), 1)
	}
	httpClient.Transport = &loggingTransport{next: transport, limiter: limiter, logger: logger}

	c := &Client{
		baseURL:    base,
		tenant:     cfg.Tenant,
		userAgent:  cfg.UserAgent,
		httpClient: httpClient,
		retry: retryPolicy{
			budget:     cmp.Or(max(cfg.RetryMaxWait, 0), DefaultRetryMaxWait),
			minBackoff: cmp.Or(max(cfg.MinBackoff, 0), defaultMinBackoff),
			maxBackoff: cmp.Or(max(cfg.MaxBackoff, 0), defaultMaxBackoff),
		},
		logger:  logger,
		indexes: newIndexes(cfg),
	}
	c.auth = authenticator{flow: flow, cfg: cfg, client: c}
	return c, nil
}

// ParseBaseURL checks a base URL: https, or http to a loopback host only (no credentials in clear text).
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("base_url %q is not a valid URL: %w", raw, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("base_url %q must be an absolute https:// URL, such as %s", raw, DefaultBaseURL)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("base_url %q uses plain http to a host that is not loopback; credentials and tokens would travel unencrypted, so use https:// (plain http is only allowed for a local emulator on 127.0.0.1, ::1 or localhost)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base_url %q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// IsLoopbackHost reports whether host (without port) is this machine.
func IsLoopbackHost(host string) bool {
	return host == "localhost" || net.ParseIP(host).IsLoopback() // a nil IP is no loopback
}

// request describes one API call.
type request struct {
	method     string
	path       string // below the base URL, starting with "/"
	query      url.Values
	body       any
	permission string // what the call needs, for a 403's advice ([inferred], as internal/emulator/routes.go)
	noAuth     bool   // skips the bearer token (login endpoints)
	bearer     string // overrides the session token (renewToken sends the expired one)
	repeatable bool   // a POST safe to send twice (a login): retried like a GET, not an unknown outcome
}

// unsafeToRepeat reports a request that must not be sent twice blindly.
func (r request) unsafeToRepeat() bool { return r.method == http.MethodPost && !r.repeatable }

// failed is the one place that makes an *OutcomeUnknownError: a request unsafe to repeat may have arrived.
func (r request) failed(err error, arrived bool) error {
	if arrived && r.unsafeToRepeat() {
		return &OutcomeUnknownError{Err: err}
	}
	return err
}

// do sends req with retries and auth; a 2xx JSON answer goes into out (if set), others become *APIError.
func (c *Client) do(ctx context.Context, req request, out any) error {
	resp, attempts, err := c.sendWithAuth(ctx, req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		message, structured := errorMessage(resp.StatusCode, raw)
		apiErr := &APIError{Method: req.method, Path: req.path, StatusCode: resp.StatusCode,
			Message: message, Structured: structured, Attempts: attempts, Permission: req.permission}
		return req.failed(apiErr, resp.StatusCode >= 500)
	}
	if readErr != nil {
		return req.failed(fmt.Errorf("%s %s: reading the answer: %w", req.method, req.path, readErr), true)
	}
	// [inferred] An update or delete may answer with no body: out is left as it is.
	empty := len(bytes.TrimSpace(raw)) == 0
	if empty && (out == nil || resp.StatusCode == http.StatusNoContent || req.method == http.MethodPut || req.method == http.MethodDelete) {
		c.proven.Store(true)
		return nil
	}
	if out == nil {
		out = new(json.RawMessage) // a web page where the API should answer is no successful delete
	}
	if err := json.Unmarshal(raw, out); err != nil {
		// For a create, the server said yes but we cannot read what it made.
		return req.failed(&DecodeError{Method: req.method, Path: req.path, StatusCode: resp.StatusCode, Excerpt: Excerpt(raw), Err: err}, true)
	}
	c.proven.Store(true)
	return nil
}

// object is an API object with an id: one without must never reach Terraform state.
type object interface{ objectID() string }

// call sends req and returns the object it answers: a GET's error goes through gone, a PUT answered without
// the object reads it back ([inferred] any 2xx is success), another answer without id is an error.
func call[T object](ctx context.Context, c *Client, req request) (*T, error) {
	var v T
	switch err := c.do(ctx, req, &v); {
	case err != nil && req.method == http.MethodGet:
		return nil, c.gone(ctx, err)
	case err != nil:
		return nil, err
	case v.objectID() == "" && req.method == http.MethodPut:
		req.method, req.body = http.MethodGet, nil
		return call[T](ctx, c, req)
	case v.objectID() == "":
		return nil, req.failed(fmt.Errorf("%s %s: the server's answer has no id", req.method, req.path), true)
	}
	return &v, nil
}

// remove sends req (a DELETE); an object already gone counts as removed.
func (c *Client) remove(ctx context.Context, req request) error {
	if err := c.gone(ctx, c.do(ctx, req, nil)); !IsNotFound(err) {
		return err
	}
	return nil
}

// gone makes a 404 a *NotFoundError only in the API's shape from a server proven right (by a 2xx or an API-shaped
// 403 to proofRequest), else an *UnprovenNotFoundError: a wrong tenant or base_url must never read as deletions.
func (c *Client) gone(ctx context.Context, err error) error {
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok || apiErr.StatusCode != http.StatusNotFound || errors.As(err, new(*LoginError)) {
		return err
	}
	if !apiErr.Structured {
		return &UnprovenNotFoundError{Err: apiErr, Reason: `its body is not the API's {"message": ...} (a web server or proxy may have answered instead of the Servitly API)`}
	}
	if !c.proven.Load() {
		proofErr := c.do(ctx, proofRequest, new(Page[json.RawMessage]))
		if refused, ok := errors.AsType[*APIError](proofErr); ok && refused.StatusCode == http.StatusForbidden && refused.Structured {
			c.proven.Store(true)
		} else if proofErr != nil {
			return &UnprovenNotFoundError{Err: apiErr, Reason: fmt.Sprintf("the server has not shown that this tenant and base_url are right (%v)", proofErr)}
		}
	}
	return &NotFoundError{Err: apiErr}
}

// Raw sends a GET, PUT or DELETE to path (below the base URL) like any call and returns status and body
// as they are, for tools such as the probe. POST is refused (only a create recovers one). Never sets proven.
func (c *Client) Raw(ctx context.Context, method, path string, query url.Values, body any) (status int, answer []byte, err error) {
	if method != http.MethodGet && method != http.MethodPut && method != http.MethodDelete {
		return 0, nil, fmt.Errorf("client.Raw sends only GET, PUT and DELETE, not %s", method)
	}
	resp, _, err := c.sendWithAuth(ctx, request{method: method, path: path, query: query, body: body})
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if answer, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes)); err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return resp.StatusCode, answer, nil
}

// sendWithAuth sends req and, when its session token was refused with 401, renews or logs in once and repeats it.
func (c *Client) sendWithAuth(ctx context.Context, req request) (*http.Response, int, error) {
	var body []byte
	if req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return nil, 0, fmt.Errorf("encoding %s %s: %w", req.method, req.path, err)
		}
	}
	resp, attempts, token, err := c.send(ctx, req, body)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || req.noAuth || req.bearer != "" {
		return resp, attempts, err
	}
	retry, err := c.auth.recover(ctx, token)
	if !retry && err == nil {
		return resp, attempts, nil
	}
	drain(resp)
	if err != nil {
		return nil, attempts, err
	}
	resp, more, _, err := c.send(ctx, req, body)
	return resp, attempts + more, err
}

// send makes one call with the retry policy, returning its last attempt's token to trace a 401 to.
func (c *Client) send(ctx context.Context, req request, body []byte) (*http.Response, int, string, error) {
	// req.path is already escaped: as Path alone it would be escaped twice.
	u := *c.baseURL
	u.RawPath = c.baseURL.EscapedPath() + req.path
	unescaped, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return nil, 0, "", fmt.Errorf("building %s %s: %w", req.method, req.path, err)
	}
	u.Path = unescaped
	u.RawQuery = req.query.Encode()
	httpReq, err := http.NewRequestWithContext(ctx, req.method, u.String(), nil)
	if err != nil {
		return nil, 0, "", fmt.Errorf("building %s %s: %w", req.method, req.path, err)
	}
	httpReq.Header.Set(TenantHeader, c.tenant)
	httpReq.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		httpReq.Header.Set("User-Agent", c.userAgent)
	}
	if body != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	return c.roundTrips(ctx, req, httpReq, body)
}

// errorMessage is the server's {"message": ...} (structured), or the status text and a body excerpt.
func errorMessage(status int, body []byte) (message string, structured bool) {
	var parsed struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &parsed) == nil && parsed.Message != "" {
		return parsed.Message, true
	}
	text := cmp.Or(http.StatusText(status), "unexpected status")
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 {
		return fmt.Sprintf("%s (body: %q)", text, Excerpt(trimmed)), false
	}
	return text, false
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// Logger receives the client's log lines; fields never hold credentials or tokens.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// loggingTransport paces requests and logs each attempt, never headers or bodies, which hold secrets.
type loggingTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
	logger  Logger
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.limiter != nil {
		start := time.Now()
		if err := t.limiter.Wait(ctx); err != nil {
			return nil, notSentError{err}
		}
		if waited := time.Since(start); waited > 100*time.Millisecond {
			t.logger.Debug(ctx, "paced request to stay under max_requests_per_minute", map[string]any{"waited_ms": waited.Milliseconds()})
		}
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	f := map[string]any{"method": req.Method, "path": req.URL.Path, "duration_ms": time.Since(start).Milliseconds()}
	if err != nil {
		f["error"] = err.Error()
		t.logger.Debug(ctx, "Servitly API request failed", f)
		return nil, err
	}
	f["status"] = resp.StatusCode
	if resp.StatusCode == http.StatusTooManyRequests {
		f["retry_after"] = resp.Header.Get("Retry-After")
		t.logger.Warn(ctx, "Servitly API rate limit reached; backing off", f)
	} else {
		t.logger.Debug(ctx, "Servitly API request", f)
	}
	return resp, nil
}

// notSentError is a failure before the request left the client: even a POST had no effect.
type notSentError struct{ err error }

func (e notSentError) Error() string { return e.err.Error() }
func (e notSentError) Unwrap() error { return e.err }
