package session

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// lockedLog collects log lines from any goroutine.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// movingPlatform serves a simulator of events over 48 hours whose history
// ends at the clock's time; move advances the clock and makes the platform
// anew (a simulator's history ends where its clock stood when it was made)
// and returns it.
type movingPlatform struct {
	t       *testing.T
	clock   *testClock
	srv     *httptest.Server
	events  int
	seed    int64
	current atomic.Pointer[simulator.Server]
}

func newMovingPlatform(t *testing.T, events int, seed int64) *movingPlatform {
	t.Helper()
	p := &movingPlatform{t: t, clock: &testClock{now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}, events: events, seed: seed}
	p.current.Store(p.make())
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.current.Load().Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *movingPlatform) make() *simulator.Server {
	sim, err := simulator.New(simulator.Config{Events: p.events, Span: 48 * time.Hour, Seed: p.seed, Clock: p.clock.Now})
	if err != nil {
		p.t.Fatal(err)
	}
	return sim
}

func (p *movingPlatform) sim() *simulator.Server { return p.current.Load() }

func (p *movingPlatform) move(d time.Duration) *simulator.Server {
	p.clock.Advance(d)
	p.current.Store(p.make())
	return p.sim()
}

func count(t *testing.T, m *Desk, p settings.Profile) int {
	t.Helper()
	ix, err := m.Open(p).Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Query(audit.Filter{}, audit.DefaultSort, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func TestIndexIsSavedLoadedAndCaughtUp(t *testing.T) {
	// The platform as it is now; later, the same platform two hours on.
	platform := newMovingPlatform(t, 20000, 4)
	c, srv, sim := platform.clock, platform.srv, platform.sim()
	st, err := settings.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := NewDesk(st, log)
	m.now = c.Now
	req := SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner}
	res, err := m.Sync(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Profile
	// The sync itself leaves the index current and saved.
	if res.Index == nil || int64(res.Index.Len()) != res.Cache.Events {
		t.Fatalf("the sync's index: %v, want one of the cache's %d events", res.Index, res.Cache.Events)
	}
	if _, err := os.Stat(m.Open(p).indexPath()); err != nil {
		t.Fatalf("the sync did not save the index: %v", err)
	}
	if got := count(t, m, p); int64(got) != res.Cache.Events {
		t.Fatalf("index counts %d, the cache %d", got, res.Cache.Events)
	}
	path := m.Open(p).indexPath()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != settings.FileMode {
		t.Fatalf("saved index: %v, %v; want an owner-only file", fi, err)
	}
	saved := fi.ModTime()

	// Another process opens the profile: the saved index is used as is.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	var logged lockedLog
	m2 := NewDesk(st, slog.New(slog.NewTextHandler(&logged, nil)))
	m2.now = c.Now
	if got := count(t, m2, p); int64(got) != res.Cache.Events {
		t.Fatalf("loaded index counts %d, want %d", got, res.Cache.Events)
	}
	if fi, _ := os.Stat(path); !fi.ModTime().Equal(saved) {
		t.Error("a current saved index was written again")
	}

	// A later sync adds events; the index catches up and is saved again.
	seen := map[string]bool{}
	for _, e := range sim.Visible(sim.Tokens().Owner, c.Now()) {
		seen[e.ID] = true
	}
	sim = platform.move(2 * time.Hour)
	fileBefore, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	scans := cacheScans.Load()
	res2, err := m2.Sync(context.Background(), SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Run.New == 0 {
		t.Fatal("the second sync found nothing new: the test shows nothing")
	}
	if res2.Index == nil || int64(res2.Index.Len()) != res2.Cache.Events {
		t.Fatalf("the second sync's index: %v, want the cache's %d events", res2.Index, res2.Cache.Events)
	}
	if got := count(t, m2, p); int64(got) != res2.Cache.Events {
		t.Fatalf("after catch-up the index counts %d, the cache %d", got, res2.Cache.Events)
	}
	if strings.Contains(logged.String(), "building the query index") {
		t.Error("the index was rebuilt from the cache; want it loaded, then caught up by Append")
	}
	// The caught-up index went to the file as it was made, in place: the
	// same file, its new rows after the old (AppendInPlace).
	if onDisk, err := query.OpenFile(path); err != nil || int64(onDisk.Len()) != res2.Cache.Events || onDisk.Verify() != nil {
		t.Fatalf("the saved index after catch-up: %v, %v", onDisk, err)
	}
	if n := cacheScans.Load() - scans; n != 0 {
		t.Errorf("the catch-up read the cache back %d times; want the sync's own new events appended", n)
	}
	if fileAfter, err := os.Stat(path); err != nil || !os.SameFile(fileBefore, fileAfter) {
		t.Errorf("the catch-up wrote a new index file (%v); want the new rows appended in place", err)
	}

	// A saved index damaged in its rows while it waits for a catch-up (in
	// its time column, which the append reads as every query does) is
	// rebuilt, never appended to. (A damaged block the append does not
	// read keeps its checksum, and is met by the query that reads it.)
	if err := m2.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	b[le.Uint64(b[32:])+8*(le.Uint64(b[24:])/2)] ^= 0x40 // data offset, events: persist.go's header
	if err := os.WriteFile(path, b, settings.FileMode); err != nil {
		t.Fatal(err)
	}
	sim = platform.move(time.Hour)
	m2 = NewDesk(st, slog.New(slog.NewTextHandler(&logged, nil)))
	m2.now = c.Now
	res3, err := m2.Sync(context.Background(), SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner})
	if err != nil || res3.IndexErr != nil || res3.Index == nil || int64(res3.Index.Len()) != res3.Cache.Events {
		t.Fatalf("a sync over a damaged saved index: %v, index %v (%v)", err, res3.Index, res3.IndexErr)
	}
	if !strings.Contains(logged.String(), "damaged") {
		t.Error("the damaged saved index was not reported")
	}
	res2 = res3
	// The cache keeps what the platform has since dropped off its window.
	for _, e := range sim.Visible(sim.Tokens().Owner, c.Now()) {
		seen[e.ID] = true
	}
	if int64(len(seen)) != res2.Cache.Events {
		t.Fatalf("the cache holds %d, the platform showed %d over both syncs", res2.Cache.Events, len(seen))
	}

	// A damaged file is rebuilt, not trusted.
	if err := m2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("ADXQIDX\ngarbage"), settings.FileMode); err != nil {
		t.Fatal(err)
	}
	m3 := NewDesk(st, slog.New(slog.NewTextHandler(&logged, nil)))
	defer func() { _ = m3.Close() }()
	if got := count(t, m3, p); int64(got) != res2.Cache.Events {
		t.Fatalf("after a damaged index file: %d, want %d", got, res2.Cache.Events)
	}
	if fi, _ := os.Stat(path); fi.Size() < 1000 {
		t.Error("the damaged index file was not replaced")
	}
	if !strings.Contains(logged.String(), "building the query index") {
		t.Error("a damaged index file did not lead to a rebuild")
	}
	// The rebuild grew in column files beside the cache, as a first sync's
	// index does, not in memory; none are left.
	if !strings.Contains(logged.String(), "built the query index beside the cache") || strings.Contains(logged.String(), "in memory") {
		t.Error("the index was not rebuilt through column files")
	}
	if _, err := os.Stat(filepath.Join(st.ProfileDir(p), rebuildDir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the rebuild's column files were left: %v", err)
	}
}

// Queries that arrive together (the window's and a sync's end, or two
// windows') build the index once, and each gets all of the cache's events:
// two builds at once could leave the older, smaller one held and saved.
func TestConcurrentIndexCallsBuildOnce(t *testing.T) {
	res, st, m := syncedClosed(t, simulator.Config{Events: 20000, Seed: 5})
	if err := os.Remove(m.Open(res.Profile).indexPath()); err != nil {
		t.Fatal(err)
	}

	var logged lockedLog
	m2 := NewDesk(st, slog.New(slog.NewTextHandler(&logged, nil)))
	defer func() { _ = m2.Close() }()
	const callers = 4
	start := make(chan struct{})
	lens := make(chan int, callers)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			<-start
			ix, err := m2.Open(res.Profile).Index(context.Background())
			if err != nil {
				t.Error(err)
				lens <- -1
				return
			}
			lens <- ix.Len()
		})
	}
	close(start)
	wg.Wait()
	close(lens)
	for n := range lens {
		if int64(n) != res.Cache.Events {
			t.Errorf("an index of %d events, the cache holds %d", n, res.Cache.Events)
		}
	}
	if n := strings.Count(logged.String(), "building the query index"); n != 1 {
		t.Errorf("the index was built %d times by %d callers at once, want once", n, callers)
	}
}

// A first sync builds its index from the pages it commits, so it never
// reads the cache back; that index is the one a build from the cache
// gives, row for row, with the platform's duplicates and faults served, and
// after a cancelled first sync too.
func TestAFirstSyncGrowsItsIndexFromItsPages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults simulator.Faults
		cancel bool
	}{
		{name: "clean"},
		{name: "every fault", faults: simulator.AllFaults()},
		{name: "cancelled", cancel: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, srv, st, _ := simulated(t, simulator.Config{Events: 6000, Seed: 12, Faults: tc.faults, RetryAfter: -1})
			var logged lockedLog
			d := NewDesk(st, slog.New(slog.NewTextHandler(&logged, nil)))
			defer func() { _ = d.Close() }()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req := SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner, PageSize: 200}
			if tc.cancel {
				req.OnProgress = func(p ingest.Progress) {
					if p.Pages >= 5 {
						cancel()
					}
				}
			}
			res, err := d.Sync(ctx, req)
			if tc.cancel != errors.Is(err, context.Canceled) {
				t.Fatalf("sync: %v", err)
			}
			if res.Index == nil || res.IndexErr != nil {
				t.Fatalf("the sync's index: %v, %v", res.Index, res.IndexErr)
			}
			if strings.Contains(logged.String(), "building the query index") {
				t.Error("the first sync read its cache back to build the index")
			}
			if tc.cancel && (res.Cache.Events == 0 || res.Cache.Events >= 6000) {
				t.Fatalf("the cancelled sync cached %d events: the test shows nothing", res.Cache.Events)
			}
			cache, done, err := d.Open(res.Profile).use()
			if err != nil {
				t.Fatal(err)
			}
			defer done()
			built, err := query.Build(context.Background(), scanAll(context.Background(), cache, time.Time{}))
			if err != nil {
				t.Fatal(err)
			}
			if int64(built.Len()) != res.Cache.Events {
				t.Fatalf("built from the cache %d events, cached %d", built.Len(), res.Cache.Events)
			}
			sameRows(t, res.Index, built)
			if _, err := os.Stat(d.Open(res.Profile).indexPath()); err != nil {
				t.Errorf("the grown index was not saved: %v", err)
			}
			spill := filepath.Join(st.ProfileDir(res.Profile), spillDir)
			if _, err := os.Stat(spill); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the sync left its index's column files: %v", err)
			}
			// What a first sync killed on its way would leave goes at the
			// next sync.
			if err := os.MkdirAll(spill, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(spill, "0"), make([]byte, 4096), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Sync(context.Background(), SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(spill); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a later sync left a killed one's column files: %v", err)
			}
		})
	}
}

// Warm, as the window calls it while its web view starts, leaves the cache
// open and the saved index held, so that the first status and query wait
// for neither.
func TestWarmOpensTheCacheAndHoldsTheIndex(t *testing.T) {
	res, st, _ := syncedClosed(t, simulator.Config{Events: 3000, Seed: 6})
	m2 := NewDesk(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer func() { _ = m2.Close() }()
	pr := m2.Open(res.Profile)
	pr.mu.Lock()
	cold := pr.cache == nil && pr.held.ix == nil
	pr.mu.Unlock()
	if !cold {
		t.Fatal("a profile just opened holds its cache or index already: the test shows nothing")
	}
	pr.Warm(context.Background())
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.cache == nil || pr.held.ix == nil || int64(pr.held.ix.Len()) != res.Cache.Events {
		t.Fatalf("after Warm: cache %v, index %v; want both, the index of %d events", pr.cache != nil, pr.held.ix, res.Cache.Events)
	}
}
