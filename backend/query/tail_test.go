package query

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustOpen(t *testing.T, path string) *Index {
	t.Helper()
	ix, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// Events in time order appended to a file in place, batch by batch, each
// batch reaching back over rows held (as a catch-up reads the cache from
// a day before the newest) and holding an event twice: the file maps to
// the index Build makes of all of them, a file out of room is written
// anew (AppendTo) and appended to in place again, and every snapshot
// mapped on the way reads as it did.
func TestAppendInPlace(t *testing.T) {
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 21))
	all := inOrder(dedupe(append(append(slices.Clone(simEvents(t, 3_000)), handEvents()...), multilingual()...)))
	// The newest event's ID is longer than any before: a search for it
	// finds it once appended.
	last := all[len(all)-1]
	last.ID, last.Time = "evt_"+strings.Repeat("9", 60), last.Time.Add(time.Second)
	all = append(all, last)
	dir := t.TempDir()
	cut := 200
	path, _ := writeFile(t, buildSlice(t, all[:cut]), dir, "index.bin")
	cur := mustOpen(t, path)
	type snap struct {
		ix *Index
		n  int
	}
	var snaps []snap
	inPlace, anew := 0, 0
	for cut < len(all) {
		k := min(1+r.IntN(300), len(all)-cut)
		back := r.IntN(min(cut, 50) + 1)
		batch := slices.Clone(all[cut-back : cut+k])
		batch = append(batch, batch[r.IntN(len(batch))])
		r.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
		before := mustRead(t, path)
		added, err := cur.AppendInPlace(batch, path)
		switch {
		case errors.Is(err, ErrNotInPlace):
			anew++
			if !bytes.Equal(before, mustRead(t, path)) {
				t.Fatal("a refused append wrote to the file")
			}
			f, err := os.Create(path + ".new")
			if err != nil {
				t.Fatal(err)
			}
			if added, err = cur.AppendTo(batch, f); err != nil {
				t.Fatal(err)
			}
			_ = f.Close()
			if err := os.Rename(f.Name(), path); err != nil {
				t.Fatal(err)
			}
		case err != nil:
			t.Fatal(err)
		default:
			inPlace++
		}
		if added != k {
			t.Fatalf("at %d: %d added, want %d", cut, added, k)
		}
		snaps = append(snaps, snap{cur, cut})
		prev := cur
		cut += k
		cur = mustOpen(t, path)
		// The window's marks: the ids of the rows added, whichever way.
		if got, want := cur.AddedTo(prev), ids(all[cut-k:cut]); !slices.Equal(sorted(got), sorted(want)) {
			t.Fatalf("at %d: AddedTo gives %d ids, want %d", cut, len(got), len(want))
		}
		if cur.Len() != cut || !cur.Newest().Equal(all[cut-1].Time) {
			t.Fatalf("the file maps %d events to %v, want %d to %v", cur.Len(), cur.Newest(), cut, all[cut-1].Time)
		}
		sameIndex(t, buildSlice(t, all[:cut]), cur, all[:cut], seed+uint64(cut), 2)
	}
	if inPlace < 3 || anew < 1 {
		t.Fatalf("%d appends in place, %d files written anew; want both", inPlace, anew)
	}
	if err := cur.Verify(); err != nil {
		t.Fatal(err)
	}
	sameIndex(t, buildSlice(t, all), cur, all, seed, 10)
	// Every snapshot mapped on the way reads as it did.
	for i, s := range snaps {
		if i%3 == 0 {
			if err := s.ix.Verify(); err != nil {
				t.Fatalf("snapshot of %d: %v", s.n, err)
			}
			sameIndex(t, buildSlice(t, all[:s.n]), s.ix, all[:s.n], seed+uint64(i), 1)
		}
	}
	// What is held already writes nothing.
	before := mustRead(t, path)
	if added, err := cur.AppendInPlace(all[len(all)-100:], path); err != nil || added != 0 {
		t.Fatalf("appending what is held: %d, %v", added, err)
	}
	if !bytes.Equal(before, mustRead(t, path)) {
		t.Fatal("appending what is held wrote to the file")
	}
}

// An append in place refuses, writing nothing: a new event older than the
// newest row; a file that is not the one the index maps (replaced, or
// appended to by another since); a damaged block where the new bytes go.
func TestAppendInPlaceRefuses(t *testing.T) {
	all := inOrder(simEvents(t, 2_000))
	dir := t.TempDir()
	held := slices.Concat(all[:900], all[901:1500])
	path, good := writeFile(t, buildSlice(t, held), dir, "index.bin")
	ix := mustOpen(t, path)
	unchanged := func(what string) {
		t.Helper()
		if !bytes.Equal(good, mustRead(t, path)) {
			t.Fatalf("%s: the file was written", what)
		}
	}
	if _, err := ix.AppendInPlace(all[890:1600], path); !errors.Is(err, ErrNotInPlace) {
		t.Fatalf("an older new event: %v; want ErrNotInPlace", err)
	}
	unchanged("an older new event")

	// Another process appended since this one mapped the file.
	other := mustOpen(t, path)
	if _, err := other.AppendInPlace(all[1500:1550], path); err != nil {
		t.Fatal(err)
	}
	after := mustRead(t, path)
	if _, err := ix.AppendInPlace(all[1550:1600], path); !errors.Is(err, ErrNotInPlace) {
		t.Fatalf("appended to since: %v; want ErrNotInPlace", err)
	}
	if !bytes.Equal(after, mustRead(t, path)) {
		t.Fatal("appended to since: the file was written")
	}
	// Replaced.
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	ix = mustOpen(t, path)
	p2, _ := writeFile(t, buildSlice(t, held), dir, "other.bin")
	if err := os.Rename(p2, path); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.AppendInPlace(all[1500:], path); !errors.Is(err, ErrNotInPlace) {
		t.Fatalf("a replaced file: %v; want ErrNotInPlace", err)
	}
	unchanged("a replaced file")

	// A bit flipped in the text's last block, before its end.
	damaged := slices.Clone(good)
	end := int(ix.file.head.dataOff + ix.file.spans[secText][1])
	damaged[end-3] ^= 0x20
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	dm := mustOpen(t, path)
	if _, err := dm.AppendInPlace(all[1500:], path); !errors.Is(err, ErrIndexDamaged) {
		t.Fatalf("a damaged last block: %v; want ErrIndexDamaged", err)
	}
	if !bytes.Equal(damaged, mustRead(t, path)) {
		t.Fatal("a damaged last block: the file was written")
	}
}

// A process killed at any byte of an append in place leaves a file that
// maps to the index before it, or, once the header is written whole, to
// the index after it; the next append goes over what it left.
func TestAppendInPlaceKilled(t *testing.T) {
	seed := testSeed(t)
	all := inOrder(append(slices.Clone(simEvents(t, 2_000)), multilingual()...))
	dir := t.TempDir()
	base, good := writeFile(t, buildSlice(t, all[:1500]), dir, "base.bin")
	wantBefore, wantAfter := buildSlice(t, all[:1500]), buildSlice(t, all)

	// The writes an append makes, counted.
	defer func(w func(*os.File, []byte, int64) error) { tailWrite = w }(tailWrite)
	total := 0
	tailWrite = func(f *os.File, b []byte, off int64) error {
		total += len(b)
		_, err := f.WriteAt(b, off)
		return err
	}
	if _, err := mustOpen(t, base).AppendInPlace(all[1400:], base); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 22))
	cuts := []int{0, 1, total - headerLen, total - headerLen/2, total - 1, total}
	for range 12 {
		cuts = append(cuts, r.IntN(total))
	}
	killed := errors.New("killed")
	for i, cut := range cuts {
		path := filepath.Join(dir, fmt.Sprint("killed", i))
		if err := os.WriteFile(path, good, 0o600); err != nil {
			t.Fatal(err)
		}
		left := cut
		tailWrite = func(f *os.File, b []byte, off int64) error {
			k := min(left, len(b))
			left -= k
			if _, err := f.WriteAt(b[:k], off); err != nil {
				return err
			}
			if k < len(b) {
				return killed
			}
			return nil
		}
		_, err := mustOpen(t, path).AppendInPlace(all[1400:], path)
		if cut < total && !errors.Is(err, killed) || cut == total && err != nil {
			t.Fatalf("killed after %d of %d bytes: %v", cut, total, err)
		}
		got := mustOpen(t, path)
		want := wantBefore
		if cut == total {
			want = wantAfter
		}
		if got.Len() != want.Len() {
			t.Fatalf("killed after %d of %d bytes: the file maps %d events, want %d", cut, total, got.Len(), want.Len())
		}
		if err := got.Verify(); err != nil {
			t.Fatalf("killed after %d of %d bytes: %v", cut, total, err)
		}
		sameIndex(t, want, got, all[:want.Len()], seed+uint64(i), 1)
		// The next process appends over what was left.
		tailWrite = func(f *os.File, b []byte, off int64) error {
			_, err := f.WriteAt(b, off)
			return err
		}
		if _, err := got.AppendInPlace(all[1400:], path); err != nil {
			t.Fatal(err)
		}
		again := mustOpen(t, path)
		if again.Len() != len(all) {
			t.Fatalf("after the kill at %d, the next append maps %d events", cut, again.Len())
		}
		sameIndex(t, wantAfter, again, all, seed+uint64(i), 1)
	}
	_ = audit.Event{}
}
