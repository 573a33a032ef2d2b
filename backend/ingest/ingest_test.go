package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/simulator"
	"github.com/auditdesk/auditdesk/backend/store"
)

// clock is a controllable time shared by the simulator and the sync.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type platform struct {
	sim   *simulator.Server
	url   string
	clock *clock
}

func newPlatform(t *testing.T, events int, faults simulator.Faults) *platform {
	t.Helper()
	return newPlatformSpan(t, events, 0, faults)
}

// newPlatformSpan serves events over span (the simulator's default when 0).
func newPlatformSpan(t *testing.T, events int, span time.Duration, faults simulator.Faults) *platform {
	t.Helper()
	c := &clock{now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	sim, err := simulator.New(simulator.Config{Events: events, Span: span, Seed: 7, Clock: c.Now, Faults: faults, RetryAfter: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return &platform{sim: sim, url: srv.URL, clock: c}
}

func (p *platform) client(t *testing.T, token string, s *Sync) *auditapi.Client {
	t.Helper()
	cfg := auditapi.Config{
		BaseURL:     p.url,
		Token:       token,
		MaxAttempts: 50, // faults at high rates: keep retrying
		BaseDelay:   time.Millisecond,
		MaxDelay:    5 * time.Millisecond,
	}
	if s != nil {
		cfg.OnWait = s.OnWait
	}
	c, err := auditapi.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func (p *platform) sync(t *testing.T, st *store.Store, opts Options) (Result, error) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = p.clock.Now
	}
	if opts.PageSize == 0 {
		opts.PageSize = 97 // odd, so pages never line up with anything
	}
	s := New(st, opts)
	return s.Run(context.Background(), p.client(t, p.sim.Tokens().Owner, s))
}

// cached lists the cache's ids in (timestamp, id) order.
func cached(t *testing.T, st *store.Store) []string {
	t.Helper()
	var ids []string
	err := st.Scan(context.Background(), time.Time{}, time.Time{}, func(e audit.Event) error {
		ids = append(ids, e.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func ids(events []audit.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// sameIDs fails unless the cache holds exactly the platform's visible
// events: none missing, none twice, none extra.
func sameIDs(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("cache holds %d events, the platform shows %d", len(got), len(want))
	}
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	missing, dup := 0, 0
	for _, id := range want {
		if seen[id] == 0 {
			missing++
		}
	}
	for _, n := range seen {
		if n > 1 {
			dup++
		}
	}
	if missing > 0 || dup > 0 {
		t.Errorf("cache misses %d events and holds %d twice", missing, dup)
	}
	a, b := append([]string(nil), got...), append([]string(nil), want...)
	sort.Strings(a)
	sort.Strings(b)
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			t.Fatalf("first difference: cache %s, platform %s", a[i], b[i])
		}
	}
}

func TestFirstSyncGetsEverything(t *testing.T) {
	p := newPlatform(t, 5000, simulator.Faults{})
	st := openStore(t, t.TempDir())
	var last Progress
	res, err := p.sync(t, st, Options{OnProgress: func(pr Progress) { last = pr }})
	if err != nil {
		t.Fatal(err)
	}
	want := ids(p.sim.Visible(p.sim.Tokens().Owner, p.clock.Now()))
	sameIDs(t, cached(t, st), want)
	if res.New != int64(len(want)) || res.Duplicates != 0 || !res.Done {
		t.Errorf("result %+v, want %d new, no duplicates, done", res.Progress, len(want))
	}
	if !last.Done || last.New != res.New {
		t.Errorf("last progress %+v, want the final figures", last)
	}
	cp, ok, err := st.Checkpoint()
	if err != nil || !ok || !cp.Complete || cp.Cursor != "" {
		t.Errorf("checkpoint %+v ok=%v err=%v, want complete", cp, ok, err)
	}
}

func TestSyncWithEveryFaultEndsWithExactlyThePlatformsEvents(t *testing.T) {
	p := newPlatformSpan(t, 8000, 48*time.Hour, simulator.AllFaults())
	st := openStore(t, t.TempDir())
	res, err := p.sync(t, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stats := p.sim.Stats()
	t.Logf("faults served: %+v; run: %+v", stats, res.Progress)
	if res.Waits == 0 || res.Duplicates == 0 {
		t.Errorf("the faults did not show: waits %d, duplicates %d", res.Waits, res.Duplicates)
	}
	// Late events: some were not visible yet. Later, a second sync gets them.
	p.clock.Advance(20 * time.Minute)
	res2, err := p.sync(t, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second run: %+v", res2.Progress)
	sameIDs(t, cached(t, st), ids(p.sim.Visible(p.sim.Tokens().Owner, p.clock.Now())))
	// The fetcher hashed each page, duplicates and all, for the chain.
	if rep, err := st.Verify(context.Background()); err != nil || !rep.OK() || rep.Chained != rep.Events {
		t.Errorf("verify after the syncs: %d events, %d chained, %d altered, %d added, %d removed, %v; want OK with every event chained",
			rep.Events, rep.Chained, rep.Altered, rep.Added, rep.Removed, err)
	}
}

func TestLateEventsArriveOnTheNextSync(t *testing.T) {
	// Two days of events, so the last 15 minutes hold enough to be late.
	p := newPlatformSpan(t, 20000, 48*time.Hour, simulator.Faults{LateEvents: true})
	st := openStore(t, t.TempDir())
	if _, err := p.sync(t, st, Options{}); err != nil {
		t.Fatal(err)
	}
	before := len(cached(t, st))
	p.clock.Advance(16 * time.Minute)
	res, err := p.sync(t, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := ids(p.sim.Visible(p.sim.Tokens().Owner, p.clock.Now()))
	sameIDs(t, cached(t, st), want)
	if len(want) == before {
		t.Fatal("no late event in the test data: the test shows nothing")
	}
	if res.New != int64(len(want)-before) {
		t.Errorf("second sync added %d, want %d", res.New, len(want)-before)
	}
	// The second sync re-read only the recent end, not the whole history.
	if res.Events > int64(len(want))/10 {
		t.Errorf("an incremental sync read %d events of %d", res.Events, len(want))
	}
}

func TestIncrementalSyncWithNothingNew(t *testing.T) {
	p := newPlatform(t, 3000, simulator.Faults{})
	st := openStore(t, t.TempDir())
	if _, err := p.sync(t, st, Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := p.sync(t, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 0 || res.Duplicates != res.Events {
		t.Errorf("nothing new, yet %+v", res.Progress)
	}
}

func TestNextWindowStart(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		newest, started, want time.Time
	}{
		{time.Time{}, t0, time.Time{}},
		{t0, time.Time{}, t0.Add(-15 * time.Minute)},
		{t0, t0.Add(time.Hour), t0.Add(-15 * time.Minute)},
		// A run that started before it reached the newest event: from its start.
		{t0, t0.Add(-time.Hour), t0.Add(-75 * time.Minute)},
	}
	for _, tt := range tests {
		if got := NextWindowStart(tt.newest, tt.started); !got.Equal(tt.want) {
			t.Errorf("NextWindowStart(%v, %v) = %v, want %v", tt.newest, tt.started, got, tt.want)
		}
	}
}

// failingSink fails the n-th commit, like a full disk.
type failingSink struct {
	*store.Store
	n, calls int
}

func (f *failingSink) CommitHashed(events []audit.Event, hashes [][32]byte, cp store.Checkpoint) (store.PageStats, error) {
	f.calls++
	if f.calls == f.n {
		return store.PageStats{}, errors.New("write: no space left on device")
	}
	return f.Store.CommitHashed(events, hashes, cp)
}

func TestFailedCommitKeepsFinishedPagesAndResumes(t *testing.T) {
	p := newPlatform(t, 4000, simulator.Faults{})
	st := openStore(t, t.TempDir())
	sink := &failingSink{Store: st, n: 5}
	s := New(sink, Options{PageSize: 100, Now: p.clock.Now})
	res, err := s.Run(context.Background(), p.client(t, p.sim.Tokens().Owner, s))
	if err == nil {
		t.Fatal("want the commit's error")
	}
	if got := len(cached(t, st)); got != 400 || res.Pages != 4 {
		t.Fatalf("after failing on page 5: %d events cached, %d pages reported; want 400 and 4", got, res.Pages)
	}
	if _, err := p.sync(t, st, Options{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, cached(t, st), ids(p.sim.Visible(p.sim.Tokens().Owner, p.clock.Now())))
}

func TestCancelKeepsFinishedPagesAndResumes(t *testing.T) {
	p := newPlatform(t, 6000, simulator.Faults{})
	st := openStore(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	var pages atomic.Int64
	s := New(st, Options{PageSize: 100, Now: p.clock.Now, OnProgress: func(pr Progress) {
		if pr.Pages >= 3 && pages.Swap(pr.Pages) == 0 {
			cancel()
		}
	}})
	_, err := s.Run(ctx, p.client(t, p.sim.Tokens().Owner, s))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	n := len(cached(t, st))
	if n == 0 || n%100 != 0 || n >= 6000 {
		t.Fatalf("after cancel the cache holds %d events: want whole pages, some but not all", n)
	}
	cp, _, _ := st.Checkpoint()
	if cp.Complete || cp.Cursor == "" {
		t.Fatalf("checkpoint after cancel %+v: want an open cursor to resume from", cp)
	}
	res, err := p.sync(t, st, Options{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Events > int64(6000-n)+100 {
		t.Errorf("the resumed sync read %d events; it should go on from its cursor, not start over", res.Events)
	}
	sameIDs(t, cached(t, st), ids(p.sim.Visible(p.sim.Tokens().Owner, p.clock.Now())))
}

func TestExpiredCursorOnResumeRestartsFromCheckpoint(t *testing.T) {
	p := newPlatform(t, 3000, simulator.Faults{})
	st := openStore(t, t.TempDir())
	sink := &failingSink{Store: st, n: 4}
	s := New(sink, Options{PageSize: 200, Now: p.clock.Now})
	if _, err := s.Run(context.Background(), p.client(t, p.sim.Tokens().Owner, s)); err == nil {
		t.Fatal("want a failure")
	}
	p.clock.Advance(11 * time.Minute) // the saved cursor has expired
	res, err := p.sync(t, st, Options{PageSize: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Restarts == 0 {
		t.Error("the expired cursor did not restart the window")
	}
	sameIDs(t, cached(t, st), ids(p.sim.Visible(p.sim.Tokens().Owner, p.clock.Now())))
}

func TestWorkspaceAdminGetsOnlyItsWorkspaces(t *testing.T) {
	p := newPlatform(t, 5000, simulator.Faults{})
	st := openStore(t, t.TempDir())
	admin := p.sim.Tokens().WorkspaceAdmin
	s := New(st, Options{PageSize: 250, Now: p.clock.Now})
	if _, err := s.Run(context.Background(), p.client(t, admin, s)); err != nil {
		t.Fatal(err)
	}
	want := ids(p.sim.Visible(admin, p.clock.Now()))
	if all := p.sim.Visible(p.sim.Tokens().Owner, p.clock.Now()); len(want) == 0 || len(want) >= len(all) {
		t.Fatalf("admin sees %d of %d: the test data shows nothing", len(want), len(all))
	}
	sameIDs(t, cached(t, st), want)
}

// The child half of TestKillDuringSyncThenResume: sync until killed.
func TestMain(m *testing.M) {
	if n := os.Getenv("INGEST_SIMULATOR_EVENTS"); n != "" {
		os.Exit(serveSimulator(n))
	}
	if url := os.Getenv("INGEST_CHILD_URL"); url != "" {
		os.Exit(childSync(url, os.Getenv("INGEST_CHILD_TOKEN"), os.Getenv("INGEST_CHILD_DIR")))
	}
	os.Exit(m.Run())
}

func childSync(url, token, dir string) int {
	st, err := store.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s := New(st, Options{PageSize: 50})
	c, err := auditapi.New(auditapi.Config{BaseURL: url, Token: token, OnWait: s.OnWait})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := s.Run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = st.Close()
	return 0
}

func TestKillDuringSyncThenResume(t *testing.T) {
	c := &clock{now: time.Now().UTC()}
	sim, err := simulator.New(simulator.Config{Events: 30000, Seed: 3, Clock: c.Now, Faults: simulator.Faults{Slow: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "cache")
	for kill := 1; kill <= 3; kill++ {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "INGEST_CHILD_URL="+srv.URL, "INGEST_CHILD_TOKEN="+sim.Tokens().Owner, "INGEST_CHILD_DIR="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+100*kill) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		st, err := store.Open(dir)
		if err != nil {
			t.Fatalf("after kill %d the cache does not open: %v", kill, err)
		}
		n := len(cached(t, st))
		stats, _ := st.Stats()
		_ = st.Close()
		t.Logf("kill %d: %d events cached", kill, n)
		if stats.Events != int64(n) {
			t.Fatalf("after kill %d the counter says %d, a scan finds %d", kill, stats.Events, n)
		}
	}
	st := openStore(t, dir)
	p := &platform{sim: sim, url: srv.URL, clock: c}
	if _, err := p.sync(t, st, Options{}); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, cached(t, st), ids(sim.Visible(sim.Tokens().Owner, c.Now())))
}

func TestMalformedPageMidSyncKeepsFinishedPages(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	sim, err := simulator.New(simulator.Config{Events: 3000, Seed: 9, Clock: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	var lists atomic.Int64
	var broken atomic.Bool
	broken.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/audit-logs" && lists.Add(1) == 4 && broken.Load() {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"events":[{"id":"x","Timestamp":"2026-01-01T00:00:00Z"}],"next_cursor":null}`))
			return
		}
		sim.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	p := &platform{sim: sim, url: srv.URL, clock: c}
	st := openStore(t, t.TempDir())
	_, err = p.sync(t, st, Options{PageSize: 100})
	if !errors.Is(err, auditapi.ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
	if n := len(cached(t, st)); n != 300 {
		t.Fatalf("after a bad 4th page the cache holds %d events, want the 3 good pages (300)", n)
	}
	broken.Store(false)
	if _, err := p.sync(t, st, Options{PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	sameIDs(t, cached(t, st), ids(sim.Visible(sim.Tokens().Owner, c.Now())))
}

// restartingPlatform serves the simulator behind a URL that outlives it:
// restart builds the server again with the next simulator.Config.Epoch, so
// it serves the same events but no longer knows the cursors it gave, as a
// real server after a deploy or a failover. sim stays the first life, whose
// Visible and Tokens every life shares.
type restartingPlatform struct {
	*platform
	cfg     simulator.Config
	epoch   uint64
	handler atomic.Pointer[http.Handler]
	lists   atomic.Int64 // requests for audit logs, every life

	mu      sync.Mutex
	cursors []string // of each request for audit logs, "" for none, every life
}

func newRestartingPlatform(t *testing.T, events int) *restartingPlatform {
	t.Helper()
	c := &clock{now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	rp := &restartingPlatform{cfg: simulator.Config{Events: events, Seed: 7, Clock: c.Now, RetryAfter: -1}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/audit-logs" {
			rp.lists.Add(1)
			rp.mu.Lock()
			rp.cursors = append(rp.cursors, r.URL.Query().Get("cursor"))
			rp.mu.Unlock()
		}
		(*rp.handler.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rp.platform = &platform{sim: rp.life(t), url: srv.URL, clock: c}
	rp.serve(rp.sim.Handler())
	return rp
}

// life builds the server's next life.
func (rp *restartingPlatform) life(t *testing.T) *simulator.Server {
	t.Helper()
	cfg := rp.cfg
	cfg.Epoch = rp.epoch
	rp.epoch++
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sim
}

func (rp *restartingPlatform) serve(h http.Handler) { rp.handler.Store(&h) }

// requests counts the requests for audit logs from the i-th on that
// carry cursor or none ("" alone counts those without). The interrupted
// sync's fetcher may have had the next page's request in flight, which
// lands whenever it lands: it carries another cursor and is not counted.
func (rp *restartingPlatform) requests(from int, cursor string) int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	n := 0
	for _, c := range rp.cursors[min(from, len(rp.cursors)):] {
		if c == "" || c == cursor {
			n++
		}
	}
	return n
}

// mark is where requests counted from now begin.
func (rp *restartingPlatform) mark() int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return len(rp.cursors)
}

// interrupt syncs until the second page fails to save: 1,000 events
// cached and a cursor in the checkpoint, as a sync that stopped midway.
func (rp *restartingPlatform) interrupt(t *testing.T, st *store.Store) string {
	t.Helper()
	s := New(&failingSink{Store: st, n: 2}, Options{PageSize: 1000, Now: rp.clock.Now})
	if _, err := s.Run(context.Background(), rp.client(t, rp.sim.Tokens().Owner, s)); err == nil {
		t.Fatal("the interrupted sync did not fail")
	}
	cp, _, err := st.Checkpoint()
	if err != nil || cp.Cursor == "" || cp.Complete || len(cached(t, st)) != 1000 {
		t.Fatalf("after the interruption: checkpoint %+v (%v), %d cached; want a cursor and 1000", cp, err, len(cached(t, st)))
	}
	return cp.Cursor
}

// refuse answers requests that match with status and an API error body.
func refuse(next http.Handler, match func(*http.Request) bool, status int, code, msg string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/audit-logs" || !match(r) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"error":{"code":%q,"message":%q}}`, code, msg)
	})
}

func withCursor(c string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.URL.Query().Get("cursor") == c }
}

func withoutCursor(r *http.Request) bool { return !r.URL.Query().Has("cursor") }

// The issue: a sync interrupted at 1,000 of 5,000 events, then the server
// restarts and no longer knows the saved cursor. The next sync restarts
// the window from the cache's checkpoint, once, and ends with exactly the
// server's events, however the server refuses the old cursor.
func TestResumeAfterServerRestartRestartsTheWindow(t *testing.T) {
	tests := []struct {
		name  string
		front func(h http.Handler, cursor string) http.Handler // before the restarted server; nil for none
	}{
		{"simulator restarted: 400 unknown cursor", nil},
		{"404 naming the cursor", func(h http.Handler, c string) http.Handler {
			return refuse(h, withCursor(c), http.StatusNotFound, "not_found", "no such cursor")
		}},
		{"400 not naming it", func(h http.Handler, c string) http.Handler {
			return refuse(h, withCursor(c), http.StatusBadRequest, "invalid_request", "bad request")
		}},
		{"500 to the old cursor", func(h http.Handler, c string) http.Handler {
			return refuse(h, withCursor(c), http.StatusInternalServerError, "internal", "internal error")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRestartingPlatform(t, 5000)
			st := openStore(t, t.TempDir())
			cursor := rp.interrupt(t, st)

			h := rp.life(t).Handler()
			if tt.front != nil {
				h = tt.front(h, cursor)
			}
			rp.serve(h)
			if status := rp.status(t, cursor); status < 400 {
				t.Fatalf("the restarted server still accepts the old cursor: %d", status)
			}

			res, err := rp.sync(t, st, Options{PageSize: 1000})
			if err != nil {
				t.Fatalf("the sync after the restart: %v", err)
			}
			served := rp.sim.Visible(rp.sim.Tokens().Owner, rp.clock.Now())
			want := ids(served)
			sameIDs(t, cached(t, st), want)
			sameContent(t, st, served)
			if res.Restarts != 1 || res.New != int64(len(want)-1000) || !res.Done {
				t.Errorf("run %+v: want 1 restart, %d new, done", res.Progress, len(want)-1000)
			}
			// From the checkpoint, not from the start: only the newest
			// timestamp held is read again.
			if res.Events > int64(len(want)-1000)+10 {
				t.Errorf("the restarted window read %d events for %d new", res.Events, len(want)-1000)
			}
			if cp, _, _ := st.Checkpoint(); !cp.Complete || cp.Cursor != "" {
				t.Errorf("checkpoint %+v, want complete", cp)
			}
		})
	}
}

// sameContent fails unless each cached event is byte for byte the one the
// server serves under its id.
func sameContent(t *testing.T, st *store.Store, served []audit.Event) {
	t.Helper()
	want := make(map[string][32]byte, len(served))
	for i := range served {
		want[served[i].ID] = audit.EventHash(&served[i])
	}
	differ := 0
	err := st.Scan(context.Background(), time.Time{}, time.Time{}, func(e audit.Event) error {
		if audit.EventHash(&e) != want[e.ID] {
			differ++
		}
		return nil
	})
	if err != nil || differ > 0 {
		t.Errorf("%d cached events differ from the server's (%v)", differ, err)
	}
}

// status is what the server answers to a cursor, asked as a sync would.
func (rp *restartingPlatform) status(t *testing.T, cursor string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rp.url+"/v1/audit-logs?limit=1000&cursor="+cursor, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+rp.sim.Tokens().Owner)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Body.Close()
	return r.StatusCode
}

// A server that restarts during a sync refuses the cursor it gave a moment
// before; the window restarts from what was fetched and the sync finishes.
func TestServerRestartMidSyncRestartsTheWindow(t *testing.T) {
	rp := newRestartingPlatform(t, 5000)
	next := rp.life(t).Handler()
	first := rp.sim.Handler()
	rp.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rp.lists.Load() >= 3 { // the third request meets the new life
			rp.serve(next)
			next.ServeHTTP(w, r)
			return
		}
		first.ServeHTTP(w, r)
	}))
	st := openStore(t, t.TempDir())
	res, err := rp.sync(t, st, Options{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, cached(t, st), ids(rp.sim.Visible(rp.sim.Tokens().Owner, rp.clock.Now())))
	if res.Restarts != 1 {
		t.Errorf("%d restarts, want 1", res.Restarts)
	}
}

// The failure the other way: the restarted server refuses the saved cursor
// and then the restarted window too. The sync tries the restart once and
// ends with one line that says what to do about a sync, not about a time
// range, workspace id or page limit, which `auditdesk sync` does not take.
func TestRestartedWindowRefusedIsOneClearLine(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		code, msg  string
		wantDetail string
	}{
		{"400", http.StatusBadRequest, "invalid_request", "since is outside the retention period", "400 invalid_request: since is outside the retention period"},
		{"404", http.StatusNotFound, "not_found", "no such workspace", "404 not_found: no such workspace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRestartingPlatform(t, 5000)
			st := openStore(t, t.TempDir())
			cursor := rp.interrupt(t, st)
			rp.serve(refuse(rp.life(t).Handler(), withoutCursor, tt.status, tt.code, tt.msg))
			before := rp.mark()

			res, err := rp.sync(t, st, Options{PageSize: 1000})
			if !errors.Is(err, ErrRestartRefused) {
				t.Fatalf("err = %v, want ErrRestartRefused", err)
			}
			msg := err.Error()
			t.Logf("the line: %s", msg)
			host := strings.TrimPrefix(rp.url, "http://")
			if strings.ContainsAny(msg, "\n\r\t") || !strings.Contains(msg, tt.wantDetail) || !strings.Contains(msg, host) || !strings.Contains(msg, "sync again") {
				t.Errorf("%q: want one line with the host, %q and what to do", msg, tt.wantDetail)
			}
			for _, option := range []string{"time range", "workspace id", "page limit", "base URL", "--"} {
				if strings.Contains(msg, option) {
					t.Errorf("%q points at %q, which sync does not take", msg, option)
				}
			}
			if strings.Contains(msg, rp.sim.Tokens().Owner) || strings.Contains(msg, cursor) {
				t.Errorf("%q carries the token or the cursor", msg)
			}
			// errors.Is(ErrInvalidRequest) would make the window offer to fix the input.
			if errors.Is(err, auditapi.ErrInvalidRequest) || errors.Is(err, auditapi.ErrNotFound) {
				t.Errorf("%v reads as a request the user could fix", err)
			}
			// Once: the old cursor, then the restarted window, then stop.
			if n := rp.requests(before, cursor); n != 2 || res.Restarts != 1 {
				t.Errorf("%d requests, %d restarts; want 2 and 1", n, res.Restarts)
			}
			if n := len(cached(t, st)); n != 1000 {
				t.Errorf("the cache holds %d events after the refusal, want the 1000 saved", n)
			}
		})
	}
}

// A refusal that a fresh request would meet too is no cursor's fault: the
// resumed sync does not restart and keeps the API's own advice.
func TestResumeWithRevokedTokenDoesNotRestart(t *testing.T) {
	rp := newRestartingPlatform(t, 3000)
	st := openStore(t, t.TempDir())
	cursor := rp.interrupt(t, st)
	rp.serve(refuse(rp.life(t).Handler(), func(*http.Request) bool { return true }, http.StatusUnauthorized, "unauthenticated", "token revoked"))
	before := rp.mark()
	res, err := rp.sync(t, st, Options{PageSize: 1000})
	if !errors.Is(err, auditapi.ErrUnauthenticated) || !strings.Contains(err.Error(), "check the token") {
		t.Fatalf("err = %v, want the token rejected", err)
	}
	if n := rp.requests(before, cursor); n != 1 || res.Restarts != 0 {
		t.Errorf("%d requests, %d restarts; want 1 and none", n, res.Restarts)
	}
}
