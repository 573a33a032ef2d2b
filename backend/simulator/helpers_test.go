package simulator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// testNow is the fixed "now" of most tests.
var testNow = time.Date(2026, 11, 20, 10, 31, 2, 123e6, time.UTC)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// serve starts cfg on a real loopback HTTP server; cfg.Clock defaults to a
// fake clock at testNow, returned for the test to move.
func serve(t testing.TB, cfg Config) (*Server, *httptest.Server, *fakeClock) {
	t.Helper()
	clk := newClock(testNow)
	if cfg.Clock == nil {
		cfg.Clock = clk.Now
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts, clk
}

type response struct {
	status int
	header http.Header
	body   []byte
	err    error // reading the body
}

func get(t testing.TB, base, path, token string, params url.Values) response {
	t.Helper()
	u := base + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: body, err: err}
}

// apiEvent is the wire form, decoded by encoding/json independently of the
// writer under test.
type apiEvent struct {
	ID          string          `json:"id"`
	Timestamp   string          `json:"timestamp"`
	User        string          `json:"user"`
	Scope       string          `json:"scope"`
	Category    string          `json:"category"`
	Action      string          `json:"action"`
	Target      string          `json:"target"`
	Status      string          `json:"status"`
	Description string          `json:"description"`
	Workspace   *audit.Ref      `json:"workspace"`
	SourceIP    string          `json:"source_ip"`
	Details     json.RawMessage `json:"details"`
}

func (a apiEvent) domain(t testing.TB) audit.Event {
	t.Helper()
	ts, err := time.Parse("2006-01-02T15:04:05.000Z", a.Timestamp)
	if err != nil {
		t.Fatalf("event %s: timestamp %q not in the contract's form: %v", a.ID, a.Timestamp, err)
	}
	e := audit.Event{
		ID: a.ID, Time: ts, User: a.User, Scope: audit.Scope(a.Scope), Category: a.Category,
		Action: a.Action, Target: a.Target, Status: audit.Status(a.Status), Description: a.Description,
		Workspace: a.Workspace, SourceIP: a.SourceIP,
	}
	if len(a.Details) > 0 {
		e.Details = a.Details
	}
	return e
}

type page struct {
	Events     []apiEvent `json:"events"`
	NextCursor *string    `json:"next_cursor"`
	Total      *int64     `json:"total"`
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func decodePage(t testing.TB, r response) page {
	t.Helper()
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("page: status %d, err %v, body %.300s", r.status, r.err, r.body)
	}
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("page does not parse: %v\n%.300s", err, r.body)
	}
	return p
}

// errorCode checks the response is the contract's error form with status
// and returns its code.
func errorCode(t testing.TB, r response, status int) string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %.300s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type %q", ct)
	}
	var e apiError
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body %q is not {error:{code,message}}: %v", r.body, err)
	}
	return e.Error.Code
}

// syncResult is what a careful client ends with.
type syncResult struct {
	events   []audit.Event // deduplicated by id, in the order first seen
	raw      int           // events received, duplicates included
	pages    []page
	failures map[string]int // what went wrong along the way, by kind
}

// syncAll pages through a query as a correct client would: retry 429, 5xx
// and cut connections; restart the query on 410; dedupe by id.
func syncAll(t testing.TB, base, token string, params url.Values, limit int) syncResult {
	t.Helper()
	res := syncResult{failures: map[string]int{}}
	seen := map[string]bool{}
	cursor := ""
	for attempts := 0; ; attempts++ {
		if attempts > 5000 {
			t.Fatalf("sync did not finish: %v", res.failures)
		}
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		} else {
			for k, v := range params {
				q[k] = v
			}
		}
		r := get(t, base, "/v1/audit-logs", token, q)
		switch {
		case r.err != nil:
			res.failures["transport"]++
			continue
		case r.status == http.StatusTooManyRequests || r.status >= 500:
			res.failures[fmt.Sprint(r.status)]++
			continue
		case r.status == http.StatusGone:
			res.failures["410"]++
			cursor = "" // restart the window; dedupe drops what we have
			continue
		}
		p := decodePage(t, r)
		res.pages = append(res.pages, p)
		for _, a := range p.Events {
			res.raw++
			if !seen[a.ID] {
				seen[a.ID] = true
				res.events = append(res.events, a.domain(t))
			}
		}
		if p.NextCursor == nil {
			return res
		}
		cursor = *p.NextCursor
	}
}

// sameEvents reports the first difference between two event lists.
func sameEvents(got, want []audit.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d events, want %d", len(got), len(want))
	}
	for i := range got {
		if err := sameEvent(got[i], want[i]); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
	}
	return nil
}

func sameEvent(g, w audit.Event) error {
	if !g.Time.Equal(w.Time) {
		return fmt.Errorf("%s: time %v, want %v", w.ID, g.Time, w.Time)
	}
	g.Time, w.Time = time.Time{}, time.Time{}
	if len(g.Details) == 0 && len(w.Details) == 0 {
		g.Details, w.Details = nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		return fmt.Errorf("got  %+v\nwant %+v", g, w)
	}
	return nil
}

func sortedByTimeID(evs []audit.Event) []audit.Event {
	out := slices.Clone(evs)
	slices.SortStableFunc(out, func(a, b audit.Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
