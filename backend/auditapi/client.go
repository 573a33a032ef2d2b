// Package auditapi is the HTTP client of the platform's Audit Log API
// (shared/api): who a token is (GET /v1/me) and one page of audit events at
// a time (GET /v1/audit-logs). It retries what is transient, honours
// Retry-After, decodes strictly, and returns typed errors whose text says
// what to do and never carries the token. Paging across a window,
// checkpoints and dedupe belong to the caller (backend/ingest).
package auditapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Config says where the API is and how patiently to talk to it. Zero
// values take the documented defaults.
type Config struct {
	BaseURL    string       // e.g. "https://platform.example/api"; /v1/... is appended
	Token      string       // bearer token; never in an error, log line or URL
	CAFile     string       // optional PEM bundle added to the system roots (a corporate proxy's CA)
	HTTPClient *http.Client // optional, for tests; its redirect policy is replaced by ours
	Version    string       // the app's version, for the User-Agent; default "dev"

	MaxBodyBytes   int64         // response cap; default 64 MiB (a 1000-event page is ~21 MB at worst)
	MaxAttempts    int           // per request; default 8
	BaseDelay      time.Duration // first backoff ceiling; default 250ms
	MaxDelay       time.Duration // backoff ceiling cap; default 30s
	MaxRetryAfter  time.Duration // cap on an honoured Retry-After; default 5m
	AttemptTimeout time.Duration // per attempt, headers and body; default 60s

	// Sleep waits d or until ctx ends; tests inject a fast one.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnWait, if set, is called before every wait between attempts, so
	// progress can say "rate limited, retrying in 3s".
	OnWait func(Wait)
}

// WaitReason says why the client is about to wait.
type WaitReason string

// The reasons a Wait reports.
const (
	WaitRateLimited WaitReason = "rate_limited" // 429
	WaitUnavailable WaitReason = "unavailable"  // 5xx
	WaitTransient   WaitReason = "transient"    // timeout, refused, reset, cut body
)

// Wait describes one pause before a retry.
type Wait struct {
	Reason  WaitReason
	Delay   time.Duration
	Attempt int   // the attempt that just failed, from 1
	Err     error // why it failed (an *Error)
}

// Client talks to one Audit Log API as one token. Safe for concurrent use.
type Client struct {
	cfg  Config
	base string // normalised, no trailing slash
	host string // for messages
	hc   *http.Client
	ua   string
}

// New checks cfg and builds a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, u, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := checkToken(cfg.Token); err != nil {
		return nil, err
	}
	setDefaults(&cfg)
	c := &Client{cfg: cfg, base: base, host: u.Host}
	if cfg.HTTPClient != nil {
		hc := *cfg.HTTPClient // a copy: the caller's client keeps its own policy
		c.hc = &hc
	} else {
		tr, err := newTransport(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		c.hc = &http.Client{Transport: tr}
	}
	c.hc.CheckRedirect = checkRedirect
	c.ua = "AuditDesk/" + cfg.Version + " (auditapi)"
	return c, nil
}

func setDefaults(cfg *Config) {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 20
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	def(&cfg.BaseDelay, 250*time.Millisecond)
	def(&cfg.MaxDelay, 30*time.Second)
	def(&cfg.MaxRetryAfter, 5*time.Minute)
	def(&cfg.AttemptTimeout, 60*time.Second)
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
}

// parseBaseURL accepts http(s) URLs with a host and nothing after the path.
// Plain http is only for loopback (the simulator): elsewhere it would send
// the token in clear.
func parseBaseURL(raw string) (string, *url.URL, error) {
	bad := func(why string) (string, *url.URL, error) {
		return "", nil, fmt.Errorf("auditapi: base URL %q %s", oneLine(raw), why)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case raw == "":
		return "", nil, errors.New("auditapi: no base URL: give the platform's API address, e.g. https://platform.example/api")
	case err != nil:
		return bad("is not a URL: give the platform's API address, e.g. https://platform.example/api")
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("must start with https://")
	case u.Host == "" || u.Hostname() == "":
		return bad("has no host: give the platform's API address, e.g. https://platform.example/api")
	case u.User != nil:
		return "", nil, errors.New("auditapi: the base URL must not contain a user or password: give the token in the token field")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return bad("must not have a query or fragment: give only the API address")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return bad("uses plain http, which would send the token unencrypted: use https:// (plain http is only for 127.0.0.1 or localhost)")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkToken refuses tokens that cannot travel in a header. The message
// never repeats the token.
func checkToken(tok string) error {
	if tok == "" {
		return errors.New("auditapi: no token: create an API token on the platform and give it")
	}
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c <= ' ' || c >= 0x7f {
			return errors.New("auditapi: the token contains spaces or characters a token cannot have: paste it again")
		}
	}
	return nil
}

// newTransport is the default transport with verification always on,
// TLS 1.2 or later, and the CA file's certificates added to the system's.
func newTransport(caFile string) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone() // keeps proxy-from-environment
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("auditapi: cannot read the CA file: %w: check the path", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool() // no system roots here: the CA file alone
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("auditapi: the CA file %s holds no PEM certificate: give the proxy's CA certificate in PEM form (-----BEGIN CERTIFICATE-----)", caFile)
		}
		tc.RootCAs = pool
	}
	tr.TLSClientConfig = tc
	return tr, nil
}

// checkRedirect follows up to 10 redirects but sends the token only to the
// origin it was given for. net/http would forward it to subdomains and
// other ports of the same host; we do not.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
		req.Header.Del("Authorization")
	}
	return nil
}

// BaseURL is the normalised base URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// Me says who the token belongs to and what it may read.
func (c *Client) Me(ctx context.Context) (audit.Identity, error) {
	var id audit.Identity
	err := c.get(ctx, "read identity", "/v1/me", nil, func(body []byte) error {
		var err error
		id, err = decodeIdentity(body)
		return err
	})
	return id, err
}

// Query selects one page. Zero times are omitted. With Cursor set only the
// cursor and Limit are sent: a cursor carries its query.
type Query struct {
	Since, Until time.Time // since inclusive, until exclusive
	WorkspaceID  string
	Limit        int // 1..1000; 0 lets the server choose (100)
	Cursor       string
}

// Page is one page of events, in the order served: neither sorted nor
// deduplicated here (a server may repeat events; the caller dedupes by id).
// The strings of one event share one allocation, so keeping a single field
// of an event keeps that event's text alive; strings.Clone it if that
// matters.
type Page struct {
	Events     []audit.Event
	NextCursor string // "" on the last page
	Total      int64  // events in the whole window, when HasTotal; for progress only
	HasTotal   bool
}

// List fetches one page. It returns a whole page or an error, never part.
func (c *Client) List(ctx context.Context, q Query) (*Page, error) {
	const op = "list audit logs"
	v, err := c.values(q)
	if err != nil {
		return nil, &Error{Op: op, Host: c.host, Message: err.Error(), kind: ErrInvalidRequest}
	}
	var p *Page
	err = c.get(ctx, op, "/v1/audit-logs", v, func(body []byte) error {
		var err error
		p, err = decodePage(body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// values checks q before it costs a request.
func (c *Client) values(q Query) (url.Values, error) {
	if q.Limit < 0 || q.Limit > 1000 {
		return nil, fmt.Errorf("page limit %d is outside 1 to 1000", q.Limit)
	}
	v := url.Values{}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Cursor != "" {
		v.Set("cursor", q.Cursor)
		return v, nil
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return nil, errors.New("the window ends before it starts")
	}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.UTC().Format(time.RFC3339Nano))
	}
	if q.WorkspaceID != "" {
		v.Set("workspace_id", q.WorkspaceID)
	}
	return v, nil
}
