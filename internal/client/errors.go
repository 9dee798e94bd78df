package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// APIError is a non-2xx answer from the Servitly API.
type APIError struct {
	Method, Path string
	StatusCode   int
	Message      string // the server's {"message": ...}, or else the HTTP status text
	Structured   bool   // the body was the API's {"message": ...}
	Attempts     int    // tries made, retries included
	Permission   string // what the request needs, as we infer it; "" when unknown
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, e.Message)
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return msg
}

// DecodeError means the server's answer is not the JSON we expected, such as a proxy's HTML page.
type DecodeError struct {
	Method, Path string
	StatusCode   int
	Excerpt      string
	Err          error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d with a body that could not be read as JSON (%v); the body starts with: %q",
		e.Method, e.Path, e.StatusCode, e.Err, e.Excerpt)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// OutcomeUnknownError means a POST may have been carried out: sending it again could duplicate it.
type OutcomeUnknownError struct{ Err error }

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("outcome unknown, the request may or may not have been carried out: %v", e.Err)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// LoginError means logging in to the tenant failed.
type LoginError struct {
	Flow string // "pat" or "password"
	Err  error
}

func (e *LoginError) Error() string {
	flow := "API key, email and password"
	if e.Flow == loginFlowPAT {
		flow = "API key and personal access token"
	}
	return fmt.Sprintf("login with %s failed: %v", flow, e.Err)
}

func (e *LoginError) Unwrap() error { return e.Err }

// TokenExpiredError means the configured token has expired: the client cannot renew it.
type TokenExpiredError struct{ ExpiredAt time.Time }

func (e *TokenExpiredError) Error() string {
	return fmt.Sprintf("the configured token expired at %s", e.ExpiredAt.UTC().Format(time.RFC3339))
}

// RetryBudgetError means the next wait would have passed the retry budget or the context deadline.
type RetryBudgetError struct {
	Attempts int
	Budget   time.Duration
	Last     error
}

func (e *RetryBudgetError) Error() string {
	return fmt.Sprintf("gave up after %d attempts: retrying longer would exceed the retry budget of %s or the operation timeout; last error: %v",
		e.Attempts, e.Budget, e.Last)
}

func (e *RetryBudgetError) Unwrap() error { return e.Last }

// NotFoundError is an object's own 404, in the API's shape from a server shown to be right (see gone).
type NotFoundError struct{ Err *APIError }

func (e *NotFoundError) Error() string { return e.Err.Error() }
func (e *NotFoundError) Unwrap() error { return e.Err }

// UnprovenNotFoundError is a 404 that may come from a wrong base_url or tenant, not a gone object.
type UnprovenNotFoundError struct {
	Err    *APIError
	Reason string
}

func (e *UnprovenNotFoundError) Error() string {
	return fmt.Sprintf("%v; this is not taken to mean the object is gone, because %s", e.Err, e.Reason)
}

func (e *UnprovenNotFoundError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is a *NotFoundError: the object does not exist.
func IsNotFound(err error) bool { return errors.As(err, new(*NotFoundError)) }

// IsUnknownTenant reports whether err is 404 {"message":"Tenant not found"} [inferred].
func IsUnknownTenant(err error) bool {
	apiErr, ok := errors.AsType[*APIError](err)
	return ok && apiErr.StatusCode == http.StatusNotFound && apiErr.Message == "Tenant not found"
}

// IsStatus reports whether err is an answer with the given HTTP status.
func IsStatus(err error, status int) bool {
	apiErr, ok := errors.AsType[*APIError](err)
	return ok && apiErr.StatusCode == status
}

// Excerpt returns the start of a body, safe to show in a diagnostic.
func Excerpt(body []byte) string {
	const maxLen = 200
	s := strings.ToValidUTF8(strings.TrimSpace(string(body)), "?")
	if s == "" {
		return "(empty body)"
	}
	if len(s) > maxLen {
		s = strings.ToValidUTF8(s[:maxLen], "") + "..." // drop a rune the cut split: diagnostics must be UTF-8
	}
	return s
}
