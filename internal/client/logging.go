package client

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"golang.org/x/time/rate"
)

// Logger receives the client's log lines. The provider bridges it to tflog;
// the client itself stays free of Terraform packages. Fields never hold
// credentials or tokens.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// leveledLogger adapts go-retryablehttp's logger to ours, bound to the
// context of the call being retried. go-retryablehttp logs whole URLs (and
// net/http errors quote them), and the password login carries the API key
// in the query string, so every query string is redacted on the way.
type leveledLogger struct {
	ctx    context.Context
	logger Logger
}

func (l leveledLogger) Error(msg string, kv ...any) {
	l.logger.Warn(l.ctx, redactQueries(msg), fields(kv))
}
func (l leveledLogger) Info(msg string, kv ...any) {
	l.logger.Debug(l.ctx, redactQueries(msg), fields(kv))
}
func (l leveledLogger) Debug(msg string, kv ...any) {
	l.logger.Debug(l.ctx, redactQueries(msg), fields(kv))
}
func (l leveledLogger) Warn(msg string, kv ...any) {
	l.logger.Warn(l.ctx, redactQueries(msg), fields(kv))
}

func fields(kv []any) map[string]any {
	out := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out[fmt.Sprint(kv[i])] = redactQueries(fmt.Sprint(kv[i+1]))
	}
	return out
}

// urlQuery matches the query string of a URL inside free text.
var urlQuery = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^\s"?#]*)\?[^\s"#]*`)

func redactQueries(s string) string { return urlQuery.ReplaceAllString(s, "$1?REDACTED") }

// loggingTransport paces requests and logs each attempt's method, path,
// status and duration. It never logs headers or bodies, so the
// Authorization header and login secrets cannot leak through it.
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

// notSentError is a failure before the request left the client (pacing
// refused to wait past the deadline), so even a POST certainly had no effect.
type notSentError struct{ err error }

func (e notSentError) Error() string { return e.err.Error() }
func (e notSentError) Unwrap() error { return e.err }
