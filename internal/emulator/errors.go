package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// apiError is an answer in Servitly's error shape: a status and {"message": ...}.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.message) }

// The message texts are the ones Servitly's endpoint pages document.
var (
	errBadRequest         = &apiError{http.StatusBadRequest, "Bad request"}
	errUnauthenticated    = &apiError{http.StatusUnauthorized, "User not authenticated"}
	errInvalidCredentials = &apiError{http.StatusUnauthorized, "Invalid credentials"}
	errForbidden          = &apiError{http.StatusForbidden, "User not authorized"}
	errNotFound           = &apiError{http.StatusNotFound, "Resource not found"}
	errRateLimited        = &apiError{http.StatusTooManyRequests, "API call rate limit exeeded"} // sic
	errInternal           = &apiError{http.StatusInternalServerError, "Internal Server Error"}
)

// invalidData is the 400 for a well-formed request whose content is rejected.
func invalidData(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "Request data not valid: " + fmt.Sprintf(format, args...)}
}

func writeError(w http.ResponseWriter, err error) {
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		apiErr = errInternal
	}
	_ = writeJSON(w, apiErr.status, map[string]string{"message": apiErr.message}) // a map of strings always marshals
}

// writeJSON answers with v. If v cannot be marshalled, nothing is written
// and the error goes back to the caller, which answers it as a 500.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

const maxBodyBytes = 1 << 20

// decodeStrict reads the body, at most maxBodyBytes, into each target in turn, as
// unmarshalStrict does, so that client typos surface in tests instead of vanishing.
//
//   - [inferred] Request bodies are decoded strictly: an unknown field is a
//     400 "Request data not valid", malformed JSON a 400 "Bad request".
//     The Content-Type of requests is not checked.
func decodeStrict(w http.ResponseWriter, r *http.Request, targets ...any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return errBadRequest
	}
	for _, v := range targets {
		if err := unmarshalStrict(body, v); err != nil {
			return decodeError(err)
		}
	}
	return nil
}

// unmarshalStrict decodes data, one JSON value, into v; unknown fields and trailing data fail.
func unmarshalStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return invalidData("wrong type in field %q: expected %s", typeErr.Field, typeErr.Type)
	}
	// encoding/json has no typed error for an unknown field; the name comes quoted.
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return invalidData("unknown field %s", field)
	}
	return errBadRequest
}
