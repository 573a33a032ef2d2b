package textio

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// BenchmarkRecords reads 100,000 of the console's eight-column lines
// (about 10 MB, a tenth with a quoted description), from text and from
// the bytes through Decode, and reports rows/s.
func BenchmarkRecords(b *testing.B) {
	const rows = 100_000
	data, err := io.ReadAll(&consoleLines{left: rows})
	if err != nil {
		b.Fatal(err)
	}
	for _, bench := range []struct {
		name string
		open func() (io.Reader, error)
	}{
		{"text", func() (io.Reader, error) { return bytes.NewReader(data), nil }},
		{"decoded", func() (io.Reader, error) {
			r, _, err := Decode(bytes.NewReader(data), Auto)
			return r, err
		}},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := bench.open()
				if err != nil {
					b.Fatal(err)
				}
				rs, err := NewRecords(r, 0)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					f, _, err := rs.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil || len(f) != 8 {
						b.Fatalf("record %d: %d fields, %v", n, len(f), err)
					}
					n++
				}
				if n != rows+1 {
					b.Fatalf("%d records", n)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
