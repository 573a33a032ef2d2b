package query

import (
	"bytes"
	"encoding/binary"
	"errors"
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
	a, b := rg.Rows(0, rg.Total), rw.Rows(0, rw.Total)
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
		defer func() { _ = f.Close() }()
		return ReadIndex(f)
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
		t.Fatalf("ReadIndex of a longer file = %v; want ErrIndexFormat", err)
	}
}

func TestReadIndexRejects(t *testing.T) {
	ix := buildSlice(t, append(slices.Clone(simEvents(t, 500)), handEvents()...))
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	mustReject := func(what string, b []byte) {
		t.Helper()
		got, err := ReadIndex(bytes.NewReader(b))
		if !errors.Is(err, ErrIndexFormat) || got != nil {
			t.Fatalf("%s: ReadIndex = %v, %v; want ErrIndexFormat", what, got, err)
		}
	}
	mustReject("nothing", nil)
	mustReject("short header", good[:10])
	mustReject("text", []byte("this is not an index at all, not even close to one"))

	patch := func(off int, f func(b []byte)) []byte {
		b := slices.Clone(good)
		f(b[off:])
		return b
	}
	mustReject("magic", patch(0, func(b []byte) { b[0] ^= 1 }))
	mustReject("version 2", patch(8, func(b []byte) { binary.LittleEndian.PutUint32(b, indexVersion+1) }))
	mustReject("version 0", patch(8, func(b []byte) { binary.LittleEndian.PutUint32(b, 0) }))
	mustReject("flags", patch(12, func(b []byte) { b[0] = 1 }))
	mustReject("payload length +1", patch(16, func(b []byte) { binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)+1) }))
	mustReject("payload length -1", patch(16, func(b []byte) { binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)-1) }))
	mustReject("huge payload", patch(16, func(b []byte) { binary.LittleEndian.PutUint64(b, 1<<62) }))
	mustReject("checksum", patch(len(good)-4, func(b []byte) { b[0] ^= 0x80 }))
	// A checksum computed over other bytes: the structure checks still hold.
	mustReject("trailing byte", append(slices.Clone(good[:len(good)-4]), 0, 0, 0, 0, 0))

	r := rand.New(rand.NewPCG(testSeed(t), 9))
	for range 300 {
		k := r.IntN(len(good))
		mustReject("truncated", good[:k])
		off, bit := r.IntN(len(good)), byte(1)<<r.IntN(8)
		mustReject("bit flip", patch(off, func(b []byte) { b[0] ^= bit }))
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
