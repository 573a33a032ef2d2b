package store

import (
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// pageAt is n events from `from`, a minute apart.
func pageAt(from time.Time, n int, tag string) []audit.Event {
	evs := make([]audit.Event, n)
	for i := range evs {
		evs[i] = audit.Event{ID: tag + time.Duration(i).String(), Time: from.Add(time.Duration(i) * time.Minute), User: "u", Scope: audit.ScopeBilling, Status: audit.StatusSuccess}
	}
	return evs
}

func coverage(t *testing.T, s *Store) ([]Interval, []Interval) {
	t.Helper()
	c, g, err := s.Coverage()
	if err != nil {
		t.Fatal(err)
	}
	return c, g
}

func TestCoverageGrowsWithSyncsAndShowsGaps(t *testing.T) {
	s := openT(t, t.TempDir())
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	run1 := day.Add(10 * time.Hour)
	// A first sync (open window) in three pages, finished.
	for i := range 3 {
		cp := Checkpoint{RunStarted: run1, SyncedAt: run1, Complete: i == 2, Cursor: "c"}
		if _, err := s.CommitPage(pageAt(day.Add(time.Duration(i)*3*time.Hour), 100, "a"+string(rune('0'+i))), cp); err != nil {
			t.Fatal(err)
		}
	}
	cov, gaps := coverage(t, s)
	want := Interval{day, run1.Add(-audit.IngestionDelay)}
	if len(cov) != 1 || cov[0] != want || len(gaps) != 0 {
		t.Fatalf("after a finished first sync: %v, gaps %v; want %v and none", cov, gaps, want)
	}

	// Later a run reads from its window start and stops after one page.
	run2 := day.Add(30 * time.Hour)
	start2 := want.End
	stop := start2.Add(90 * time.Minute)
	if _, err := s.CommitPage(pageAt(start2, 91, "b"), Checkpoint{WindowStart: start2, RunStarted: run2, SyncedAt: run2, Cursor: "next"}); err != nil {
		t.Fatal(err)
	}
	cov, gaps = coverage(t, s)
	if len(cov) != 1 || !cov[0].End.Equal(stop) || len(gaps) != 0 {
		t.Fatalf("after a run stopped part-way: %v, gaps %v; want coverage to %v", cov, gaps, stop)
	}

	// Events of a window no sync finished: an import, say, a day later.
	far := day.Add(50 * time.Hour)
	if _, err := s.CommitPage(pageAt(far, 10, "c"), Checkpoint{WindowStart: far, RunStarted: far.Add(time.Hour), SyncedAt: far.Add(time.Hour), Cursor: "x"}); err != nil {
		t.Fatal(err)
	}
	cov, gaps = coverage(t, s)
	if len(cov) != 2 || len(gaps) != 1 || !gaps[0].Start.Equal(stop) || !gaps[0].End.Equal(far) {
		t.Fatalf("with a window a day later: %v, gaps %v; want the gap [%v, %v)", cov, gaps, stop, far)
	}

	// A finished sync from the first window's end closes the gap.
	run3 := far.Add(2 * time.Hour)
	if _, err := s.CommitPage(pageAt(stop, 5, "d"), Checkpoint{WindowStart: start2, RunStarted: run3, SyncedAt: run3, Complete: true}); err != nil {
		t.Fatal(err)
	}
	cov, gaps = coverage(t, s)
	if len(cov) != 1 || !cov[0].Start.Equal(day) || !cov[0].End.Equal(run3.Add(-audit.IngestionDelay)) || len(gaps) != 0 {
		t.Fatalf("after the gap is synced: %v, gaps %v", cov, gaps)
	}
}

func TestAddSpanMerges(t *testing.T) {
	var l []span
	for _, s := range []span{{10, 20}, {30, 40}, {20, 25}, {5, 6}, {24, 31}, {50, 50}} {
		l = addSpan(l, s)
	}
	want := []span{{5, 6}, {10, 40}}
	if len(l) != len(want) || l[0] != want[0] || l[1] != want[1] {
		t.Errorf("spans %v, want %v", l, want)
	}
}

// What was past the platform's 12 months when a run began is not known
// complete: the platform may have removed it unserved.
func TestCoverageStopsAtTheRetention(t *testing.T) {
	s := openT(t, t.TempDir())
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	run1 := day.Add(2 * time.Hour)
	if _, err := s.CommitPage(pageAt(day, 100, "a"), Checkpoint{RunStarted: run1, SyncedAt: run1, Complete: true}); err != nil {
		t.Fatal(err)
	}
	// The next sync, 14 months later, reads from where the first ended.
	run2 := day.AddDate(1, 2, 0)
	from := run1.Add(-audit.IngestionDelay)
	kept := run2.AddDate(-1, 0, 0)
	if _, err := s.CommitPage(pageAt(kept.Add(time.Hour), 50, "b"), Checkpoint{WindowStart: from, RunStarted: run2, SyncedAt: run2, Complete: true}); err != nil {
		t.Fatal(err)
	}
	cov, gaps := coverage(t, s)
	if len(cov) != 2 || !cov[1].Start.Equal(kept) || len(gaps) != 1 || !gaps[0].Start.Equal(from) || !gaps[0].End.Equal(kept) {
		t.Fatalf("coverage %v, gaps %v; want the gap [%v, %v) the platform may have removed", cov, gaps, from, kept)
	}
	// A first sync of 13 months' history covers only its last 12.
	s2 := openT(t, t.TempDir())
	old := run2.AddDate(0, -13, 0)
	if _, err := s2.CommitPage(append(pageAt(old, 10, "c"), pageAt(kept.Add(time.Minute), 10, "d")...), Checkpoint{RunStarted: run2, SyncedAt: run2, Complete: true}); err != nil {
		t.Fatal(err)
	}
	cov, gaps = coverage(t, s2)
	if len(cov) != 1 || !cov[0].Start.Equal(kept) || len(gaps) != 1 || !gaps[0].Start.Equal(old) || !gaps[0].End.Equal(kept) {
		t.Fatalf("first sync of 13 months: coverage %v, gaps %v; want from %v, the month before a gap", cov, gaps, kept)
	}
}

func TestPastRetention(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		end  time.Time
		past bool
	}{
		{time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC), true},
		{time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2025, 12, 1, 10, 0, 1, 0, time.UTC), false},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := (Interval{Start: c.end.Add(-time.Hour), End: c.end}).PastRetention(now); got != c.past {
			t.Errorf("a gap ending %s, at %s: PastRetention %v, want %v", c.end, now, got, c.past)
		}
	}
}
