package client

import (
	"context"
	"net/http"
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
