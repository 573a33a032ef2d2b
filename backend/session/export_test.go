package session

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
	"github.com/auditdesk/auditdesk/backend/store"
)

// An export checks every row against the chain, wherever its index came
// from: a saved index that holds an event other than its sync recorded
// (written by hand, with a good checksum) is refused, and no file is left.
// Rows are checked on every core, window by window; the error names the
// first altered row in the file's order.
func TestExportRefusesRowsTheChainDoesNotRecord(t *testing.T) {
	sim, err := simulator.New(simulator.Config{Events: 10_000, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	st, err := settings.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := NewDesk(st, log)
	res, err := m.Sync(context.Background(), SyncRequest{APIURL: srv.URL, Token: sim.Tokens().Owner})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Profile
	cache, done, err := m.Open(p).use()
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	var evs []audit.Event
	if err := cache.Scan(context.Background(), time.Time{}, time.Time{}, func(e audit.Event) error {
		evs = append(evs, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	forged := &evs[len(evs)/2]
	forged.Description = "nothing to see here"
	// Older, so after it in the file, windows of rows later.
	evs[100].Description = "nor here"
	ix, err := query.Build(context.Background(), query.Events(evs))
	if err != nil {
		t.Fatal(err)
	}
	m = NewDesk(st, log)
	defer func() { _ = m.Close() }()
	if err := m.Open(p).saveIndex(ix); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	_, err = m.Open(p).Export(context.Background(), ExportRequest{Path: filepath.Join(dir, "all.csv"), Format: export.CSV})
	want := "event " + forged.ID + " was altered since it was synced: run auditdesk verify"
	if !errors.Is(err, store.ErrAltered) || err == nil || err.Error() != want {
		t.Errorf("export: %v; want %q", err, want)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the refused export left %d files", len(left))
	}
	// Without the saved index, the rebuild reads the cache, which is whole.
	if err := os.Remove(m.Open(p).indexPath()); err != nil {
		t.Fatal(err)
	}
	pr := m.Open(p)
	pr.mu.Lock()
	pr.held.ix = nil
	pr.mu.Unlock()
	if _, err := m.Open(p).Export(context.Background(), ExportRequest{Path: filepath.Join(dir, "all.csv"), Format: export.CSV}); err != nil {
		t.Fatalf("export from the rebuilt index: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "all.csv")); err != nil || strings.Contains(string(b), "nothing to see here") {
		t.Errorf("the export: %v, or it holds the forged row", err)
	}
}
