package query

import (
	"bytes"
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// spillFile builds evs through a Spill and returns the index file's bytes.
func spillFile(t *testing.T, evs []audit.Event) ([]byte, error) {
	t.Helper()
	dir := t.TempDir()
	s, err := NewSpill(filepath.Join(dir, "build"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		if err := s.Add(&evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != len(evs) {
		t.Fatalf("Len = %d, want %d", s.Len(), len(evs))
	}
	path := filepath.Join(dir, "index.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Finish(f)
	_ = f.Close()
	if _, serr := os.Stat(filepath.Join(dir, "build")); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("Finish left its folder: %v", serr)
	}
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b, nil
}

func inOrder(evs []audit.Event) []audit.Event {
	out := slices.Clone(evs)
	slices.SortFunc(out, func(a, b audit.Event) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
	})
	return out
}

// A Spill writes the very bytes WriteTo writes for the index Build makes
// of the same events, and the file opens and answers as that index does.
func TestSpillWritesWhatBuildWrites(t *testing.T) {
	for _, tc := range []struct {
		name string
		evs  []audit.Event
	}{{"empty", nil}, {"hand", inOrder(handEvents())}, {"simulator", inOrder(append(slices.Clone(simEvents(t, 6_000)), handEvents()...))}} {
		t.Run(tc.name, func(t *testing.T) {
			ix := buildSlice(t, tc.evs)
			var want bytes.Buffer
			if _, err := ix.WriteTo(&want); err != nil {
				t.Fatal(err)
			}
			got, err := spillFile(t, tc.evs)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("the spilled file (%d bytes) is not WriteTo's (%d bytes)", len(got), want.Len())
			}
			back, err := ReadIndex(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if err := back.Verify(); err != nil {
				t.Fatal(err)
			}
			if len(tc.evs) > 0 {
				sameIndex(t, ix, back, tc.evs, testSeed(t), 5)
			}
		})
	}
}

// Events out of (time, id) order are refused at Finish: the caller builds
// the index another way.
func TestSpillRefusesEventsOutOfOrder(t *testing.T) {
	evs := inOrder(simEvents(t, 500))
	evs[100], evs[200] = evs[200], evs[100]
	if _, err := spillFile(t, evs); !errors.Is(err, ErrUnordered) {
		t.Fatalf("Finish = %v, want ErrUnordered", err)
	}
}

// Events that come newest first, as a console export lists them, give an
// index that opens, checks and answers as the one Build makes of them in
// order (its dictionaries numbered otherwise, so not the same bytes).
func TestSpillTakesEventsNewestFirst(t *testing.T) {
	for _, tc := range []struct {
		name string
		evs  []audit.Event
	}{{"two", inOrder(handEvents())[:2]}, {"hand", inOrder(handEvents())}, {"simulator", inOrder(append(slices.Clone(simEvents(t, 30_000)), handEvents()...))}} {
		t.Run(tc.name, func(t *testing.T) {
			ix := buildSlice(t, tc.evs)
			rev := slices.Clone(tc.evs)
			slices.Reverse(rev)
			got, err := spillFile(t, rev)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ReadIndex(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if err := back.Verify(); err != nil {
				t.Fatal(err)
			}
			if back.Len() != len(tc.evs) || !back.Newest().Equal(tc.evs[len(tc.evs)-1].Time) {
				t.Fatalf("%d events, newest %v", back.Len(), back.Newest())
			}
			sameIndex(t, ix, back, tc.evs, testSeed(t), 20)
		})
	}
	// Newest first, then one out of place: refused.
	evs := inOrder(simEvents(t, 500))
	slices.Reverse(evs)
	evs[100], evs[200] = evs[200], evs[100]
	if _, err := spillFile(t, evs); !errors.Is(err, ErrUnordered) {
		t.Fatalf("Finish = %v, want ErrUnordered", err)
	}
}

// Events with no target and no description (an index whose text is empty
// throughout) read back whole, their details too, built in memory or
// spilled to a file and read from it.
func TestEventsWithoutTextReadBack(t *testing.T) {
	evs := inOrder(simEvents(t, 50))
	for i := range evs {
		evs[i].Target, evs[i].Description = "", ""
		evs[i].Details = []byte(`{"n":1}`)
	}
	b, err := spillFile(t, evs)
	if err != nil {
		t.Fatal(err)
	}
	read, err := ReadIndex(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, ix := range []*Index{buildSlice(t, evs), read} {
		r, err := ix.Query(audit.Filter{}, audit.Sort{Field: audit.SortTimestamp}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := r.Rows(0, r.Total)
		if err != nil || len(rows) != len(evs) {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		for i := range rows {
			if rows[i].ID != evs[i].ID || string(rows[i].Details) != `{"n":1}` {
				t.Fatalf("row %d: %+v, want %+v", i, rows[i], evs[i])
			}
		}
	}
}
