package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Tests for answers that differ from our guesses about the API: none of
// them may read as "the partner is gone" or create a partner twice.

func TestOnlyAProvenPartner404MeansGone(t *testing.T) {
	ctx := context.Background()
	listOK := func(w http.ResponseWriter) { writeJSON(w, http.StatusOK, `{"content":[],"last":true}`) }

	cases := []struct {
		name       string
		get        func(w http.ResponseWriter) // GET and DELETE of the partner
		list       func(w http.ResponseWriter) // the list page that proves the server
		wantGone   bool
		wantProofs int
	}{
		{"the partner's own 404, tenant proven by the list", status(http.StatusNotFound, ""), listOK, true, 1},
		{"a 403 list still proves the tenant", status(http.StatusNotFound, ""), status(http.StatusForbidden, ""), true, 1},
		{"unknown tenant", func(w http.ResponseWriter) { writeMessage(w, http.StatusNotFound, "Tenant not found") },
			func(w http.ResponseWriter) { writeMessage(w, http.StatusNotFound, "Tenant not found") }, false, 1},
		{"a proxy's 404 page (wrong base_url path)", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<html>Not Found</html>"))
		}, listOK, false, 0},
		{"a router's JSON 404 without message", func(w http.ResponseWriter) {
			writeJSON(w, http.StatusNotFound, `{"status":404,"error":"Not Found","path":"/network/partners/p1"}`)
		}, listOK, false, 0},
		{"a list page that is a web page proves nothing", status(http.StatusNotFound, ""), func(w http.ResponseWriter) {
			writeJSON(w, http.StatusOK, `<html>app</html>`)
		}, false, 1},
	}
	for _, tc := range cases {
		for _, op := range []string{"get", "delete"} {
			t.Run(tc.name+"/"+op, func(t *testing.T) {
				srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
					if r.URL.Path == "/v2/network/partners" {
						tc.list(w)
						return
					}
					tc.get(w)
				})
				c := newTestClient(t, fastConfig(srv.URL))
				var err error
				if op == "get" {
					_, err = c.GetPartner(ctx, "p1")
				} else {
					err = c.DeletePartner(ctx, "p1")
				}
				gone := IsNotFound(err) || (op == "delete" && err == nil)
				if gone != tc.wantGone {
					t.Errorf("%s: error = %v; gone = %v, want %v", op, err, gone, tc.wantGone)
				}
				var unproven *UnprovenNotFoundError
				if !tc.wantGone && !errors.As(err, &unproven) {
					t.Errorf("error = %T %v, want *UnprovenNotFoundError", err, err)
				}
				if n := srv.count(http.MethodGet, "/v2/network/partners"); n != tc.wantProofs {
					t.Errorf("server saw %d list requests, want %d", n, tc.wantProofs)
				}
			})
		}
	}

	t.Run("a server that answered before needs no proof", func(t *testing.T) {
		var n atomic.Int64
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			if n.Add(1) == 1 {
				okPartner(http.StatusOK)(w)
				return
			}
			writeMessage(w, http.StatusNotFound, "Resource not found")
		})
		c := newTestClient(t, fastConfig(srv.URL))
		if _, err := c.GetPartner(ctx, "p1"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetPartner(ctx, "p2"); !IsNotFound(err) {
			t.Errorf("error = %v, want not found", err)
		}
		if got := len(srv.requests()); got != 2 {
			t.Errorf("server saw %d requests, want 2", got)
		}
	})

	t.Run("a login refused with 404 is never not-found", func(t *testing.T) {
		srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			writeMessage(w, http.StatusNotFound, "Tenant not found")
		})
		cfg := fastConfig(srv.URL)
		cfg.Token, cfg.APIKey, cfg.PAT = "", "k", "p"
		c := newTestClient(t, cfg)
		_, err := c.GetPartner(ctx, "p1")
		var loginErr *LoginError
		if IsNotFound(err) || !errors.As(err, &loginErr) {
			t.Errorf("error = %T %v, want a *LoginError that is not not-found", err, err)
		}
		if err := c.DeletePartner(ctx, "p1"); err == nil {
			t.Error("DeletePartner reported success although the login failed")
		}
	})
}

func TestDeleteAnsweredWithAWebPageFails(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><html>app</html>"))
	})
	c := newTestClient(t, fastConfig(srv.URL))
	var decodeErr *DecodeError
	if err := c.DeletePartner(context.Background(), "p1"); !errors.As(err, &decodeErr) {
		t.Errorf("DeletePartner = %v, want a *DecodeError: a web page is not a deletion", err)
	}
}

func TestPropertyValuesOfOtherTypesAreKeptAsText(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, `{"content":[{"id":"p1","name":"A","properties":{"n":1,"f":2.5,"b":true,"z":null,"o":{"k": [1, "x"]},"s":"text"}}],"last":true}`)
	})
	c := newTestClient(t, fastConfig(srv.URL))
	got, err := c.ListPartners(context.Background(), PartnerFilter{})
	if err != nil {
		t.Fatalf("ListPartners: %v", err)
	}
	want := map[string]string{"n": "1", "f": "2.5", "b": "true", "z": "null", "o": `{"k":[1,"x"]}`, "s": "text"}
	if len(got) != 1 || len(got[0].Properties) != len(want) {
		t.Fatalf("partners = %+v", got)
	}
	for k, v := range want {
		if got[0].Properties[k] != v {
			t.Errorf("properties[%q] = %q, want %q", k, got[0].Properties[k], v)
		}
	}
}

// slowCreateServer stores a partner when the POST arrives and answers only
// after answerAfter; the list answers with what was stored.
func slowCreateServer(t *testing.T, answerAfter time.Duration, list func(stored bool) string) *apiServer {
	var stored atomic.Bool
	return newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.Method {
		case http.MethodPost:
			stored.Store(true)
			select {
			case <-time.After(answerAfter):
				writeJSON(w, http.StatusCreated, fullPartnerJSON)
			case <-r.Context().Done():
			}
		default:
			writeJSON(w, http.StatusOK, `{"content":[`+list(stored.Load())+`],"last":true}`)
		}
	})
}

// gaveUp makes a context its caller gives up on after 100 ms, as an
// interrupt or an operation timeout does.
var gaveUp = map[string]func(context.Context) (context.Context, context.CancelFunc){
	"interrupted": func(ctx context.Context) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(100*time.Millisecond, cancel)
		return ctx, cancel
	},
	"operation timeout": func(ctx context.Context) (context.Context, context.CancelFunc) {
		return context.WithTimeout(ctx, 100*time.Millisecond)
	},
}

func TestCreateWhoseCallerGaveUpIsFinished(t *testing.T) {
	stored := func(stored bool) string {
		if stored {
			return fullPartnerJSON
		}
		return ""
	}
	for name, giveUp := range gaveUp {
		t.Run(name+": the create in flight gets its answer", func(t *testing.T) {
			srv := slowCreateServer(t, 500*time.Millisecond, stored)
			c := newTestClient(t, fastConfig(srv.URL))
			ctx, cancel := giveUp(context.Background())
			defer cancel()
			p, recovered, err := c.CreatePartner(ctx, dealerInput)
			if err != nil || recovered {
				t.Fatalf("CreatePartner = %v, recovered %v; want the server's answer", err, recovered)
			}
			wantPartnerP1(t, p)
			if reqs := srv.requests(); len(reqs) != 1 {
				t.Errorf("requests %v, want the one POST and no lookup", methods(reqs))
			}
		})
		t.Run(name+": no answer within request_timeout, the stored partner is adopted", func(t *testing.T) {
			srv := slowCreateServer(t, time.Minute, stored)
			cfg := fastConfig(srv.URL)
			cfg.RequestTimeout = 300 * time.Millisecond
			c := newTestClient(t, cfg)
			ctx, cancel := giveUp(context.Background())
			defer cancel()
			p, recovered, err := c.CreatePartner(ctx, dealerInput)
			if err != nil || !recovered {
				t.Fatalf("CreatePartner = %v, recovered %v; want the stored partner, recovered", err, recovered)
			}
			wantPartnerP1(t, p)
			if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
				t.Errorf("server saw %d POSTs, want 1", n)
			}
		})
	}

	t.Run("nothing found: no second POST after the caller gave up", func(t *testing.T) {
		srv := slowCreateServer(t, time.Minute, func(bool) string { return "" })
		cfg := fastConfig(srv.URL)
		cfg.RequestTimeout = 300 * time.Millisecond
		c := newTestClient(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, _, err := c.CreatePartner(ctx, dealerInput)
		var unknown *CreateOutcomeUnknownError
		if !errors.As(err, &unknown) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error = %v, want *CreateOutcomeUnknownError that keeps the deadline", err)
		}
		if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
			t.Errorf("server saw %d POSTs, want 1", n)
		}
	})

	t.Run("given up before it was sent: nothing is sent", func(t *testing.T) {
		srv := slowCreateServer(t, 0, stored)
		c := newTestClient(t, fastConfig(srv.URL))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, _, err := c.CreatePartner(ctx, dealerInput)
		if !errors.Is(err, context.Canceled) || errors.As(err, new(*CreateOutcomeUnknownError)) {
			t.Fatalf("error = %v, want the cancellation, and no unknown outcome", err)
		}
		if reqs := srv.requests(); len(reqs) != 0 {
			t.Errorf("requests %v, want none", methods(reqs))
		}
	})

	t.Run("request_timeout: a POST without answer is looked up, not sent again", func(t *testing.T) {
		srv := slowCreateServer(t, time.Minute, stored)
		cfg := fastConfig(srv.URL)
		cfg.RequestTimeout = 100 * time.Millisecond
		c := newTestClient(t, cfg)
		p, recovered, err := c.CreatePartner(context.Background(), dealerInput)
		if err != nil || !recovered {
			t.Fatalf("CreatePartner = %v, recovered %v", err, recovered)
		}
		wantPartnerP1(t, p)
		if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
			t.Errorf("server saw %d POSTs, want 1", n)
		}
	})
}

func TestRequestTimeoutRetriesAHungRead(t *testing.T) {
	var n atomic.Int64
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if n.Add(1) == 1 {
			<-r.Context().Done() // never answers the first attempt
			return
		}
		okPartner(http.StatusOK)(w)
	})
	cfg := fastConfig(srv.URL)
	cfg.RequestTimeout = 100 * time.Millisecond
	c := newTestClient(t, cfg)
	p, err := c.GetPartner(context.Background(), "p1")
	if err != nil {
		t.Fatalf("GetPartner: %v", err)
	}
	wantPartnerP1(t, p)
	if got := srv.count(http.MethodGet, "/network/partners/p1"); got != 2 {
		t.Errorf("server saw %d GETs, want 2", got)
	}
}

func TestFilteredMissIsConfirmedByTheWholeList(t *testing.T) {
	// A server that compares filter values literally: "eq;IT01" matches
	// nothing, so only the unfiltered walk finds the partner.
	srv := createServer(t, failFirstPost, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("code") {
			writeJSON(w, http.StatusOK, `{"content":[],"last":true}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"content":[`+fullPartnerJSON+`],"last":true}`)
	})
	c := newTestClient(t, fastConfig(srv.URL))
	p, recovered, err := c.CreatePartner(context.Background(), dealerInput)
	if err != nil || !recovered {
		t.Fatalf("CreatePartner = %v, recovered %v", err, recovered)
	}
	wantPartnerP1(t, p)
	if n := srv.count(http.MethodPost, "/network/partners"); n != 1 {
		t.Errorf("server saw %d POSTs, want 1: the filtered miss was not confirmed", n)
	}
}

func TestHTTPSToAPlainHTTPServerFailsAtOnce(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) { okPartner(http.StatusOK)(w) })
	cfg := fastConfig(strings.Replace(srv.URL, "http://", "https://", 1))
	cfg.RetryMaxWait = time.Hour
	c := newTestClient(t, cfg)
	start := time.Now()
	_, err := c.GetPartner(context.Background(), "p1")
	if !errors.Is(err, http.ErrSchemeMismatch) || time.Since(start) > 5*time.Second {
		t.Errorf("error = %v after %s, want http.ErrSchemeMismatch at once", err, time.Since(start))
	}
}
