package session

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// simulated serves a simulator over cfg on a test HTTP server, with a
// Manager over a new data dir; both end with the test.
func simulated(t *testing.T, cfg simulator.Config) (*simulator.Server, *httptest.Server, *settings.Store, *Desk) {
	t.Helper()
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	st, err := settings.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := NewDesk(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { _ = m.Close() })
	return sim, srv, st, m
}

// syncedClosed syncs a simulator over cfg into a new data dir and closes
// the desk, as a process that synced and ended leaves them.
func syncedClosed(t *testing.T, cfg simulator.Config) (SyncResult, *settings.Store, *Desk) {
	t.Helper()
	sim, srv, st, m := simulated(t, cfg)
	res, err := m.Sync(context.Background(), SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return res, st, m
}

func TestConcurrentSyncsOfOneProfileJoin(t *testing.T) {
	sim, srv, _, m := simulated(t, simulator.Config{Events: 3000, Seed: 2, Faults: simulator.Faults{Slow: 5 * time.Millisecond}})

	var wg sync.WaitGroup
	results := make([]SyncResult, 3)
	errs := make([]error, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = m.Sync(context.Background(), SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner, PageSize: 100})
		}()
	}
	wg.Wait()
	joined := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("sync %d: %v", i, errs[i])
		}
		if r.Joined {
			joined++
		}
		if r.Cache.Events != int64(len(sim.Visible(sim.Tokens().Owner, time.Now()))) {
			t.Errorf("sync %d sees %d cached events", i, r.Cache.Events)
		}
	}
	if joined == 0 {
		t.Error("three simultaneous syncs of one profile all ran; want one run and the others joining")
	}
	if pages := sim.Stats().Pages; pages > 40 {
		t.Errorf("the platform served %d pages: the syncs did not share one run", pages)
	}
}
