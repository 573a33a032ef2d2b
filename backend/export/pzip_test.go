package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// What pzip writes reads back byte for byte with archive/zip (which checks
// each entry's CRC-32 and sizes), whatever the sizes: empty, under a
// chunk, a chunk exactly, many chunks and a part; text and noise.
func TestPzipReadsBack(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	text := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>evt_%08x</t></is></c></row>`, b.Len(), b.Len(), r.Uint32())
		}
		return b.Bytes()[:n]
	}
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	entries := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"small", text(100)},
		{"chunk", text(pzipChunk)},
		{"chunks", text(5*pzipChunk + 12345)},
		{"noise", noise(2*pzipChunk + 7)},
		{"after", text(3000)},
	}
	var file bytes.Buffer
	z := newPzip(&file, nil)
	for _, e := range entries {
		w, err := z.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		// In pieces of odd sizes, as io.Copy and excelize write.
		for p := e.data; len(p) > 0; {
			k := min(len(p), 1+r.IntN(100_000))
			if _, err := w.Write(p[:k]); err != nil {
				t.Fatal(err)
			}
			p = p[k:]
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(file.Bytes()), int64(file.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(entries) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(entries))
	}
	for i, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc) // the CRC-32 is checked at the end
		_ = rc.Close()
		if err != nil || f.Name != entries[i].name || !bytes.Equal(got, entries[i].data) {
			t.Fatalf("entry %d %q: %d bytes, %v; want %q of %d bytes", i, f.Name, len(got), err, entries[i].name, len(entries[i].data))
		}
		if f.Method != zip.Deflate || f.UncompressedSize64 != uint64(len(entries[i].data)) {
			t.Errorf("entry %q: method %d, size %d", f.Name, f.Method, f.UncompressedSize64)
		}
	}
	// The text is deflated, not stored.
	if zr.File[3].CompressedSize64*3 > zr.File[3].UncompressedSize64 {
		t.Errorf("5 MiB of XML deflated to %d bytes", zr.File[3].CompressedSize64)
	}
}

// A failing file stops the entry with its error.
func TestPzipPassesAWriteError(t *testing.T) {
	z := newPzip(failWriter{after: 1000}, nil)
	w, err := z.Create("big")
	if err == nil {
		_, err = w.Write(bytes.Repeat([]byte("abc"), 3*pzipChunk))
	}
	if err == nil {
		err = z.Close()
	}
	if err == nil {
		t.Fatal("a zip to a failing writer: no error")
	}
}

type failWriter struct{ after int }

func (w failWriter) Write(p []byte) (int, error) {
	if len(p) > w.after {
		return w.after, io.ErrShortWrite
	}
	return len(p), nil
}
