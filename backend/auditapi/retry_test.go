package auditapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// failThen answers the first n requests with fail and the rest with a page.
func failThen(n int32, fail http.HandlerFunc) func(hits func() int32) http.HandlerFunc {
	return func(hits func() int32) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if hits() <= n {
				fail(w, r)
				return
			}
			_, _ = w.Write([]byte(page(eventJSON)))
		}
	}
}

func status(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		_, _ = fmt.Fprintf(w, `{"error":{"code":"x","message":"status %d"}}`, code)
	}
}

// hijack writes raw bytes on the connection and closes it, as a server or
// proxy dying mid-response does.
func hijack(raw string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		_, _ = buf.WriteString(raw)
		_ = buf.Flush()
		_ = conn.Close()
	}
}

// stall holds the response until the client gives up.
func stall(w http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
}

func TestRetriesTransientFailures(t *testing.T) {
	tests := []struct {
		name   string
		fail   http.HandlerFunc
		reason WaitReason
	}{
		{"500", status(500), WaitUnavailable},
		{"502", status(502), WaitUnavailable},
		{"503", status(503), WaitUnavailable},
		{"504", status(504), WaitUnavailable},
		{"429", status(429), WaitRateLimited},
		{"closed mid-body with Content-Length", hijack("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + page(eventJSON)[:100]), WaitTransient},
		{"closed mid-body, chunked", hijack("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + page(eventJSON)[:100] + "\r\n"), WaitTransient},
		{"closed mid-document without framing", hijack("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + page(eventJSON)[:100]), WaitTransient},
		{"closed before answering", hijack(""), WaitTransient},
		{"slow headers", stall, WaitTransient},
		{"slow body", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"events":[`))
			_ = http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}, WaitTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srvHits func() int32
			srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) {
				failThen(2, tt.fail)(srvHits)(w, r)
			})
			srvHits = hits.Load
			c, w := newClient(t, srv.URL, func(c *Config) { c.AttemptTimeout = 200 * time.Millisecond })
			p, err := c.List(context.Background(), Query{})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(p.Events) != 1 || hits.Load() != 3 {
				t.Errorf("%d events after %d requests, want 1 after 3", len(p.Events), hits.Load())
			}
			_, seen := w.get()
			if len(seen) != 2 {
				t.Fatalf("OnWait called %d times, want 2", len(seen))
			}
			for i, s := range seen {
				if s.Reason != tt.reason || s.Attempt != i+1 || s.Err == nil {
					t.Errorf("wait %d = %+v, want reason %s, attempt %d", i, s, tt.reason, i+1)
				}
			}
		})
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	tests := []struct {
		name   string
		h      http.HandlerFunc
		want   error
		phrase string
	}{
		{"503", status(503), ErrUnavailable, "is unavailable after 3 attempts (503 x: status 503)"},
		{"429", status(429), ErrRateLimited, "is still rate limiting after 3 attempts (429 x: status 429)"},
		{"cut body", hijack("HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n{"), ErrUnavailable, "closed mid-response"},
		{"plain-text 502", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("upstream\nconnect error\r\n"))
		}, ErrUnavailable, "(502: upstream connect error)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, hits := serve(t, tt.h)
			c, w := newClient(t, srv.URL, func(c *Config) { c.MaxAttempts = 3 })
			_, err := c.List(context.Background(), Query{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if hits.Load() != 3 {
				t.Errorf("%d requests, want 3", hits.Load())
			}
			if delays, _ := w.get(); len(delays) != 2 {
				t.Errorf("%d waits, want 2", len(delays))
			}
			if !strings.Contains(err.Error(), tt.phrase) {
				t.Errorf("error %q lacks %q", err, tt.phrase)
			}
		})
	}
}

func TestUnreachableAfterAttempts(t *testing.T) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens: connection refused
	c, w := newClient(t, "http://"+addr, func(c *Config) { c.MaxAttempts = 4 })
	_, err = c.Me(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Attempts != 4 || e.Host != addr {
		t.Errorf("error = %+v, want 4 attempts on %s", e, addr)
	}
	if _, seen := w.get(); len(seen) != 3 || seen[0].Reason != WaitTransient {
		t.Errorf("waits = %+v", seen)
	}
	if msg := err.Error(); !strings.Contains(msg, "cannot reach "+addr+" after 4 attempts") || !strings.Contains(msg, "check the base URL") {
		t.Errorf("message = %q", msg)
	}
}

func TestRetryAfter(t *testing.T) {
	date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name     string
		h        http.HandlerFunc
		min, max time.Duration
	}{
		{"429 seconds", status(429, "Retry-After", "7"), 7 * time.Second, 7 * time.Second},
		{"503 seconds", status(503, "Retry-After", "2"), 2 * time.Second, 2 * time.Second},
		{"zero", status(429, "Retry-After", "0"), 0, 0},
		{"HTTP-date", status(429, "Retry-After", date), 28 * time.Second, 30 * time.Second},
		{"date in the past", status(503, "Retry-After", "Mon, 02 Jan 2006 15:04:05 GMT"), 0, 0},
		{"capped", status(429, "Retry-After", "86400"), 90 * time.Second, 90 * time.Second},
		{"huge capped", status(429, "Retry-After", "99999999999999999"), 90 * time.Second, 90 * time.Second},
		{"garbage: backoff", status(503, "Retry-After", "soon"), 0, 100 * time.Millisecond},
		{"negative: backoff", status(429, "Retry-After", "-5"), 0, 100 * time.Millisecond},
		{"ignored on 500", status(500, "Retry-After", "9"), 0, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srvHits func() int32
			srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) { failThen(1, tt.h)(srvHits)(w, r) })
			srvHits = hits.Load
			c, w := newClient(t, srv.URL, func(c *Config) {
				c.BaseDelay, c.MaxDelay, c.MaxRetryAfter = 100*time.Millisecond, time.Second, 90*time.Second
			})
			if _, err := c.List(context.Background(), Query{}); err != nil {
				t.Fatal(err)
			}
			delays, seen := w.get()
			if len(delays) != 1 || delays[0] < tt.min || delays[0] > tt.max {
				t.Fatalf("delays = %v, want one in [%v, %v]", delays, tt.min, tt.max)
			}
			if seen[0].Delay != delays[0] {
				t.Errorf("OnWait said %v, slept %v", seen[0].Delay, delays[0])
			}
		})
	}
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	c, _ := newClient(t, "http://127.0.0.1:1", func(c *Config) { c.BaseDelay, c.MaxDelay = 100*time.Millisecond, time.Second })
	for attempt := 1; attempt <= 70; attempt++ {
		ceil := min(time.Second, 100*time.Millisecond<<min(attempt-1, 20))
		var sum time.Duration
		const n = 2000
		for range n {
			d := c.backoff(attempt)
			if d < 0 || d > ceil {
				t.Fatalf("attempt %d: backoff %v outside [0, %v]", attempt, d, ceil)
			}
			sum += d
		}
		// Full jitter is uniform over [0, ceil]: the mean is near ceil/2.
		if mean := sum / n; mean < ceil*4/10 || mean > ceil*6/10 {
			t.Errorf("attempt %d: mean backoff %v, want about %v", attempt, mean, ceil/2)
		}
	}
}

func TestCancellation(t *testing.T) {
	t.Run("during a wait", func(t *testing.T) {
		srv, _ := serve(t, status(503, "Retry-After", "60"))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c, _ := newClient(t, srv.URL, func(c *Config) {
			c.Sleep = nil // the real timer
			c.OnWait = func(Wait) { time.AfterFunc(20*time.Millisecond, cancel) }
		})
		start := time.Now()
		_, err := c.List(ctx, Query{})
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
			t.Errorf("err = %v, want context.Canceled only", err)
		}
		if time.Since(start) > 10*time.Second {
			t.Error("the wait ignored cancellation")
		}
	})
	t.Run("during a request", func(t *testing.T) {
		srv, hits := serve(t, stall)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		c, _ := newClient(t, srv.URL)
		_, err := c.Me(ctx)
		if !errors.Is(err, context.Canceled) || hits.Load() != 1 {
			t.Errorf("err = %v after %d requests, want context.Canceled after 1", err, hits.Load())
		}
	})
	t.Run("caller's deadline is not an attempt timeout", func(t *testing.T) {
		srv, _ := serve(t, stall)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		c, _ := newClient(t, srv.URL)
		_, err := c.Me(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("attempt timeouts do not look like the caller's", func(t *testing.T) {
		srv, _ := serve(t, stall)
		c, _ := newClient(t, srv.URL, func(c *Config) { c.AttemptTimeout, c.MaxAttempts = 30*time.Millisecond, 2 })
		_, err := c.Me(context.Background())
		if !errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want ErrUnavailable and not DeadlineExceeded", err)
		}
		if !strings.Contains(err.Error(), "after 2 attempts (no complete answer within 30ms)") {
			t.Errorf("message %q does not say the server was too slow", err)
		}
	})
}
