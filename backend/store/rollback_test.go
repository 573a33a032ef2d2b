package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Pages committed after a head are taken back by RollBack: their new
// events, id keys and records gone, the counters, head and checkpoint as
// they were, the events before untouched (also those the later pages held
// again, which were not new then), and the chain verifies. A roll back
// stopped half way and run again ends the same; what follows commits as
// if nothing had been. A cache written before events were looked up by
// their keys alone also holds id keys: those of the events undone go too.
func TestRollBack(t *testing.T) {
	t.Run("today", func(t *testing.T) { testRollBack(t, false) })
	t.Run("with id keys", func(t *testing.T) { testRollBack(t, true) })
}

func testRollBack(t *testing.T, idKeys bool) {
	dir := t.TempDir()
	s := openT(t, dir)
	g := newRealistic(9)
	var before []audit.Event
	for range 3 {
		p := g.page(300)
		before = append(before, p...)
		if _, err := s.CommitPage(p, Checkpoint{Cursor: "sync", SyncedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := s.Head()
	if err != nil {
		t.Fatal(err)
	}
	stats, _ := s.Stats()
	cp, _, _ := s.Checkpoint()

	// Five pages of an import: new events, some of them older than the
	// cached ones, and the cached ones again (duplicates: not theirs).
	var added []audit.Event
	for k := range 5 {
		p := g.page(200)
		for i := range p[:20] {
			p[i].Time = before[0].Time.Add(-time.Duration(k*20+i+1) * time.Minute)
		}
		added = append(added, p...)
		p = append(p, before[k*10:k*10+10]...)
		if _, err := s.CommitPage(p, Checkpoint{Cursor: "file:abc"}); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := s.Stats(); st.Events != stats.Events+int64(len(added)) {
		t.Fatalf("%d events after the import's pages, want %d", st.Events, stats.Events+int64(len(added)))
	}
	wantIDKeys := int64(0)
	if idKeys {
		writeIDKeys(t, s)
		wantIDKeys = stats.Events
	}

	// Stopped after two records, then run again.
	ctx, cancel := context.WithCancel(context.Background())
	undone := 0
	s.testRollbackStep = func() {
		if undone++; undone == 2 {
			cancel()
		}
	}
	if err := s.RollBack(ctx, head, cp); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled roll back: %v", err)
	}
	s.testRollbackStep = nil
	if h, _ := s.Head(); h.Seq != head.Seq+3 {
		t.Fatalf("head at %d after two records undone, want %d", h.Seq, head.Seq+3)
	}
	if err := s.RollBack(context.Background(), head, cp); err != nil {
		t.Fatal(err)
	}

	if h, _ := s.Head(); h != head {
		t.Fatalf("head %v, want %v", h, head)
	}
	if st, _ := s.Stats(); st.Events != stats.Events || !st.Oldest.Equal(stats.Oldest) || !st.Newest.Equal(stats.Newest) {
		t.Fatalf("stats %+v, want %+v", st, stats)
	}
	if got, _, _ := s.Checkpoint(); got != cp {
		t.Fatalf("checkpoint %+v, want %+v", got, cp)
	}
	for _, e := range added {
		if _, ok, _ := s.Get(e.ID); ok {
			t.Fatalf("%s is still cached", e.ID)
		}
	}
	var kept []string
	if err := s.Scan(context.Background(), time.Time{}, time.Time{}, func(e audit.Event) error {
		kept = append(kept, e.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(before))
	for i, e := range before {
		want[i] = e.ID
	}
	slices.Sort(kept)
	slices.Sort(want)
	if !slices.Equal(kept, want) {
		t.Fatalf("%d events kept, want the %d before", len(kept), len(want))
	}
	if rep, err := s.Verify(context.Background()); err != nil || rep.ChainBroken || len(rep.Problems) > 0 || rep.Events != stats.Events {
		t.Fatalf("verify after the roll back: %+v, %v", rep, err)
	}
	if n := keyCount(t, s, prefixID); n != wantIDKeys {
		t.Fatalf("%d id keys, want %d", n, wantIDKeys)
	}

	// A head this cache never had is refused, and nothing changes.
	if err := s.RollBack(context.Background(), Head{Seq: head.Seq + 7}, cp); err == nil {
		t.Fatal("a roll back to a later head went ahead")
	}
	// The same import again lands whole.
	if _, err := s.CommitPage(added[:200], Checkpoint{Cursor: "file:abc"}); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Verify(context.Background()); err != nil || rep.ChainBroken || len(rep.Problems) > 0 {
		t.Fatalf("verify after committing again: %+v, %v", rep, err)
	}
}
