package store

import (
	"path/filepath"
	"testing"
)

// The state file says clean only while nothing writes the cache: dirty on
// disk before a store's first write (a crash keeps it so), clean with the
// count and the newest event once the store is closed or marked clean.
func TestStateIsDirtyWhileWritten(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	s := openT(t, dir)
	if st := ReadState(dir); st.Clean {
		t.Fatalf("a new cache's state: %+v, want not clean (no file)", st)
	}
	g := newRealistic(1)
	page := g.page(300)
	if _, err := s.CommitPage(page, Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	if st := ReadState(dir); st.Clean {
		t.Fatalf("after a write, before close: %+v, want dirty", st)
	}
	if err := s.MarkClean(); err != nil {
		t.Fatal(err)
	}
	stats, _ := s.Stats()
	if st := ReadState(dir); !st.Clean || st.Events != stats.Events || !st.Newest.Equal(stats.Newest) {
		t.Fatalf("marked clean: %+v, want clean with %d events, newest %v", st, stats.Events, stats.Newest)
	}
	// Writing again dirties it again, before the write.
	if err := s.SetMeta("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if st := ReadState(dir); st.Clean {
		t.Fatalf("after SetMeta: %+v, want dirty", st)
	}
	if _, err := s.CommitPage(g.page(50), Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st := ReadState(dir)
	if !st.Clean || st.Events != stats.Events+50 {
		t.Fatalf("closed after writes: %+v, want clean with %d events", st, stats.Events+50)
	}
	// A store that only reads leaves it as it was.
	before := st
	r := openT(t, dir)
	if _, err := r.Stats(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if st := ReadState(dir); st != before {
		t.Fatalf("a reader changed the state: %+v, was %+v", st, before)
	}
}
