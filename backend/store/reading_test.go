package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// A command that only reads the cache leaves level 0 as a sync left it,
// however long it runs; a writer compacts it. (An export after a first
// sync of a million events compacted all its tables: 4.7 s instead of 1.6.)
func TestReadersLeaveCompactionToWriters(t *testing.T) {
	dir := t.TempDir()
	// Small tables, a level 0 of 4, and a sync that leaves it over its limit.
	small := func(compactors int) Option {
		return func(c *config) {
			c.tune = func(o badger.Options) badger.Options {
				return o.WithMemTableSize(1 << 20).WithNumLevelZeroTables(4).WithNumLevelZeroTablesStall(16).WithNumCompactors(compactors)
			}
		}
	}
	s, err := Open(dir, small(0))
	if err != nil {
		t.Fatal(err)
	}
	for p := 0; level0(s) < 6; p++ {
		if p > 1000 {
			t.Fatalf("level 0 has %d tables after %d pages", level0(s), p)
		}
		page := make([]audit.Event, 50)
		for i := range page {
			page[i] = audit.Event{ID: fmt.Sprintf("e-%d-%d", p, i), Time: t0.Add(time.Duration(p*50+i) * time.Second), Description: strings.Repeat("x", 900)}
		}
		if _, err := s.CommitPage(page, Checkpoint{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	r, err := Open(dir, small(2), ForReading())
	if err != nil {
		t.Fatal(err)
	}
	before := level0(r)
	// Past Badger's first compaction tick (at most a second after open).
	time.Sleep(1500 * time.Millisecond)
	if n := level0(r); n != before || n < 6 {
		t.Errorf("a reader compacted level 0: %d tables, then %d", before, n)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	w, err := Open(dir, small(2))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Close() }()
	for end := time.Now().Add(20 * time.Second); level0(w) >= 4; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("a writer left level 0 at %d tables for 20 s", level0(w))
		}
	}
}

func level0(s *Store) int { return s.db.Levels()[0].NumTables }
