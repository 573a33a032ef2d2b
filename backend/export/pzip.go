package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"runtime"
)

// pzip is the zip writer of an XLSX: each entry is deflated on every core.
// An XLSX of a million rows is half a gigabyte of sheet XML, which excelize
// hands over only once every row is written; deflated on one core that was
// a quarter of the export's time.
//
// An entry's data is cut into chunks of pzipChunk bytes, each deflated
// apart (BestSpeed, ended by a sync flush, the last by the final block):
// their concatenation is one valid deflate stream, as pigz makes them.
// The entry is written raw, its CRC-32 and sizes in a data descriptor
// after it (and in the central directory), as archive/zip writes a
// streamed entry.
type pzip struct {
	zw  *zip.Writer
	cur *pentry
}

// pzipChunk is the data deflated at once: large enough that a chunk's own
// dictionary costs nothing to speak of (deflate looks back 32 KiB).
const pzipChunk = 1 << 20

func newPzip(out io.Writer) *pzip { return &pzip{zw: zip.NewWriter(out)} }

func (p *pzip) Create(name string) (io.Writer, error) {
	if err := p.end(); err != nil {
		return nil, err
	}
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x8} // data descriptor
	w, err := p.zw.CreateRaw(fh)
	if err != nil {
		return nil, err
	}
	p.cur = newPentry(w, fh)
	return p.cur, nil
}

func (p *pzip) AddFS(fsys fs.FS) error {
	if err := p.end(); err != nil {
		return err
	}
	return p.zw.AddFS(fsys)
}

func (p *pzip) Close() error {
	if err := p.end(); err != nil {
		return err
	}
	return p.zw.Close()
}

// end finishes the entry being written.
func (p *pzip) end() error {
	if p.cur == nil {
		return nil
	}
	e := p.cur
	p.cur = nil
	return e.close()
}

// pentry deflates one entry: Write fills a chunk, a full chunk goes to a
// goroutine, and the chunks are written in order as they are done, at
// most one per core in flight.
type pentry struct {
	out  io.Writer
	fh   *zip.FileHeader
	crc  hash.Hash32
	raw  int64
	comp int64

	buf     []byte
	free    [][]byte        // chunk buffers written out, to fill again
	pending []chan deflated // chunks on their way, in order
	err     error
}

// deflated is a chunk's deflated bytes, and its buffer to use again.
type deflated struct{ out, in []byte }

func newPentry(out io.Writer, fh *zip.FileHeader) *pentry {
	return &pentry{out: out, fh: fh, crc: crc32.NewIEEE(), buf: make([]byte, 0, pzipChunk)}
}

func (e *pentry) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n := len(p)
	_, _ = e.crc.Write(p)
	e.raw += int64(n)
	for len(p) > 0 {
		k := min(len(p), pzipChunk-len(e.buf))
		e.buf = append(e.buf, p[:k]...)
		p = p[k:]
		if len(e.buf) == pzipChunk {
			e.send(false)
			if e.err != nil {
				return 0, e.err
			}
		}
	}
	return n, nil
}

// send deflates the chunk held on a new goroutine, first writing out the
// oldest chunks while as many are in flight as there are cores.
func (e *pentry) send(last bool) {
	for len(e.pending) >= runtime.GOMAXPROCS(0) {
		e.writeOldest()
	}
	chunk := e.buf
	if k := len(e.free); k > 0 {
		e.buf, e.free = e.free[k-1][:0], e.free[:k-1]
	} else {
		e.buf = make([]byte, 0, pzipChunk)
	}
	done := make(chan deflated, 1)
	e.pending = append(e.pending, done)
	go func() { done <- deflated{deflateChunk(chunk, last), chunk} }()
}

func (e *pentry) writeOldest() {
	d := <-e.pending[0]
	e.pending = e.pending[1:]
	e.free = append(e.free, d.in)
	if e.err != nil {
		return
	}
	var k int
	k, e.err = e.out.Write(d.out)
	e.comp += int64(k)
}

// deflateChunk is chunk deflated at BestSpeed, ended by a sync flush (the
// stream goes on) or, for the last, by the final block.
func deflateChunk(chunk []byte, last bool) []byte {
	var out bytes.Buffer
	out.Grow(len(chunk)/3 + 64)
	fw, _ := flate.NewWriter(&out, flate.BestSpeed) // a valid level never fails
	_, _ = fw.Write(chunk)
	if last {
		_ = fw.Close()
	} else {
		_ = fw.Flush()
	}
	return out.Bytes()
}

// close deflates what is left, writes every chunk and records the
// entry's CRC-32 and sizes for its data descriptor.
func (e *pentry) close() error {
	if e.err == nil {
		e.send(true)
	}
	for len(e.pending) > 0 {
		e.writeOldest()
	}
	if e.err != nil {
		return e.err
	}
	fh := e.fh
	fh.CRC32 = e.crc.Sum32()
	fh.CompressedSize64, fh.UncompressedSize64 = uint64(e.comp), uint64(e.raw)
	// The central directory reads the 32-bit sizes too; archive/zip sets
	// them so for an entry it deflated itself (fileWriter.close).
	comp, uncomp := uint32(min(fh.CompressedSize64, math.MaxUint32)), uint32(min(fh.UncompressedSize64, math.MaxUint32))
	fh.CompressedSize, fh.UncompressedSize = comp, uncomp //nolint:staticcheck // see above
	if comp == math.MaxUint32 || uncomp == math.MaxUint32 {
		fh.ReaderVersion = 45 // zip64
	}
	return nil
}
