package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"runtime"
	"sync"
)

// pzip is the zip writer of an XLSX: each entry is deflated on every core,
// and an events sheet's rows, made and deflated while they were read
// (xlsx.go), are put into the sheet's XML as excelize writes it.
//
// An entry's data is cut into chunks of pzipChunk bytes, each deflated
// apart (BestSpeed, ended by a sync flush, the last by the final block):
// their concatenation is one valid deflate stream, as pigz makes them.
// The entry is written raw, its CRC-32 and sizes in a data descriptor
// after it (and in the central directory), as archive/zip writes a
// streamed entry.
type pzip struct {
	zw  *zip.Writer
	cur entry
	// rows are the deflated rows of the entries named, and spliced counts
	// the entries they went into.
	rows    map[string]deflatedRows
	spliced int
}

// entry is the writer of the entry being written.
type entry interface {
	io.Writer
	close() error
}

// deflatedRows are rows of a sheet's XML deflated as a run of chunks that
// each end with a sync flush: a piece of a deflate stream that goes on.
type deflatedRows struct {
	data io.Reader
	raw  int64  // the XML's length
	crc  uint32 // its CRC-32
}

// pzipChunk is the data deflated at once: large enough that a chunk's own
// dictionary costs nothing to speak of (deflate looks back 32 KiB).
const pzipChunk = 1 << 20

// sheetDataEnd ends a sheet's rows in its XML; cell text never holds it
// (its < is escaped).
const sheetDataEnd = "</sheetData>"

// newPzip writes a zip to out; an entry named in rows gets those rows
// before its first </sheetData>.
func newPzip(out io.Writer, rows map[string]deflatedRows) *pzip {
	return &pzip{zw: zip.NewWriter(out), rows: rows}
}

func (p *pzip) Create(name string) (io.Writer, error) {
	if err := p.end(); err != nil {
		return nil, err
	}
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x8} // data descriptor
	w, err := p.zw.CreateRaw(fh)
	if err != nil {
		return nil, err
	}
	e := newPentry(w, fh)
	p.cur = e
	if rows, ok := p.rows[name]; ok {
		p.cur = &splicer{e: e, rows: rows}
		p.spliced++
	}
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

// splicer holds an events sheet's XML as excelize writes it, a few KiB
// without the rows, and at its end writes it with the rows put in.
type splicer struct {
	e    *pentry
	rows deflatedRows
	held bytes.Buffer
}

func (s *splicer) Write(p []byte) (int, error) { return s.held.Write(p) }

func (s *splicer) close() error {
	b := s.held.Bytes()
	at := bytes.Index(b, []byte(sheetDataEnd))
	if at < 0 {
		return errors.New("export: a sheet's XML has no end of its rows")
	}
	_, _ = s.e.Write(b[:at]) // an error is kept for close
	s.e.putDeflated(s.rows)
	_, _ = s.e.Write(b[at:])
	return s.e.close()
}

// pentry deflates one entry: Write fills a chunk, a full chunk goes to a
// goroutine, and the chunks are written in order as they are done, at
// most one per core in flight.
type pentry struct {
	out  io.Writer
	fh   *zip.FileHeader
	crc  uint32
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
	return &pentry{out: out, fh: fh, buf: make([]byte, 0, pzipChunk)}
}

func (e *pentry) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n := len(p)
	e.crc = crc32.Update(e.crc, crc32.IEEETable, p)
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

// putDeflated writes what is held and on its way, then rows as they are.
func (e *pentry) putDeflated(rows deflatedRows) {
	if len(e.buf) > 0 {
		e.send(false)
	}
	for len(e.pending) > 0 {
		e.writeOldest()
	}
	if e.err != nil {
		return
	}
	var k int64
	k, e.err = io.CopyBuffer(e.out, rows.data, make([]byte, pzipChunk))
	e.comp += k
	e.crc = crc32Combine(e.crc, rows.crc, rows.raw)
	e.raw += rows.raw
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
	buffers.put(d.out)
}

// deflaters are deflate writers at BestSpeed to use again: a new one
// allocates about a megabyte.
var deflaters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(nil, flate.BestSpeed) // a valid level never fails
	return fw
}}

// deflateChunk is chunk deflated at BestSpeed, ended by a sync flush (the
// stream goes on) or, for the last, by the final block, in a buffer of
// buffers that the caller gives back once it is written.
func deflateChunk(chunk []byte, last bool) []byte {
	out := bytes.NewBuffer(buffers.get(len(chunk)/3 + 64))
	fw := deflaters.Get().(*flate.Writer)
	fw.Reset(out)
	_, _ = fw.Write(chunk)
	if last {
		_ = fw.Close()
	} else {
		_ = fw.Flush()
	}
	deflaters.Put(fw)
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
	fh.CRC32 = e.crc
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

// crc32Combine is the CRC-32 (IEEE) of a then b, from a's CRC, b's and
// b's length (zlib's crc32_combine): the CRC of rows made apart, put
// after XML hashed as it was written.
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	// odd is the operator that appends one zero bit; squaring it doubles
	// the zeros. crcA is taken through lenB zero bytes, then b's CRC
	// added in.
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the polynomial, reflected
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // a zero byte, then 4, 16, ...
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range mat {
		square[n] = gf2Times(mat, mat[n])
	}
}
