package query

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/iotest"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// sameQuery runs f sorted by s on both indexes and fails on any difference
// in the error, Total, facets, histogram or rows.
func sameQuery(t *testing.T, want, got *Index, f audit.Filter, s audit.Sort, loc *time.Location) {
	t.Helper()
	opts := Options{TopUsers: 5, Location: loc}
	rw, errW := want.Query(f, s, opts)
	rg, errG := got.Query(f, s, opts)
	if (errW == nil) != (errG == nil) {
		t.Fatalf("Query(%+v, %v): error %v, want %v", f, s, errG, errW)
	}
	if errW != nil {
		return
	}
	if rg.Total != rw.Total || !facetsEqual(rg.Facets, rw.Facets) {
		t.Fatalf("Query(%+v, %v): Total %d facets %+v\nwant Total %d facets %+v", f, s, rg.Total, rg.Facets, rw.Total, rw.Facets)
	}
	if !slices.EqualFunc(rg.Histogram, rw.Histogram, func(a, b Bucket) bool { return a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Count == b.Count }) {
		t.Fatalf("Query(%+v, %v): histogram\n%v\nwant\n%v", f, s, rg.Histogram, rw.Histogram)
	}
	a, b := mustRows(t, rg, 0, rg.Total), mustRows(t, rw, 0, rw.Total)
	for i := range a {
		if !sameEvent(a[i], b[i]) {
			t.Fatalf("Query(%+v, %v): row %d\n%+v\nwant\n%+v", f, s, i, a[i], b[i])
		}
	}
}

// sameIndex compares both indexes on n random filters, each under every
// sort both ways.
func sameIndex(t *testing.T, want, got *Index, evs []audit.Event, seed uint64, n int) {
	t.Helper()
	if got.Len() != want.Len() {
		t.Fatalf("Len = %d, want %d", got.Len(), want.Len())
	}
	if got.idLen != want.idLen {
		t.Fatalf("IDs %d to %d bytes long, want %d to %d", got.idLen.lo, got.idLen.hi, want.idLen.lo, want.idLen.hi)
	}
	// A search for an event's whole ID finds it: the newest (last added)
	// and the shortest and longest.
	probe := []audit.Event{}
	if len(evs) > 0 {
		probe = append(probe, evs[len(evs)-1], slices.MinFunc(evs, byIDLen), slices.MaxFunc(evs, byIDLen))
	}
	for _, e := range probe {
		res, err := got.Query(audit.Filter{Search: e.ID}, audit.DefaultSort, Options{})
		if err != nil || !slices.Contains(ids(mustRows(t, res, 0, res.Total)), e.ID) {
			t.Fatalf("a search for the ID %q does not find it (%v)", e.ID, err)
		}
	}
	g := newFilterGen(seed, evs)
	locs := []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800)}
	for k := range n {
		f := audit.Filter{}
		if k > 0 {
			f, _ = g.filter()
		}
		loc := locs[g.r.IntN(len(locs))]
		for _, field := range audit.SortFields {
			for _, desc := range []bool{false, true} {
				sameQuery(t, want, got, f, audit.Sort{Field: field, Desc: desc}, loc)
			}
		}
	}
}

func byIDLen(a, b audit.Event) int { return cmp.Compare(len(a.ID), len(b.ID)) }

func roundTrip(t *testing.T, ix *Index) (*Index, []byte) {
	t.Helper()
	var buf bytes.Buffer
	n, err := ix.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, wrote %d bytes", n, buf.Len())
	}
	got, err := ReadIndex(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return got, buf.Bytes()
}

func TestPersistRoundTrip(t *testing.T) {
	seed := testSeed(t)
	hand := handEvents()
	sim := append(slices.Clone(simEvents(t, 4_000)), hand...)
	for _, tc := range []struct {
		name string
		evs  []audit.Event
	}{{"empty", nil}, {"hand", hand}, {"simulator", sim}} {
		t.Run(tc.name, func(t *testing.T) {
			ix := buildSlice(t, tc.evs)
			got, b := roundTrip(t, ix)
			if got.Len() != len(tc.evs) {
				t.Fatalf("Len = %d, want %d", got.Len(), len(tc.evs))
			}
			if len(tc.evs) == 0 {
				res, err := got.Query(audit.Filter{Search: "x"}, audit.DefaultSort, Options{})
				if err != nil || res.Total != 0 {
					t.Fatalf("empty index: %v, %v", res, err)
				}
				return
			}
			sameIndex(t, ix, got, tc.evs, seed, 40)
			runRandom(t, got, tc.evs, seed+1, 10, true)
			if got.freqN != ix.freqN || *got.freq != *ix.freq {
				t.Fatal("byte frequencies differ after the round trip")
			}
			// Written again, the bytes are the same.
			if _, b2 := roundTrip(t, got); !bytes.Equal(b, b2) {
				t.Fatal("a read index writes other bytes")
			}
		})
	}
}

func TestPersistFile(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 2_000)), handEvents()...)
	ix := buildSlice(t, evs)
	path := filepath.Join(t.TempDir(), "index.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	read := func() (*Index, error) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		return OpenFile(path)
	}
	got, err := read()
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, ix, got, evs, testSeed(t), 10)

	// A file with bytes past the trailer is refused (its size is checked).
	af, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := af.Write([]byte{0}); err != nil {
		t.Fatal(err)
	}
	_ = af.Close()
	if _, err := read(); !errors.Is(err, ErrIndexFormat) {
		t.Fatalf("OpenFile of a longer file = %v; want ErrIndexFormat", err)
	}
}

// writeFile writes ix to a new file in dir and returns its path and bytes.
func writeFile(t *testing.T, ix *Index, dir, name string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// A mapped index reads its blocks as queries need them: a damaged block
// fails what reads it, and from then on the whole index (Err), while what
// reads only good blocks before works.
func TestOpenFileDamage(t *testing.T) {
	evs := simEvents(t, 3_000)
	ix := buildSlice(t, evs)
	dir := t.TempDir()
	path, good := writeFile(t, ix, dir, "index.bin")
	dataOff := binary.LittleEndian.Uint64(good[32:])
	mapped, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The section's file offset, from the spans of a good mapping.
	at := func(sec int, off uint64) int64 { return int64(dataOff + mapped.file.spans[sec][0] + off) }
	damage := func(t *testing.T, off int64) *Index {
		t.Helper()
		b := slices.Clone(good)
		b[off] ^= 0x20
		p := filepath.Join(t.TempDir(), "damaged.bin")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := OpenFile(p)
		if err != nil {
			t.Fatalf("OpenFile: %v; the damage is in the data, read later", err)
		}
		return got
	}
	sameIndex(t, ix, mapped, evs, testSeed(t), 5)
	if err := mapped.Verify(); err != nil {
		t.Fatal(err)
	}

	t.Run("rest", func(t *testing.T) {
		// The last row's group: the rows far from it still read.
		last := ix.n - 1
		g := ix.groupOf(last)
		got := damage(t, at(secRest, (ix.restStart[g]+ix.restStart[g+1])/2))
		res, err := got.Query(audit.Filter{}, audit.Sort{Field: audit.SortTimestamp}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if evs, err := res.Rows(0, 10); err != nil || len(evs) != 10 {
			t.Fatalf("the first rows, in good blocks: %d, %v", len(evs), err)
		}
		if _, err := res.Rows(last, 1); !errors.Is(err, ErrIndexDamaged) {
			t.Fatalf("the damaged row: %v; want ErrIndexDamaged", err)
		}
		if got.Err() == nil || res.Err() == nil {
			t.Fatal("Err is nil after a damaged block was read")
		}
		if _, err := got.Query(audit.Filter{}, audit.DefaultSort, Options{}); !errors.Is(err, ErrIndexFormat) {
			t.Fatalf("a query after: %v; want ErrIndexFormat", err)
		}
	})
	t.Run("text", func(t *testing.T) {
		got := damage(t, at(secText, uint64(len(ix.text))/2))
		if _, err := got.Query(audit.Filter{Status: audit.StatusFailed}, audit.DefaultSort, Options{}); err != nil {
			t.Fatalf("a query that does not search: %v", err)
		}
		if _, err := got.Query(audit.Filter{Search: "zzzz"}, audit.DefaultSort, Options{}); !errors.Is(err, ErrIndexDamaged) {
			t.Fatalf("a search: %v; want ErrIndexDamaged", err)
		}
	})
	for _, sec := range []int{secTS, secStatus, secRestStart, secTextMid, secExcRow, secExcMid} {
		t.Run(fmt.Sprint("section ", sec), func(t *testing.T) {
			got := damage(t, at(sec, uint64(len(ix.sections()[sec]))/2))
			_, qerr := got.Query(audit.Filter{Search: "e"}, audit.DefaultSort, Options{})
			var rerr error
			if qerr == nil {
				res, _ := got.Query(audit.Filter{}, audit.DefaultSort, Options{})
				_, rerr = res.Rows(0, 5)
			}
			if !errors.Is(qerr, ErrIndexDamaged) && !errors.Is(rerr, ErrIndexDamaged) {
				t.Fatalf("query %v, rows %v; want ErrIndexDamaged", qerr, rerr)
			}
			if err := got.Verify(); !errors.Is(err, ErrIndexDamaged) {
				t.Fatalf("Verify = %v", err)
			}
		})
	}
	t.Run("source IPs", func(t *testing.T) {
		// Read when a search finds an IP, a sort is by them, or a row is read.
		mid := uint64(len(ix.ip)) / 2
		got := damage(t, at(secIP, 4*mid))
		for _, q := range []struct {
			f audit.Filter
			s audit.Sort
		}{{audit.Filter{Search: "."}, audit.DefaultSort}, {audit.Filter{}, audit.Sort{Field: audit.SortSourceIP}}} {
			if _, err := got.Query(q.f, q.s, Options{}); !errors.Is(err, ErrIndexDamaged) {
				t.Fatalf("query %+v %v: %v; want ErrIndexDamaged", q.f, q.s, err)
			}
		}
		got = damage(t, at(secIP, 4*mid))
		res, err := got.Query(audit.Filter{}, audit.Sort{Field: audit.SortTimestamp}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := res.Rows(int(mid), 1); !errors.Is(err, ErrIndexDamaged) {
			t.Fatalf("the row of the damaged block: %v; want ErrIndexDamaged", err)
		}
	})
	t.Run("append", func(t *testing.T) {
		got := damage(t, at(secRest, uint64(len(ix.rest))/3))
		if _, err := got.Append(simEvents(t, 10)); !errors.Is(err, ErrIndexDamaged) {
			t.Fatalf("Append = %v; want ErrIndexDamaged", err)
		}
	})

	// The file replaced (as a save renames a new one over it) or removed:
	// the mapping keeps the old one.
	other, _ := writeFile(t, buildSlice(t, evs[:10]), dir, "new.bin")
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	sameIndex(t, ix, mapped, evs, testSeed(t)+1, 3)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	sameIndex(t, ix, mapped, evs, testSeed(t)+2, 3)
}

// reseal recomputes the header's checksum, so that a test reaches the
// checks behind it.
func reseal(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[124:], crc32.Checksum(b[:124], castagnoli))
	return b
}

func TestReadIndexRejects(t *testing.T) {
	ix := buildSlice(t, append(slices.Clone(simEvents(t, 500)), handEvents()...))
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	le := binary.LittleEndian
	dataOff := int(le.Uint64(good[32:]))
	mustReject := func(what string, b []byte) {
		t.Helper()
		got, err := ReadIndex(bytes.NewReader(b))
		if !errors.Is(err, ErrIndexFormat) || got != nil {
			t.Fatalf("%s: ReadIndex = %v, %v; want ErrIndexFormat", what, got, err)
		}
	}
	mustReject("nothing", nil)
	mustReject("short header", good[:10])
	mustReject("text", []byte("this is not an index at all, not even close to one, not in sixty-four bytes"))

	patch := func(off int, f func(b []byte)) []byte {
		b := slices.Clone(good)
		f(b[off:])
		return b
	}
	add64 := func(off int, d uint64) []byte {
		return reseal(patch(off, func(b []byte) { le.PutUint64(b, le.Uint64(b)+d) }))
	}
	metaOff, metaLen := int(le.Uint64(good[48:])), int(le.Uint64(good[64:]))
	mustReject("magic", patch(0, func(b []byte) { b[0] ^= 1 }))
	mustReject("header checksum", patch(20, func(b []byte) { b[0] ^= 1 }))
	mustReject("version 1", reseal(patch(8, func(b []byte) { le.PutUint32(b, 1) })))
	mustReject("version 5", reseal(patch(8, func(b []byte) { le.PutUint32(b, indexVersion+1) })))
	mustReject("block size", reseal(patch(12, func(b []byte) { le.PutUint32(b, 16) })))
	mustReject("flags", reseal(patch(80, func(b []byte) { b[0] = 1 })))
	mustReject("an odd seq in the first slot", add64(16, 1))
	mustReject("one more event", add64(24, 1))
	mustReject("one event less", add64(24, ^uint64(0)))
	mustReject("data offset", add64(32, dataAlign))
	mustReject("data length", add64(40, 1))
	mustReject("huge data", reseal(patch(40, func(b []byte) { le.PutUint64(b, 1<<62) })))
	mustReject("meta offset", add64(48, dataAlign))
	mustReject("meta capacity", add64(56, dataAlign))
	mustReject("meta length +1", add64(64, 1))
	mustReject("meta length -1", add64(64, ^uint64(0)))
	mustReject("meta checksum", patch(metaOff+3, func(b []byte) { b[0] ^= 0x80 }))
	mustReject("trailing byte", append(slices.Clone(good), 0))

	// What the file's header names: its slot, its meta and its sections up
	// to their lengths; the rest (the other slots, the sections' room)
	// holds nothing read.
	named := [][2]int{{0, headerLen}, {metaOff, metaOff + metaLen}}
	parsed, err := ReadIndex(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range parsed.file.spans {
		named = append(named, [2]int{dataOff + int(sp[0]), dataOff + int(sp[1])})
	}
	r := rand.New(rand.NewPCG(testSeed(t), 9))
	flipped := 0
	for flipped < 300 {
		k := r.IntN(len(good))
		mustReject("truncated", good[:k])
		// A bit flipped anywhere named is refused when the file is read,
		// or by the first read of its block; one elsewhere changes nothing.
		off, bit := r.IntN(len(good)), byte(1)<<r.IntN(8)
		inNamed := false
		for _, sp := range named {
			inNamed = inNamed || off >= sp[0] && off < sp[1]
		}
		got, err := ReadIndex(bytes.NewReader(patch(off, func(b []byte) { b[0] ^= bit })))
		if !inNamed {
			if err != nil || got.Verify() != nil || got.Len() != ix.Len() {
				t.Fatalf("bit flip at %d, outside what the header names: %v", off, err)
			}
			continue
		}
		flipped++
		if err == nil {
			if off < dataOff {
				t.Fatalf("bit flip at %d, in the header: read", off)
			}
			err = got.Verify()
		}
		if !errors.Is(err, ErrIndexFormat) {
			t.Fatalf("bit flip at %d of %d: %v; want ErrIndexFormat", off, len(good), err)
		}
	}

	// A failing reader is its own error, not a format error.
	boom := errors.New("disk on fire")
	if _, err := ReadIndex(iotest.ErrReader(boom)); !errors.Is(err, boom) || errors.Is(err, ErrIndexFormat) {
		t.Fatalf("ReadIndex(failing reader) = %v", err)
	}
	// A failing writer too.
	if _, err := ix.WriteTo(failWriter{after: 100, err: boom}); !errors.Is(err, boom) {
		t.Fatalf("WriteTo(failing writer) = %v", err)
	}
}

type failWriter struct {
	after int
	err   error
}

func (w failWriter) Write(p []byte) (int, error) {
	if len(p) > w.after {
		return w.after, w.err
	}
	return len(p), nil
}

func BenchmarkReadIndex(b *testing.B) {
	ix, _ := benchIndex(b)
	path := filepath.Join(b.TempDir(), "index.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	size, err := ix.WriteTo(f)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	write := time.Since(start)
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		got, err := ReadIndex(f)
		_ = f.Close()
		if err != nil || got.Len() != ix.Len() {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms")
	b.ReportMetric(float64(size)/float64(ix.Len()), "bytes/event")
	b.ReportMetric(float64(size)/(1<<20), "MiB")
	b.ReportMetric(float64(write.Microseconds())/1000, "ms/write")
}

// A few rows far apart in a mapped index are read from the file, not the
// mapping, and come out the same; a damaged block under one fails them.
func TestScatteredRowsAreReadApart(t *testing.T) {
	// 4,000 events make 63 groups, 260 KB: a few of them are far apart at
	// a gap of 4 KiB.
	defer func(v uint64) { scatterGap = v }(scatterGap)
	scatterGap = 4 << 10
	evs := simEvents(t, 4_000)
	ix := buildSlice(t, evs)
	dir := t.TempDir()
	path, good := writeFile(t, ix, dir, "index.bin")
	mapped, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A user's failures: a few rows across the whole file.
	var f audit.Filter
	for i := range ix.n {
		if ix.statusD.vals[ix.status[i]] == string(audit.StatusFailed) {
			f = audit.Filter{Users: []string{ix.userD.vals[ix.user[i]]}, Status: audit.StatusFailed}
			break
		}
	}
	want, err := ix.Query(f, audit.DefaultSort, Options{})
	if err != nil || want.Total < 2 || want.Total*16 >= ix.n {
		t.Fatalf("the filter: %d rows, %v; want a few", want.Total, err)
	}
	got, err := mapped.Query(f, audit.DefaultSort, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := rowsReadApart.Load()
	if err := got.Ready(0, got.Total); err != nil {
		t.Fatal(err)
	}
	a, b := mustRows(t, want, 0, want.Total), mustRows(t, got, 0, got.Total)
	if rowsReadApart.Load()-before == 0 {
		t.Fatal("no group read apart")
	}
	for i := range a {
		if !sameEvent(a[i], b[i]) {
			t.Fatalf("row %d read apart: %+v, want %+v", i, b[i], a[i])
		}
	}
	// The whole view in time order goes through the mapping.
	all, _ := mapped.Query(audit.Filter{}, audit.DefaultSort, Options{})
	before = rowsReadApart.Load()
	mustRows(t, all, 0, 500)
	if n := rowsReadApart.Load() - before; n != 0 {
		t.Fatalf("%d rows of a view in time order read apart", n)
	}

	// One of the rows damaged on disk.
	row := int(want.rows[want.Total/2])
	g := ix.groupOf(row)
	at := binary.LittleEndian.Uint64(good[32:]) + mapped.file.spans[secRest][0] + (ix.restStart[g]+ix.restStart[g+1])/2
	damaged := slices.Clone(good)
	damaged[at] ^= 0x04
	p := filepath.Join(dir, "damaged.bin")
	if err := os.WriteFile(p, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	dm, err := OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := dm.Query(f, audit.DefaultSort, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Ready(0, res.Total); !errors.Is(err, ErrIndexDamaged) {
		t.Fatalf("Ready over a damaged row read apart: %v", err)
	}
	if _, err := res.Rows(0, res.Total); !errors.Is(err, ErrIndexDamaged) {
		t.Fatalf("Rows over a damaged row read apart: %v", err)
	}
}
