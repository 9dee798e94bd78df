package provider

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/servitly/terraform-provider-servitly/internal/client"
)

func TestTFLoggerMasksSecrets(t *testing.T) {
	cfg := client.Config{Token: "SECRET-TOKEN", APIKey: "SECRET-KEY", PAT: "SECRET-PAT", Password: "SECRET-PW"}
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	l := newTFLogger(cfg)

	l.Debug(ctx, "login with SECRET-KEY and SECRET-PAT", map[string]any{
		"url": "https://h/identity/users/login?apiKey=SECRET-KEY", "apiKey": "plain", "pat": "x", "password": "y",
		"token": "jwt", "refreshToken": "r", "Authorization": "Bearer jwt", "status": 401,
	})
	l.Warn(ctx, "password was SECRET-PW, token SECRET-TOKEN", nil)

	logged := out.String()
	if strings.Count(logged, "\n") != 2 {
		t.Fatalf("want 2 log lines, got: %s", logged)
	}
	for _, secret := range []string{"SECRET-TOKEN", "SECRET-KEY", "SECRET-PAT", "SECRET-PW", `"plain"`, "Bearer jwt", `"jwt"`} {
		if strings.Contains(logged, secret) {
			t.Errorf("log shows %s: %s", secret, logged)
		}
	}
	if !strings.Contains(logged, `"status":401`) || !strings.Contains(logged, "login with") {
		t.Errorf("masking removed too much: %s", logged)
	}
}

// TestClientLogsThroughTFLogger runs a password login and a retried call
// with the provider's logger and checks the whole TRACE-level output.
func TestClientLogsThroughTFLogger(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/identity/users/login":
			_, _ = io.WriteString(w, `{"token":"jwt-SESSION","tokenExpirationTimestamp":9999999999999,"refreshToken":"r","userId":"u","tenantId":"t"}`)
		default:
			calls++
			if calls == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = io.WriteString(w, `{"message":"API call rate limit exeeded"}`)
				return
			}
			_, _ = io.WriteString(w, `{"id":"p1","name":"n"}`)
		}
	}))
	t.Cleanup(srv.Close)

	cfg := client.Config{BaseURL: srv.URL, Tenant: "acme", APIKey: "SECRET-KEY", Email: "e@x", Password: "SECRET-PW",
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}
	cfg.Logger = newTFLogger(cfg)
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	if _, err := c.GetPartner(ctx, "p1"); err != nil {
		t.Fatalf("GetPartner: %v", err)
	}
	logged := out.String()
	if !strings.Contains(logged, "rate limit") || !strings.Contains(logged, "/identity/users/login") {
		t.Fatalf("expected the login and the 429 in the log: %s", logged)
	}
	for _, secret := range []string{"SECRET-KEY", "SECRET-PW", "jwt-SESSION"} {
		if strings.Contains(logged, secret) {
			t.Errorf("log shows %s: %s", secret, logged)
		}
	}
}
