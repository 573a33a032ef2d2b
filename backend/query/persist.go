package query

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The persisted form of an Index, so opening a profile reads the index
// instead of rebuilding it from a scan of the cache. All integers are
// little-endian.
//
//	header   magic "ADXQIDX\n" | version u32 | 0 u32 | payload length u64
//	payload  unicode versions of norm and cases (u32 length + bytes each)
//	         n u64 | len(raw) u64 | len(text) u64 | len(dicts) u64 | dicts
//	         ts n x i64 | scope, category, action, status, user, workspace
//	         n x u32 each | rawStart (n+1) x u64 | rawEnd n x 4 x u32 |
//	         textStart (n+1) x u64 | textMid n x u32 | raw | text
//	trailer  CRC-32C (Castagnoli) of header and payload, u32
//
// dicts lists each dictionary's values (scope, category, action, status,
// user: uvarint count, then uvarint length + bytes each; workspace: the
// refs, id and name, placeholder 0 included). What is cheap to derive is
// not stored but recomputed on load: the folded dictionary values, the
// ranks, the counts, the lookups, the byte frequencies. The text arena is
// stored folded, so a file folded under another Unicode version is refused.

// ErrIndexFormat is wrapped by ReadIndex's errors when the bytes are not an
// index it can read: another magic or format version, a checksum that does
// not match, truncated or inconsistent data. The caller rebuilds the index
// from the cache then.
var ErrIndexFormat = errors.New("query: not a readable index file")

const (
	indexMagic   = "ADXQIDX\n"
	indexVersion = 1
	headerLen    = len(indexMagic) + 4 + 4 + 8
	ioChunk      = 1 << 20 // bytes encoded or decoded per write or read
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// foldVersions names what the folded text depends on.
func foldVersions() [2]string { return [2]string{norm.Version, cases.UnicodeVersion} }

// WriteTo writes the index in its persisted form (see ReadIndex) and
// returns the bytes written. It may run while the index is queried.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	dicts := ix.appendDicts(nil)
	fv := foldVersions()
	n := ix.n
	payload := int64(4+len(fv[0])+4+len(fv[1])) + 4*8 + int64(len(dicts)) +
		int64(n)*8 + 6*int64(n)*4 + int64(n+1)*8 + int64(n)*16 + int64(n+1)*8 + int64(n)*4 +
		int64(len(ix.raw)) + int64(len(ix.text))

	e := &enc{w: w, h: crc32.New(castagnoli), buf: make([]byte, 0, ioChunk+64)}
	e.buf = append(e.buf, indexMagic...)
	e.u32(indexVersion)
	e.u32(0)
	e.u64(uint64(payload))
	for _, v := range fv {
		e.u32(uint32(len(v)))
		e.bytes([]byte(v))
	}
	e.u64(uint64(n))
	e.u64(uint64(len(ix.raw)))
	e.u64(uint64(len(ix.text)))
	e.u64(uint64(len(dicts)))
	e.bytes(dicts)
	e.i64s(ix.ts)
	for _, col := range [][]uint32{ix.scope, ix.cat, ix.act, ix.status, ix.user, ix.ws} {
		e.u32s(col)
	}
	e.u64s(ix.rawStart)
	e.quads(ix.rawEnd)
	e.u64s(ix.textStart)
	e.u32s(ix.textMid)
	e.bytes(ix.raw)
	e.bytes(ix.text)
	e.flush()
	if e.err == nil {
		sum := binary.LittleEndian.AppendUint32(nil, e.h.Sum32())
		e.write(sum)
	}
	if e.err == nil && e.n != int64(headerLen)+payload+4 {
		e.err = fmt.Errorf("wrote %d bytes, expected %d", e.n, int64(headerLen)+payload+4)
	}
	if e.err != nil {
		return e.n, fmt.Errorf("query: write index: %w", e.err)
	}
	return e.n, nil
}

// enc writes through a buffer of ioChunk bytes, hashing what it writes.
type enc struct {
	w   io.Writer
	h   hash.Hash32
	buf []byte
	n   int64
	err error
}

func (e *enc) write(p []byte) {
	if e.err != nil || len(p) == 0 {
		return
	}
	k, err := e.w.Write(p)
	e.n += int64(k)
	if err == nil && k < len(p) {
		err = io.ErrShortWrite
	}
	e.err = err
	_, _ = e.h.Write(p[:k])
}

func (e *enc) flush() {
	e.write(e.buf)
	e.buf = e.buf[:0]
}

func (e *enc) u32(v uint32) { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *enc) u64(v uint64) { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }

// bytes writes p; a large p goes straight to w, not through the buffer.
func (e *enc) bytes(p []byte) {
	if len(e.buf)+len(p) <= ioChunk {
		e.buf = append(e.buf, p...)
		return
	}
	e.flush()
	e.write(p)
}

func (e *enc) u32s(s []uint32) {
	for len(s) > 0 {
		k := min(len(s), ioChunk/4)
		for _, v := range s[:k] {
			e.buf = binary.LittleEndian.AppendUint32(e.buf, v)
		}
		e.flush()
		s = s[k:]
	}
}

func (e *enc) u64s(s []uint64) {
	for len(s) > 0 {
		k := min(len(s), ioChunk/8)
		for _, v := range s[:k] {
			e.buf = binary.LittleEndian.AppendUint64(e.buf, v)
		}
		e.flush()
		s = s[k:]
	}
}

func (e *enc) i64s(s []int64) {
	for len(s) > 0 {
		k := min(len(s), ioChunk/8)
		for _, v := range s[:k] {
			e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(v))
		}
		e.flush()
		s = s[k:]
	}
}

func (e *enc) quads(s [][4]uint32) {
	for len(s) > 0 {
		k := min(len(s), ioChunk/16)
		for _, q := range s[:k] {
			e.buf = binary.LittleEndian.AppendUint32(e.buf, q[0])
			e.buf = binary.LittleEndian.AppendUint32(e.buf, q[1])
			e.buf = binary.LittleEndian.AppendUint32(e.buf, q[2])
			e.buf = binary.LittleEndian.AppendUint32(e.buf, q[3])
		}
		e.flush()
		s = s[k:]
	}
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendDicts appends the dictionaries' values.
func (ix *Index) appendDicts(b []byte) []byte {
	for _, d := range ix.dicts() {
		b = binary.AppendUvarint(b, uint64(len(d.vals)))
		for _, v := range d.vals {
			b = appendStr(b, v)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(ix.wsD.refs)))
	for _, r := range ix.wsD.refs {
		b = appendStr(appendStr(b, r.ID), r.Name)
	}
	return b
}

// dicts are the string dictionaries in file order.
func (ix *Index) dicts() [5]*dict {
	return [5]*dict{ix.scopeD, ix.catD, ix.actD, ix.statusD, ix.userD}
}

// ReadIndex reads an index WriteTo wrote. Bytes it cannot read (another
// magic or version, a bad checksum, truncated or inconsistent data) give an
// error wrapping ErrIndexFormat; a failing r gives r's error.
func ReadIndex(r io.Reader) (*Index, error) {
	ix, err := readIndex(r)
	if err != nil {
		return nil, fmt.Errorf("query: read index: %w", err)
	}
	return ix, nil
}

// formatErr is an ErrIndexFormat with what was wrong.
func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrIndexFormat, fmt.Sprintf(format, args...))
}

func readIndex(r io.Reader) (*Index, error) {
	d := &dec{r: r, h: crc32.New(castagnoli), left: int64(headerLen), buf: make([]byte, ioChunk)}
	hdr := d.take(headerLen)
	if d.err != nil {
		return nil, d.err
	}
	if string(hdr[:len(indexMagic)]) != indexMagic {
		return nil, formatErr("not an index file")
	}
	hdr = hdr[len(indexMagic):]
	if v := binary.LittleEndian.Uint32(hdr); v != indexVersion {
		return nil, formatErr("format version %d, want %d", v, indexVersion)
	}
	if binary.LittleEndian.Uint32(hdr[4:]) != 0 {
		return nil, formatErr("unknown flags")
	}
	payload := binary.LittleEndian.Uint64(hdr[8:])
	if payload > 1<<50 {
		return nil, formatErr("payload of %d bytes", payload)
	}
	d.left = int64(payload)
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		// A file: its size must be what the header says, from the start.
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			if fi.Size() != int64(headerLen)+int64(payload)+4 {
				return nil, formatErr("file of %d bytes, header says %d", fi.Size(), int64(headerLen)+int64(payload)+4)
			}
		}
	}

	for _, want := range foldVersions() {
		k := d.u32()
		if got := d.take(int(min(k, 64))); d.err == nil && (k > 64 || string(got) != want) {
			return nil, formatErr("text folded under Unicode %q, this build folds under %q", got, want)
		}
	}
	n64, rawLen, textLen, dictLen := d.u64(), d.u64(), d.u64(), d.u64()
	if d.err != nil {
		return nil, d.err
	}
	if n64 > 1<<32-1 || n64 > uint64(d.left)/68 || rawLen > uint64(d.left) || textLen > uint64(d.left) || dictLen > uint64(d.left) {
		return nil, formatErr("sizes out of range")
	}
	n := int(n64)
	dictBytes := d.arena(int(dictLen))
	ix := &Index{n: n}
	ix.ts = d.i64s(n)
	cols := [6]*[]uint32{&ix.scope, &ix.cat, &ix.act, &ix.status, &ix.user, &ix.ws}
	for _, c := range cols {
		*c = d.u32s(n)
	}
	ix.rawStart = d.u64s(n + 1)
	ix.rawEnd = d.quads(n)
	ix.textStart = d.u64s(n + 1)
	ix.textMid = d.u32s(n)
	ix.raw = d.arena(int(rawLen))
	ix.text = d.arena(int(textLen))
	if d.err != nil {
		return nil, d.err
	}
	if d.left != 0 {
		return nil, formatErr("%d bytes of payload left over", d.left)
	}
	sum := d.h.Sum32()
	d.left = 4
	if tail := d.take(4); d.err != nil {
		return nil, d.err
	} else if binary.LittleEndian.Uint32(tail) != sum {
		return nil, formatErr("checksum mismatch")
	}

	if err := ix.loadDicts(dictBytes); err != nil {
		return nil, err
	}
	if err := ix.check(); err != nil {
		return nil, err
	}
	ix.freq = byteFreq(ix.text)
	for _, c := range ix.freq {
		ix.freqN += int(c)
	}
	return ix, nil
}

// dec reads and hashes; left is what the current section may still read.
type dec struct {
	r    io.Reader
	h    hash.Hash32
	left int64
	buf  []byte
	err  error
}

// fill reads exactly len(p) bytes into p.
func (d *dec) fill(p []byte) {
	if d.err != nil {
		return
	}
	if int64(len(p)) > d.left {
		d.err = formatErr("truncated")
		return
	}
	if _, err := io.ReadFull(d.r, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = formatErr("truncated")
		}
		d.err = err
		return
	}
	d.left -= int64(len(p))
	_, _ = d.h.Write(p)
}

// take reads k <= ioChunk bytes into the scratch buffer.
func (d *dec) take(k int) []byte {
	p := d.buf[:k]
	d.fill(p)
	if d.err != nil {
		clear(p)
	}
	return p
}

func (d *dec) u32() uint32 { return binary.LittleEndian.Uint32(d.take(4)) }
func (d *dec) u64() uint64 { return binary.LittleEndian.Uint64(d.take(8)) }

// capFor bounds an allocation of k items of size bytes by what is left to
// read, so a corrupt count cannot allocate more than the data holds.
func (d *dec) capFor(k, size int) int {
	if d.err != nil {
		return 0
	}
	if int64(k)*int64(size) > d.left {
		d.err = formatErr("truncated")
		return 0
	}
	return k
}

// chunks reads k items of size bytes, calling fn with at most ioChunk bytes
// of whole items at a time.
func (d *dec) chunks(k, size int, fn func(b []byte)) {
	per := ioChunk / size
	for k > 0 && d.err == nil {
		m := min(k, per)
		b := d.take(m * size)
		if d.err != nil {
			return
		}
		fn(b)
		k -= m
	}
}

func (d *dec) u32s(k int) []uint32 {
	out := make([]uint32, 0, d.capFor(k, 4))
	d.chunks(cap(out), 4, func(b []byte) {
		for i := 0; i+4 <= len(b); i += 4 {
			out = append(out, binary.LittleEndian.Uint32(b[i:]))
		}
	})
	return out
}

func (d *dec) u64s(k int) []uint64 {
	out := make([]uint64, 0, d.capFor(k, 8))
	d.chunks(cap(out), 8, func(b []byte) {
		for i := 0; i+8 <= len(b); i += 8 {
			out = append(out, binary.LittleEndian.Uint64(b[i:]))
		}
	})
	return out
}

func (d *dec) i64s(k int) []int64 {
	out := make([]int64, 0, d.capFor(k, 8))
	d.chunks(cap(out), 8, func(b []byte) {
		for i := 0; i+8 <= len(b); i += 8 {
			out = append(out, int64(binary.LittleEndian.Uint64(b[i:])))
		}
	})
	return out
}

func (d *dec) quads(k int) [][4]uint32 {
	out := make([][4]uint32, 0, d.capFor(k, 16))
	d.chunks(cap(out), 16, func(b []byte) {
		for i := 0; i+16 <= len(b); i += 16 {
			out = append(out, [4]uint32{
				binary.LittleEndian.Uint32(b[i:]), binary.LittleEndian.Uint32(b[i+4:]),
				binary.LittleEndian.Uint32(b[i+8:]), binary.LittleEndian.Uint32(b[i+12:]),
			})
		}
	})
	return out
}

// arena reads k bytes into a new slice.
func (d *dec) arena(k int) []byte {
	out := make([]byte, d.capFor(k, 1))
	d.fill(out)
	return out
}

// strReader reads the dictionary section.
type strReader struct {
	b   []byte
	bad bool
}

func (s *strReader) uvarint() uint64 {
	v, k := binary.Uvarint(s.b)
	if k <= 0 {
		s.bad = true
		return 0
	}
	s.b = s.b[k:]
	return v
}

func (s *strReader) str() string {
	k := s.uvarint()
	if s.bad || k > uint64(len(s.b)) {
		s.bad = true
		return ""
	}
	v := string(s.b[:k])
	s.b = s.b[k:]
	return v
}

// count reads a count of items that take at least min bytes each.
func (s *strReader) count(minBytes int) int {
	k := s.uvarint()
	if k > uint64(len(s.b)/minBytes) {
		s.bad = true
		return 0
	}
	return int(k)
}

// loadDicts reads the dictionaries and derives their folded values, ranks,
// lookups and counts.
func (ix *Index) loadDicts(b []byte) error {
	s := &strReader{b: b}
	ix.scopeD, ix.catD, ix.actD, ix.statusD, ix.userD = newDict(), newDict(), newDict(), newDict(), newDict()
	for _, d := range ix.dicts() {
		k := s.count(1)
		d.vals = make([]string, 0, k)
		for range k {
			v := s.str()
			if _, dup := d.lookup[v]; dup || s.bad {
				return formatErr("bad dictionary")
			}
			d.lookup[v] = uint32(len(d.vals))
			d.vals = append(d.vals, v)
		}
		d.count = make([]int, len(d.vals))
	}
	ix.wsD = &wsDict{lookup: make(map[audit.Ref]uint32)}
	k := s.count(2)
	if k == 0 {
		return formatErr("bad workspace dictionary")
	}
	ix.wsD.refs = make([]audit.Ref, 0, k)
	for c := range k {
		r := audit.Ref{ID: s.str()}
		r.Name = s.str()
		if _, dup := ix.wsD.lookup[r]; dup || s.bad {
			return formatErr("bad workspace dictionary")
		}
		if c > 0 {
			ix.wsD.lookup[r] = uint32(c)
		}
		ix.wsD.refs = append(ix.wsD.refs, r)
	}
	ix.wsD.count = make([]int, len(ix.wsD.refs))
	if s.bad || len(s.b) != 0 {
		return formatErr("bad dictionaries")
	}
	fo := newFolder()
	ix.scopeD.finish(&fo, true)
	ix.catD.finish(&fo, true)
	ix.actD.finish(&fo, true)
	ix.userD.finish(&fo, true)
	ix.statusD.finish(&fo, false)
	ix.wsD.finish()
	return nil
}

// check verifies what queries rely on (time order, codes inside their
// dictionaries, offsets inside the arenas) and counts the codes.
func (ix *Index) check() error {
	n := ix.n
	for i := 1; i < n; i++ {
		if ix.ts[i] < ix.ts[i-1] {
			return formatErr("rows out of time order at %d", i)
		}
	}
	ds := ix.dicts()
	cols := [5][]uint32{ix.scope, ix.cat, ix.act, ix.status, ix.user}
	for k, col := range cols {
		count, m := ds[k].count, uint32(len(ds[k].vals))
		for _, c := range col {
			if c >= m {
				return formatErr("code %d outside its dictionary of %d", c, m)
			}
			count[c]++
		}
	}
	m := uint32(len(ix.wsD.refs))
	for _, c := range ix.ws {
		if c >= m {
			return formatErr("workspace code %d outside its dictionary of %d", c, m)
		}
		ix.wsD.count[c]++
	}
	if ix.rawStart[0] != 0 || ix.rawStart[n] != uint64(len(ix.raw)) || ix.textStart[0] != 0 || ix.textStart[n] != uint64(len(ix.text)) {
		return formatErr("arena bounds")
	}
	for i := range n {
		rl, tl := ix.rawStart[i+1]-ix.rawStart[i], ix.textStart[i+1]-ix.textStart[i]
		e := ix.rawEnd[i]
		if ix.rawStart[i+1] < ix.rawStart[i] || ix.textStart[i+1] < ix.textStart[i] ||
			e[0] > e[1] || e[1] > e[2] || e[2] > e[3] || uint64(e[3]) > rl || uint64(ix.textMid[i]) > tl {
			return formatErr("row %d's offsets", i)
		}
	}
	return nil
}
