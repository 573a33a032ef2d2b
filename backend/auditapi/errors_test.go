package auditapi

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStatusErrorsAreFinal(t *testing.T) {
	tests := []struct {
		status     int
		body       string
		want       error
		wantPhrase string
	}{
		{400, `{"error":{"code":"invalid_request","message":"since is not RFC 3339"}}`, ErrInvalidRequest, "(400 invalid_request: since is not RFC 3339): check the time range"},
		{401, `{"error":{"code":"unauthenticated","message":"token expired"}}`, ErrUnauthenticated, "rejected the token (401 unauthenticated: token expired): check the token or create a new one"},
		{403, `{"error":{"code":"forbidden","message":"members may not read audit logs"}}`, ErrForbidden, "(403 forbidden: members may not read audit logs): this token's role may not read the audit log (a Workspace Member); use an Organization Owner's or Workspace Admin's token"},
		{404, `{"error":{"code":"not_found","message":"no workspace ws_9"}}`, ErrNotFound, "check the base URL"},
		{410, `{"error":{"code":"cursor_expired","message":"cursor older than 10 minutes"}}`, ErrCursorExpired, "restart the window from the last checkpoint"},
		{501, `{"error":{"code":"internal","message":"nope"}}`, ErrUnavailable, "(501 internal: nope)"},
		{418, `I'm a teapot`, ErrMalformed, "(418: I'm a teapot)"},
		{204, ``, ErrMalformed, "(204: unexpected status No Content)"},
		{401, "<html>\n<body><h1>401 Authorization Required</h1></body>\n</html>", ErrUnauthenticated, "rejected the token (401): check"},
		{403, `{"error":{"code":"forbidden","message":"line one\nline two\tthree ` + strings.Repeat("long ", 100) + `"}}`, ErrForbidden, "line one line two three long long"},
		{200, `{"events":[{"id":"x"}],"next_cursor":null}`, ErrMalformed, `events[0]: required key "timestamp" is missing`},
		{200, `{"events":[],"next_cursor":null}{}`, ErrMalformed, "breaks the Audit Log API contract"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			c, _ := newClient(t, srv.URL)
			_, err := c.List(context.Background(), Query{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if hits.Load() != 1 {
				t.Errorf("%d requests: a final error was retried", hits.Load())
			}
			msg := err.Error()
			host := strings.TrimPrefix(srv.URL, "http://")
			if !strings.Contains(msg, tt.wantPhrase) || !strings.Contains(msg, host) || !strings.HasPrefix(msg, "auditapi: list audit logs: ") {
				t.Errorf("message %q lacks %q or the host", msg, tt.wantPhrase)
			}
			if strings.ContainsAny(msg, "\n\r\t") || len(msg) > 600 {
				t.Errorf("message is not one short line: %q", msg)
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tt.status {
				t.Errorf("error = %+v, want Status %d", e, tt.status)
			}
		})
	}
}

// A restarted server no longer knows the cursors it gave and says so with
// a 400 or 404 that names the cursor: that is ErrCursorUnknown, final, and
// its advice is not about options the request never had.
func TestUnknownCursorIsItsOwnKind(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		q      Query
		want   error
	}{
		{"400 naming the cursor", 400, `{"error":{"code":"invalid_request","message":"unknown cursor"}}`, Query{Cursor: "c1"}, ErrCursorUnknown},
		{"404 naming the cursor", 404, `{"error":{"code":"not_found","message":"no such Cursor"}}`, Query{Cursor: "c1"}, ErrCursorUnknown},
		{"code naming the cursor", 400, `{"error":{"code":"invalid_cursor","message":"bad"}}`, Query{Cursor: "c1", Limit: 10}, ErrCursorUnknown},
		{"400 not naming it", 400, `{"error":{"code":"invalid_request","message":"limit too large"}}`, Query{Cursor: "c1"}, ErrInvalidRequest},
		{"no cursor sent", 400, `{"error":{"code":"invalid_request","message":"cursor and since are exclusive"}}`, Query{Limit: 10}, ErrInvalidRequest},
		{"404 without a cursor", 404, `{"error":{"code":"not_found","message":"no such path"}}`, Query{}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			c, _ := newClient(t, srv.URL)
			_, err := c.List(context.Background(), tt.q)
			if !errors.Is(err, tt.want) || hits.Load() != 1 {
				t.Fatalf("err = %v after %d requests, want %v after 1", err, hits.Load(), tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err %T is no *Error", err)
			}
			if e.Status != tt.status || !strings.Contains(err.Error(), "("+e.Detail()+")") {
				t.Errorf("error %+v: want status %d and its detail %q in %q", e, tt.status, e.Detail(), err)
			}
			if errors.Is(tt.want, ErrCursorUnknown) && (errors.Is(err, ErrInvalidRequest) || strings.Contains(err.Error(), "time range")) {
				t.Errorf("an unknown cursor reads as a bad request: %v", err)
			}
		})
	}
}

func TestTooLargeIsFinal(t *testing.T) {
	body := page(eventJSON, eventJSON, eventJSON)
	for _, chunked := range []bool{false, true} {
		srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if chunked {
				_ = http.NewResponseController(w).Flush() // no Content-Length
			}
			_, _ = w.Write([]byte(body))
		})
		c, _ := newClient(t, srv.URL, func(c *Config) { c.MaxBodyBytes = int64(len(body)) - 1 })
		_, err := c.List(context.Background(), Query{})
		if !errors.Is(err, ErrTooLarge) || hits.Load() != 1 {
			t.Errorf("chunked=%v: err = %v after %d requests, want ErrTooLarge after 1", chunked, err, hits.Load())
		}
		c, _ = newClient(t, srv.URL, func(c *Config) { c.MaxBodyBytes = int64(len(body)) })
		if _, err := c.List(context.Background(), Query{}); err != nil {
			t.Errorf("chunked=%v: a body exactly at the cap: %v", chunked, err)
		}
	}
}

// TestTokenInNoErrorText drives every failure kind and checks the token
// appears in none of their texts, even when the server echoes it.
func TestTokenInNoErrorText(t *testing.T) {
	echo := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(code)
			_, _ = fmt.Fprintf(w, `{"error":{"code":%q,"message":"bad %s"}}`, r.Header.Get("Authorization"), r.Header.Get("Authorization"))
		}
	}
	handlers := map[string]http.HandlerFunc{
		"400": echo(400), "401": echo(401), "403": echo(403), "404": echo(404), "410": echo(410),
		"429": echo(429), "503": echo(503), "501": echo(501), "418": echo(418),
		"plain text": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(r.Header.Get("Authorization")))
		},
		"malformed": func(w http.ResponseWriter, r *http.Request) {
			_, _ = fmt.Fprintf(w, `{"events":[{"id":%q}],"next_cursor":null}`, r.Header.Get("Authorization"))
		},
		"bad timestamp": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(page(strings.Replace(eventJSON, "2026-11-20T10:31:02.123Z", testToken, 1))))
		},
		"too large": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(page(eventJSON, eventJSON, eventJSON)))
		},
		"cut":     hijack("HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n{"),
		"timeout": stall,
	}
	var errs []error
	for name, h := range handlers {
		srv, _ := serve(t, h)
		c, _ := newClient(t, srv.URL, func(c *Config) { c.MaxAttempts, c.MaxBodyBytes, c.AttemptTimeout = 2, 1000, 50*time.Millisecond })
		_, err := c.List(context.Background(), Query{})
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		errs = append(errs, err)
	}
	srv, _ := serve(t, stall)
	c, _ := newClient(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Me(ctx)
	errs = append(errs, err, unreachableErr(t), tlsErr(t, false))
	for _, err := range errs {
		t.Log(err)
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(text, testToken) || strings.Contains(text, testToken[4:12]) {
				t.Errorf("the token leaks: %s", text)
			}
		}
		if strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("not one line: %q", err)
		}
	}
}

func unreachableErr(t *testing.T) error {
	c, _ := newClient(t, "http://127.0.0.1:1", func(c *Config) { c.MaxAttempts = 2 })
	_, err := c.Me(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	return err
}

// tlsServer serves identityJSON over TLS with httptest's own certificate,
// and writes that certificate as PEM into a temp dir.
func tlsServer(t *testing.T) (srv *httptest.Server, caFile string, hits func() int32) {
	var n int32
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		_, _ = w.Write([]byte(identityJSON))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "proxy-ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, caFile, func() int32 { return n }
}

// tlsErr calls an httptest TLS server with the default transport, so the
// system roots alone decide, and returns the error.
func tlsErr(t *testing.T, withCA bool) error {
	srv, caFile, _ := tlsServer(t)
	c, w := newClient(t, srv.URL, func(c *Config) {
		if withCA {
			c.CAFile = caFile
		}
	})
	_, err := c.Me(context.Background())
	if _, seen := w.get(); len(seen) != 0 {
		t.Errorf("a TLS failure was retried: %+v", seen)
	}
	return err
}

func TestTLS(t *testing.T) {
	err := tlsErr(t, false)
	if !errors.Is(err, ErrTLS) {
		t.Fatalf("err = %v, want ErrTLS", err)
	}
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("the x509 cause is not reachable with errors.As: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"the certificate of 127.0.0.1:", "is not trusted", "if a corporate proxy re-signs TLS, give its CA file"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if err := tlsErr(t, true); err != nil {
		t.Errorf("with the CA file: %v", err)
	}
}

func TestTLSSpokenToPlainHTTP(t *testing.T) {
	srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	c, w := newClient(t, strings.Replace(srv.URL, "http://", "https://", 1))
	_, err := c.Me(context.Background())
	if !errors.Is(err, ErrTLS) || !strings.Contains(err.Error(), "does not speak TLS") {
		t.Errorf("err = %v, want ErrTLS saying the server does not speak TLS", err)
	}
	if _, seen := w.get(); len(seen) != 0 || hits.Load() != 0 {
		t.Errorf("retried: %d waits, %d requests", len(seen), hits.Load())
	}
}

func TestErrorIsOnlyItsKind(t *testing.T) {
	e := &Error{Host: "h", kind: ErrForbidden}
	for _, s := range []error{ErrUnauthenticated, ErrNotFound, ErrInvalidRequest, ErrCursorExpired, ErrCursorUnknown, ErrRateLimited, ErrUnavailable, ErrMalformed, ErrTooLarge, ErrUnreachable, ErrTLS} {
		if errors.Is(e, s) {
			t.Errorf("a forbidden error matches %v", s)
		}
	}
	if !errors.Is(fmt.Errorf("sync: %w", e), ErrForbidden) {
		t.Error("a wrapped error does not match its kind")
	}
}
