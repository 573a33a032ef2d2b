package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// The window holds the saved index mapped; bytes of the file damaged while
// it is open (bit rot, another program) are met where rows are read: the
// rows are refused (ErrQueryGone, so the window queries again), and the
// next query rebuilds the index from the cache and gives the same rows.
func TestADamagedBlockUnderTheWindowIsRebuilt(t *testing.T) {
	res, st, m := syncedClosed(t, simulator.Config{Events: 4000, Seed: 6})
	// A new process: the index it holds is the saved file, mapped.
	w := NewDesk(st, m.log)
	defer func() { _ = w.Close() }()
	pr := w.Open(res.Profile)
	all := func() (Result, []audit.Event, error) {
		t.Helper()
		r, err := pr.Query(context.Background(), audit.Filter{}, audit.DefaultSort, nil)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := pr.Rows(r, 0, r.Total)
		return r, evs, err
	}
	_, want, err := all()
	if err != nil || len(want) != int(res.Cache.Events) {
		t.Fatalf("rows: %d, %v; want %d", len(want), err, res.Cache.Events)
	}

	// The rows are read: their blocks are checked. A new query's rows are
	// read again from a fresh mapping after this one is dropped.
	path := pr.indexPath()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	at := fi.Size() / 2 // in the rows' text
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, at); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x08
	if _, err := f.WriteAt(b, at); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	pr.mu.Lock()
	pr.held = held{}
	pr.mu.Unlock()

	r2, _, err := all()
	if !errors.Is(err, ErrQueryGone) {
		t.Fatalf("rows over the damaged file: %v; want ErrQueryGone", err)
	}
	if _, err := pr.Held(r2.ID); !errors.Is(err, ErrQueryGone) {
		t.Fatalf("a result over the damaged index is still held: %v", err)
	}
	// The window queries again: rebuilt from the cache, the same rows.
	_, got, err := all()
	if err != nil || !slices.EqualFunc(got, want, func(a, b audit.Event) bool { return a.ID == b.ID && a.Description == b.Description }) {
		t.Fatalf("rows after the rebuild: %d, %v; want the %d of before", len(got), err, len(want))
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the rebuilt index was not saved: %v", err)
	}
}

// A one-shot reader whose saved index matches the cache's clean state
// reads it without opening the cache; when the state is dirty, or another
// count, it opens the cache to check.
func TestAReaderTrustsACleanState(t *testing.T) {
	res, st, m := syncedClosed(t, simulator.Config{Events: 2000, Seed: 8})
	// read is a one-shot reader: the events it reads, and whether it
	// opened the cache.
	read := func() (int, bool) {
		t.Helper()
		d := NewDesk(st, m.log)
		defer func() { _ = d.Close() }()
		pr := d.Open(res.Profile)
		ix, saved, err := pr.ReadIndex(context.Background())
		if err != nil || saved {
			t.Fatalf("ReadIndex: %v, saved %v", err, saved)
		}
		pr.mu.Lock()
		defer pr.mu.Unlock()
		return ix.Len(), pr.cache != nil
	}
	n, opened := read()
	if int64(n) != res.Cache.Events || opened {
		t.Fatalf("a clean cache: %d events (want %d), cache opened %v", n, res.Cache.Events, opened)
	}
	state := filepath.Join(st.CacheDir(res.Profile), "auditdesk-state.json")
	for _, body := range []string{`{"clean":false}`, `{"clean":true,"events":1,"newest":"2026-01-01T00:00:00Z"}`, `not json`} {
		if err := os.WriteFile(state, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		n, opened := read()
		if int64(n) != res.Cache.Events || !opened {
			t.Fatalf("state %s: %d events, cache opened %v; want the cache checked", body, n, opened)
		}
		// Checked, the cache was marked clean: the next reader trusts it.
		if n, opened := read(); int64(n) != res.Cache.Events || opened {
			t.Fatalf("after a check of state %s: %d events, cache opened %v", body, n, opened)
		}
	}
}
