package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryPolicy is the one place that decides whether and when to try again.
//   - 429 is retried for every method: the server did not process the call.
//   - 5xx and network errors are retried for GET, PUT and DELETE, which are
//     idempotent here.
//   - A POST is never replayed after its body may have reached the server;
//     the caller gets an *OutcomeUnknownError and decides (see CreatePartner).
//
// Waits honour Retry-After (seconds or HTTP date), else back off
// exponentially with jitter, and all waits of one call share one budget that
// the context deadline caps.
type retryPolicy struct {
	budget     time.Duration
	minBackoff time.Duration
	maxBackoff time.Duration
}

func newRetryPolicy(cfg Config) retryPolicy {
	p := retryPolicy{budget: cfg.RetryMaxWait, minBackoff: cfg.MinBackoff, maxBackoff: cfg.MaxBackoff}
	if p.budget <= 0 {
		p.budget = DefaultRetryMaxWait
	}
	if p.minBackoff <= 0 {
		p.minBackoff = defaultMinBackoff
	}
	if p.maxBackoff <= 0 {
		p.maxBackoff = defaultMaxBackoff
	}
	return p
}

// attemptState is what the retry callbacks of one call share.
type attemptState struct {
	method string
	path   string
	// unsafe is a request that must not be replayed once it may have
	// reached the server (a create).
	unsafe   bool
	deadline time.Time
	attempts int
	nextWait time.Duration
	stopErr  error
}

func (p retryPolicy) do(ctx context.Context, hc *http.Client, httpReq *http.Request, body []byte, unsafe bool, logger Logger) (*http.Response, int, error) {
	state := &attemptState{method: httpReq.Method, path: httpReq.URL.Path, unsafe: unsafe, deadline: time.Now().Add(p.budget)}
	if d, ok := ctx.Deadline(); ok && d.Before(state.deadline) {
		state.deadline = d
	}
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       leveledLogger{ctx: ctx, logger: logger},
		RetryMax:     1 << 20, // the time budget, not a count, ends retries
		RetryWaitMin: p.minBackoff,
		RetryWaitMax: p.maxBackoff,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return p.checkRetry(ctx, state, resp, err)
		},
		Backoff: func(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
			return state.nextWait
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	req, err := retryablehttp.FromRequest(httpReq)
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		if err := req.SetBody(body); err != nil {
			return nil, 0, err
		}
	}
	resp, err := rc.Do(req)
	if state.stopErr != nil {
		if resp != nil {
			drain(resp)
		}
		return nil, state.attempts, state.stopErr
	}
	if err != nil {
		err = withoutURL(err)
		if ctx.Err() != nil {
			return nil, state.attempts, fmt.Errorf("%s %s: %w", httpReq.Method, httpReq.URL.Path, ctx.Err())
		}
		return nil, state.attempts, fmt.Errorf("%s %s: %w", httpReq.Method, httpReq.URL.Path, err)
	}
	return resp, state.attempts, nil
}

func (p retryPolicy) checkRetry(ctx context.Context, state *attemptState, resp *http.Response, err error) (bool, error) {
	state.attempts++
	err = withoutURL(err)
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	var cause error
	switch {
	case err != nil:
		if permanent(err) {
			state.stopErr = fmt.Errorf("%s %s: %w", state.method, state.path, err)
			return false, state.stopErr
		}
		if state.unsafe && !neverSent(err) {
			state.stopErr = &OutcomeUnknownError{Method: state.method, Path: state.path, Err: fmt.Errorf("%s %s: %w", state.method, state.path, err)}
			return false, state.stopErr
		}
		cause = err
	case resp.StatusCode == http.StatusTooManyRequests:
		cause = fmt.Errorf("HTTP 429 rate limited")
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && !state.unsafe:
		cause = fmt.Errorf("HTTP %d", resp.StatusCode)
	default:
		return false, nil
	}
	wait := p.backoff(state.attempts, resp)
	if time.Now().Add(wait).After(state.deadline) {
		if resp != nil {
			// Hand the last answer to the caller: its message says more than ours.
			return false, nil
		}
		state.stopErr = &RetryBudgetError{Attempts: state.attempts, Budget: p.budget, Last: cause}
		return false, state.stopErr
	}
	state.nextWait = wait
	return true, nil
}

// backoff is Retry-After when the server sent one, otherwise exponential
// back-off with "equal jitter" so parallel callers spread out.
func (p retryPolicy) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return wait
		}
	}
	wait := p.minBackoff << min(attempt-1, 20)
	if wait <= 0 || wait > p.maxBackoff {
		wait = p.maxBackoff
	}
	half := wait / 2
	return half + rand.N(half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// retryAfter parses Retry-After as delay-seconds or an HTTP date.
func retryAfter(value string, now time.Time) (time.Duration, bool) {
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(value, 10, 32); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		if wait := at.Sub(now); wait > 0 {
			return wait, true
		}
		return 0, true
	}
	return 0, false
}

// neverSent reports errors that happen before a connection exists, so a POST
// that failed with one certainly did not reach the server.
func neverSent(err error) bool {
	var notSent notSentError
	if errors.As(err, &notSent) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// permanent reports network errors that no retry can cure: an unknown host
// or a certificate that does not verify. Retrying them would only make the
// user wait out the budget.
func permanent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	return errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostnameErr) || errors.As(err, &invalidCert)
}

// withoutURL drops the URL that net/http puts in its errors: the password
// login carries the API key in the query string, and errors reach logs and
// diagnostics.
func withoutURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return fmt.Errorf("%s: %w", urlErr.Op, urlErr.Err)
	}
	return err
}
