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
	s := New(st, Options{PageSize: 100, Now: p.clock.Now, Every: time.Nanosecond, OnProgress: func(pr Progress) {
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
