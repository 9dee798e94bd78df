package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingLogger keeps every line the client logs.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) record(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := level + " " + msg
	for k, v := range fields {
		line += fmt.Sprintf(" %s=%v", k, v)
	}
	l.lines = append(l.lines, line)
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.record("DEBUG", msg, fields)
}

func (l *recordingLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.record("WARN", msg, fields)
}

func (l *recordingLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

var secrets = []string{testAPIKey, testPAT, testPassword}

func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s contains the secret %q: %s", what, s, text)
		}
	}
}

// TestSecretsStayOutOfLogsAndErrors drives both login flows through
// retries, failures and broken connections, and checks every log line and
// every error for the API key, PAT and password.
func TestSecretsStayOutOfLogsAndErrors(t *testing.T) {
	for _, flow := range []string{loginFlowPAT, loginFlowPassword} {
		t.Run(flow, func(t *testing.T) {
			a := newAuthAPI(t)
			a.login = func(w http.ResponseWriter, n int) {
				switch n {
				case 1:
					w.Header().Set("Retry-After", "0")
					writeMessage(w, http.StatusTooManyRequests, "API call rate limit exeeded")
				case 2:
					hangUp(t, w) // logged by the HTTP layer with the URL
				case 3:
					writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
				case 4:
					writeJSON(w, http.StatusOK, loginAnswer("jwt-4", time.Now().Add(time.Hour), "r"))
				default:
					writeMessage(w, http.StatusUnauthorized, "Invalid credentials")
				}
			}
			a.accept("jwt-4")
			logger := &recordingLogger{}
			cfg := patConfig(a.URL)
			if flow == loginFlowPassword {
				cfg = passwordConfig(a.URL)
			}
			cfg.Logger = logger
			c := newTestClient(t, cfg)
			ctx := context.Background()

			var errs []error
			_, err := c.GetPartner(ctx, "p1") // 429, hang-up, 500: the login gives up
			errs = append(errs, err)
			_, err = c.GetPartner(ctx, "p1") // logs in, succeeds
			errs = append(errs, err)
			if err != nil {
				t.Fatalf("second call: %v", err)
			}
			a.mu.Lock()
			delete(a.valid, "jwt-4") // revoke: 401, then the login is refused
			a.mu.Unlock()
			_, err = c.GetPartner(ctx, "p1")
			errs = append(errs, err)
			if err == nil {
				t.Fatal("third call succeeded with refused credentials")
			}
			_, err = c.GetPartner(ctx, "p1")
			errs = append(errs, err)

			for i, err := range errs {
				if err != nil {
					assertNoSecret(t, fmt.Sprintf("error of call %d", i+1), err.Error())
					assertNoSecret(t, fmt.Sprintf("error of call %d (%%+v)", i+1), fmt.Sprintf("%+v", err))
				}
			}
			lines := logger.all()
			if len(lines) < 5 {
				t.Fatalf("only %d log lines; the test should exercise the logging: %v", len(lines), lines)
			}
			for _, line := range lines {
				assertNoSecret(t, "log line", line)
			}
		})
	}
}

func TestSecretsStayOutOfNetworkErrors(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) { hangUp(t, w) })
	logger := &recordingLogger{}
	cfg := passwordConfig(srv.URL)
	cfg.Logger = logger
	cfg.RetryMaxWait = 20 * time.Millisecond
	c := newTestClient(t, cfg)
	_, err := c.GetPartner(context.Background(), "p1")
	if err == nil {
		t.Fatal("no error")
	}
	assertNoSecret(t, "error", err.Error())
	for _, line := range logger.all() {
		assertNoSecret(t, "log line", line)
	}
}

func TestUnreadableLoginAnswerIsNotQuoted(t *testing.T) {
	const session = "eyJhbGciOi.SESSION-TOKEN.sig"
	for name, body := range map[string]string{
		"truncated": `{"token":"` + session + `","tokenExpirationTimestamp":17`,
		"bad type":  `{"token":"` + session + `","tokenExpirationTimestamp":"tomorrow"}`,
	} {
		t.Run(name, func(t *testing.T) {
			a := newAuthAPI(t)
			a.login = func(w http.ResponseWriter, _ int) { writeJSON(w, http.StatusOK, body) }
			logger := &recordingLogger{}
			cfg := patConfig(a.URL)
			cfg.Logger = logger
			c := newTestClient(t, cfg)
			_, err := c.GetPartner(context.Background(), "p1")
			var loginErr *LoginError
			if !errors.As(err, &loginErr) {
				t.Fatalf("error = %v, want *LoginError", err)
			}
			var decErr *DecodeError
			if !errors.As(err, &decErr) {
				t.Errorf("error = %v, want the *DecodeError inside", err)
			}
			if strings.Contains(err.Error(), "SESSION-TOKEN") || strings.Contains(fmt.Sprintf("%+v", err), "SESSION-TOKEN") {
				t.Errorf("error quotes the session token: %v", err)
			}
			for _, line := range logger.all() {
				if strings.Contains(line, "SESSION-TOKEN") {
					t.Errorf("log quotes the session token: %s", line)
				}
			}
		})
	}
}
