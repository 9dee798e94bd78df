package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// retryPolicy decides whether and when to try again. 429 is retried for every method; 5xx, timeouts
// and network errors for GET, PUT and DELETE; a POST that may have reached the server never
// (*OutcomeUnknownError); errors no retry can cure fail at once (see permanent). Waits honour
// Retry-After, else back off exponentially with jitter, within one budget per call.
type retryPolicy struct{ budget, minBackoff, maxBackoff time.Duration }

// roundTrips sends httpReq until an answer is final; it returns that answer, the attempts and the last token.
func (c *Client) roundTrips(ctx context.Context, req request, httpReq *http.Request, body []byte) (*http.Response, int, string, error) {
	p := c.retry
	deadline := time.Now().Add(p.budget)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	where := httpReq.Method + " " + httpReq.URL.Path
	for attempt := 1; ; attempt++ {
		// Every attempt takes the session's current token: a back-off can outlive one.
		token := req.bearer
		if !req.noAuth && token == "" {
			var err error
			if token, err = c.auth.token(ctx); err != nil {
				return nil, attempt - 1, "", err
			}
		}
		if token != "" {
			httpReq.Header.Set("Authorization", "Bearer "+token)
		}
		if body != nil {
			httpReq.Body = io.NopCloser(bytes.NewReader(body))
			httpReq.ContentLength = int64(len(body))
		}
		exchange, sent := httpReq, func() {}
		if req.unsafeToRepeat() {
			if ctx.Err() != nil {
				return nil, attempt - 1, token, fmt.Errorf("%s: %w", where, ctx.Err()) // not sent
			}
			exchange, sent = finishOnceSent(ctx, httpReq)
		}
		resp, err := c.httpClient.Do(exchange) //nolint:gosec // the URL is built from the configured base URL
		sent()
		err = withoutURL(err)
		var cause error
		switch {
		case err != nil && ctx.Err() != nil:
			// The caller gave up: for a POST that may have arrived, an unknown outcome too.
			return nil, attempt, token, req.failed(fmt.Errorf("%s: %w", where, ctx.Err()), !neverSent(err))
		case err != nil && c.permanent(err):
			return nil, attempt, token, fmt.Errorf("%s: %w", where, err)
		case err != nil && req.unsafeToRepeat() && !neverSent(err):
			return nil, attempt, token, req.failed(fmt.Errorf("%s: %w", where, err), true)
		case err != nil:
			cause = err
		case resp.StatusCode == http.StatusTooManyRequests:
			cause = errors.New("HTTP 429 rate limited")
		case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && !req.unsafeToRepeat():
			cause = fmt.Errorf("HTTP %d", resp.StatusCode)
		default:
			return resp, attempt, token, nil
		}
		wait := p.backoff(attempt, resp)
		if time.Now().Add(wait).After(deadline) {
			if resp != nil {
				return resp, attempt, token, nil // the last answer says more than our error
			}
			return nil, attempt, token, &RetryBudgetError{Attempts: attempt, Budget: p.budget, Last: cause}
		}
		if resp != nil {
			drain(resp)
		}
		c.logger.Debug(ctx, "retrying Servitly API request", map[string]any{
			"method": httpReq.Method, "path": httpReq.URL.Path, "attempt": attempt, "wait_ms": wait.Milliseconds(), "cause": cause.Error()})
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, attempt, token, fmt.Errorf("%s: %w", where, ctx.Err())
		}
	}
}

// finishOnceSent gives a create's exchange a context that ends with ctx only until the request is
// written: an answer, within request_timeout, beats an outcome to guess. Call done once answered.
func finishOnceSent(ctx context.Context, httpReq *http.Request) (exchange *http.Request, done func()) {
	detached, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var written atomic.Bool
	stop := context.AfterFunc(ctx, func() {
		if !written.Load() {
			cancel()
		}
	})
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { written.Store(true) }}
	return httpReq.WithContext(httptrace.WithClientTrace(detached, trace)), func() { stop() }
}

// backoff is Retry-After if sent, else exponential back-off with "equal jitter" to spread callers out.
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
	if secs, err := strconv.ParseInt(value, 10, 32); err == nil {
		return time.Duration(max(secs, 0)) * time.Second, secs >= 0
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// neverSent reports errors before a connection exists: a POST that failed so never reached the server.
func neverSent(err error) bool {
	opErr, ok := errors.AsType[*net.OpError](err)
	return ok && opErr.Op == "dial" || errors.As(err, new(notSentError)) || errors.As(err, new(*net.DNSError))
}

// permanent reports network errors no retry can cure, such as an unknown host or a bad certificate.
func (c *Client) permanent(err error) bool {
	if dnsErr, ok := errors.AsType[*net.DNSError](err); ok && dnsErr.IsNotFound ||
		errors.As(err, new(*tls.CertificateVerificationError)) || errors.As(err, new(x509.UnknownAuthorityError)) ||
		errors.As(err, new(x509.HostnameError)) || errors.As(err, new(x509.CertificateInvalidError)) ||
		errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, new(tls.RecordHeaderError)) {
		return true
	}
	// A refused connection from a server that answered before may be a restart.
	return errors.Is(err, syscall.ECONNREFUSED) && !c.proven.Load()
}

// withoutURL drops the URL from net/http's errors: the password login's query holds the API key.
func withoutURL(err error) error {
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		return fmt.Errorf("%s: %w", urlErr.Op, urlErr.Err)
	}
	return err
}
