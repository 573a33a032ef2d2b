package auditapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// testToken is distinctive so a leak into any error text is caught.
const testToken = "tok_S3CRET-9f8e7d6c5b4a3210"

// waits records what the client waited for instead of sleeping.
type waits struct {
	mu     sync.Mutex
	delays []time.Duration
	seen   []Wait
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.delays = append(w.delays, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) onWait(x Wait) {
	w.mu.Lock()
	w.seen = append(w.seen, x)
	w.mu.Unlock()
}

func (w *waits) get() ([]time.Duration, []Wait) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.delays...), append([]Wait(nil), w.seen...)
}

// newClient points a client at base with instant, recorded waits.
func newClient(t *testing.T, base string, mod ...func(*Config)) (*Client, *waits) {
	t.Helper()
	w := &waits{}
	cfg := Config{BaseURL: base, Token: testToken, Sleep: w.sleep, OnWait: w.onWait, AttemptTimeout: 5 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

// serve starts a server whose handler is h, counting requests.
func serve(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

const identityJSON = `{"user":"owner@example.com","organization":{"id":"org_1","name":"Acme"},"role":"ORGANIZATION_OWNER","workspaces":[{"id":"ws_1","name":"Research"}]}`

func TestNewBaseURL(t *testing.T) {
	tests := []struct {
		in, want, errHas string
	}{
		{in: "https://platform.example/api/", want: "https://platform.example/api"},
		{in: "https://platform.example", want: "https://platform.example"},
		{in: "http://127.0.0.1:8787", want: "http://127.0.0.1:8787"},
		{in: "http://127.9.9.9:1/", want: "http://127.9.9.9:1"},
		{in: "http://localhost:8787/x//", want: "http://localhost:8787/x"},
		{in: "http://[::1]:8787", want: "http://[::1]:8787"},
		{in: "http://platform.example/api", errHas: "use https://"},
		{in: "http://10.0.0.1", errHas: "use https://"},
		{in: "http://localhost.evil.example", errHas: "use https://"},
		{in: "ftp://platform.example", errHas: "must start with https://"},
		{in: "platform.example/api", errHas: "must start with https://"},
		{in: "https://", errHas: "has no host"},
		{in: "", errHas: "no base URL"},
		{in: "https://u:p@platform.example", errHas: "must not contain a user"},
		{in: "https://platform.example/api?x=1", errHas: "query"},
	}
	for _, tt := range tests {
		c, err := New(Config{BaseURL: tt.in, Token: testToken})
		switch {
		case tt.errHas != "":
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("New(%q) error = %v, want one containing %q", tt.in, err, tt.errHas)
			}
		case err != nil:
			t.Errorf("New(%q): %v", tt.in, err)
		case c.BaseURL() != tt.want:
			t.Errorf("New(%q).BaseURL() = %q, want %q", tt.in, c.BaseURL(), tt.want)
		}
	}
}

func TestNewRejectsBadTokenAndCAFile(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cfg    Config
		errHas string
	}{
		{"no token", Config{BaseURL: "https://p.example"}, "no token"},
		{"token with newline", Config{BaseURL: "https://p.example", Token: testToken + "\n"}, "paste it again"},
		{"missing CA file", Config{BaseURL: "https://p.example", Token: testToken, CAFile: filepath.Join(dir, "nope.pem")}, "cannot read the CA file"},
		{"unparseable CA file", Config{BaseURL: "https://p.example", Token: testToken, CAFile: garbage}, "holds no PEM certificate"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.errHas)
			continue
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error text leaks the token or spans lines: %q", tt.name, err)
		}
	}
}

func TestMeSendsHeadersAndDecodes(t *testing.T) {
	var got http.Header
	var path string
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got, path = r.Header.Clone(), r.URL.Path
		_, _ = w.Write([]byte(identityJSON))
	})
	c, _ := newClient(t, srv.URL+"/api/")
	id, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if path != "/api/v1/me" {
		t.Errorf("path = %q, want /api/v1/me", path)
	}
	if a := got.Get("Authorization"); a != "Bearer "+testToken {
		t.Errorf("Authorization = %q", a)
	}
	if a := got.Get("Accept"); a != "application/json" {
		t.Errorf("Accept = %q", a)
	}
	if ua := got.Get("User-Agent"); !strings.HasPrefix(ua, "AuditDesk/") {
		t.Errorf("User-Agent = %q", ua)
	}
	if id.User != "owner@example.com" || id.Role != audit.RoleOrganizationOwner || id.Organization.ID != "org_1" || len(id.Workspaces) != 1 {
		t.Errorf("identity = %+v", id)
	}
}

func TestListQueryAndPage(t *testing.T) {
	var queries []url.Values
	var mu sync.Mutex
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Query())
		mu.Unlock()
		if r.URL.Path != "/v1/audit-logs" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(page(eventJSON)))
	})
	c, _ := newClient(t, srv.URL)
	tz := time.FixedZone("UTC+9", 9*3600)
	since := time.Date(2026, 11, 20, 19, 0, 0, 500e6, tz)
	p, err := c.List(context.Background(), Query{Since: since, Until: since.Add(time.Hour), WorkspaceID: "ws 1&x", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 1 || p.NextCursor != "c2" || p.Total != 42 || !p.HasTotal {
		t.Errorf("page = %+v", p)
	}
	if _, err := c.List(context.Background(), Query{Since: since, WorkspaceID: "ws_1", Cursor: "c2", Limit: 50}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.List(context.Background(), Query{}); err != nil {
		t.Fatal(err)
	}
	want := []url.Values{
		{"since": {"2026-11-20T10:00:00.5Z"}, "until": {"2026-11-20T11:00:00.5Z"}, "workspace_id": {"ws 1&x"}, "limit": {"1000"}},
		{"cursor": {"c2"}, "limit": {"50"}}, // a cursor carries its query
		{},
	}
	for i := range want {
		if queries[i].Encode() != want[i].Encode() {
			t.Errorf("request %d query = %v, want %v", i, queries[i], want[i])
		}
	}
}

func TestListRefusesBadQueryWithoutRequest(t *testing.T) {
	srv, hits := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	c, _ := newClient(t, srv.URL)
	now := time.Now()
	for _, q := range []Query{{Limit: 1001}, {Limit: -1}, {Since: now, Until: now.Add(-time.Second)}} {
		if _, err := c.List(context.Background(), q); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("List(%+v) = %v, want ErrInvalidRequest", q, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests for queries refused locally", hits.Load())
	}
}

func TestRedirectKeepsTokenOnOrigin(t *testing.T) {
	var foreignAuth, localAuth atomic.Value
	foreign, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		foreignAuth.Store(r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"code":"unauthenticated","message":"no token"}}`))
	})
	origin, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/me": // same host name, other port: net/http alone would forward the token
			http.Redirect(w, r, foreign.URL+"/v1/me", http.StatusFound)
		case "/v1/audit-logs":
			http.Redirect(w, r, "/moved/v1/audit-logs", http.StatusTemporaryRedirect)
		default:
			localAuth.Store(r.Header.Get("Authorization"))
			_, _ = w.Write([]byte(`{"events":[],"next_cursor":null}`))
		}
	})
	c, _ := newClient(t, origin.URL)
	_, err := c.Me(context.Background())
	if !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("Me via a foreign redirect = %v, want ErrUnauthenticated", err)
	}
	if a, _ := foreignAuth.Load().(string); a != "" {
		t.Errorf("the token went to another origin: Authorization %q", a)
	}
	if _, err := c.List(context.Background(), Query{}); err != nil {
		t.Fatal(err)
	}
	if a, _ := localAuth.Load().(string); a != "Bearer "+testToken {
		t.Errorf("same-origin redirect lost the token: %q", a)
	}
}
