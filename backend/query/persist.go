package query

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"unsafe"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The persisted form of an Index: a file the process maps and queries in
// place (OpenFile), so that opening a profile costs the same at 1,000 and
// at 10,000,000 events. The columns lie in the file as they lie in memory
// (little-endian, aligned), so a mapped file needs no decode pass; every
// 4 KiB block of them has a CRC-32C, checked the first time the block is
// read (verify.go), so a search reads only the columns it needs and a
// damaged file is refused where it is damaged, never trusted.
//
// Each section has room after its end (a quarter of its rows or more, a
// hole in the file that takes no disk until written), and the file two
// header slots and two meta slots, so that a sync's events newer than
// every row are appended in place (AppendInPlace, tail.go): the new bytes
// go after the sections' ends, where no reader of the file reads, the new
// meta into the slot not in use, then the header that names it into the
// other header slot. A process killed at any point leaves the last header
// written whole, and what it names; a reader that mapped the file before
// keeps reading what its header said.
//
//	block 0    two header slots of 128 B, at 0 and at 2048 (zeros between):
//	           magic "ADXQIDX\n" | version u32 | block shift u32 | seq u64 |
//	           n u64 | data offset u64 | data length u64 | meta slots'
//	           offset u64 | a meta slot's capacity u64 | meta length u64 |
//	           CRC-32C of the meta u32 | zeros | CRC-32C of bytes 0-123 u32.
//	           The valid slot with the higher seq is the file's; slot and
//	           meta slot are seq's parity.
//	data       at 4 KiB: the sections, each at a 4 KiB boundary with its
//	           room after it, in the order below
//	meta       two slots of a capacity each, after the data: the Unicode
//	           versions of norm and cases (u32 length + bytes each) |
//	           section table: offset u64, length u64 per section, relative
//	           to the data (a section's room ends where the next begins) |
//	           byte frequencies 256 x u32, sample length u64 |
//	           dictionaries | their counts | one CRC-32C u32 per block of
//	           the data, of the block's bytes up to its section's length
//	           (so that bytes appended after it leave it as it was)
//
//	section       bytes/event  holds
//	ts                      8  UnixNano, ascending
//	scope ... ip        7 x 4  dictionary codes: scope, category, action,
//	                           status, user, workspace, source_ip
//	textStart               8  the row's offset in text (n+1 of them)
//	textMid                 4  end of the target in the row's text; the
//	                           top bit marks a row searched in exc
//	excRow, excMid      2 x 4  per row in exc: its row, the end of its
//	                           folded target
//	excStart                8  per row in exc: its offset there (m+1)
//	restStart, restRow 12 / 64 per group of rows (64 as built): its offset
//	                           in rest, its first row (groups+1 of each)
//	text             variable  target and description, as they came
//	exc              variable  folded target and description of the rows
//	                           whose folding is not ASCII lowering
//	rest             variable  id and details (and an empty source_ip,
//	                           which is in its column), S2-compressed a
//	                           group at a time (rest.go)
//
// What a query reads: every query the first seven (rowCols, 32 B an
// event); the source IPs a search that finds one in their dictionary, a
// sort by them, and reading rows; a search textStart, textMid and the text of its time range, and
// the exc of the rows in it; reading rows their text and their groups of
// rest. At 1M events of 490 B of JSON (half of them Japanese or
// Vietnamese): text 75 B an event, exc 7 B (10% of rows), rest 62 B,
// source IPs 4 B, 194 B an event written; version 2 kept
// every field whole and the folded text beside it, 360 B. Version 5 moved
// source_ip from rest to a column of its own, to be searched.
//
// The meta's fixed part ends with the shortest and longest event ID's
// length (u32 each), so a search term of another length is not looked up
// as an ID. The dictionaries list each one's values (scope, category,
// action, status, user, source_ip: uvarint count, then uvarint length + bytes each; workspace: the
// refs, id and name, placeholder 0 included); the counts, one uvarint per
// code of each in the same order, say how many rows hold it. Ranks, folded
// dictionary values and lookups are derived on first use: they are per
// distinct value, not per event. exc is stored folded, so a file folded
// under another Unicode version is refused.

// ErrIndexFormat is wrapped by the errors of OpenFile and ReadIndex when the
// bytes are not an index they can read (another magic or format version, a
// checksum that does not match, truncated or inconsistent data), and by
// Err when a block read later does not match its checksum. The caller
// rebuilds the index from the cache then.
var ErrIndexFormat = errors.New("query: not a readable index file")

// ErrIndexDamaged is Err's error: a block of the file did not match its
// checksum when it was read. It wraps ErrIndexFormat.
var ErrIndexDamaged = fmt.Errorf("%w: a block does not match its checksum", ErrIndexFormat)

const (
	indexMagic   = "ADXQIDX\n"
	indexVersion = 5
	headerLen    = 128  // a header slot
	headerSlot1  = 2048 // the second slot's offset, in another sector
	blockShift   = 12   // 4 KiB blocks, a page: a row read checks about one
	blockSize    = 1 << blockShift
	dataAlign    = blockSize // the data's and every section's offset
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// The sections, in file order: the fixed-width ones, then the arenas.
const (
	secTS = iota
	secScope
	secCat
	secAct
	secStatus
	secUser
	secWS
	secIP
	secTextStart
	secTextMid
	secExcRow
	secExcMid
	secExcStart
	secRestStart
	secRestRow
	secText
	secExc
	secRest
	nSections
)

// Groups of sections that are read together, checked at once the first
// time: rowCols for every query, textCols to search or read rows, excCols
// to search, restCols to find a row's group of rest. secIP is checked when
// a search finds a source IP, a sort is by it, or rows are read.
var (
	rowCols  = []int{secTS, secScope, secCat, secAct, secStatus, secUser, secWS}
	textCols = []int{secTextStart, secTextMid}
	excCols  = []int{secExcRow, secExcMid, secExcStart}
	restCols = []int{secRestStart, secRestRow}
)

// littleEndian is whether this machine lays integers out as the file does;
// elsewhere indexes are rebuilt, never mapped (no such target is built).
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// foldVersions names what the folded text depends on: the normalization
// form (NFKC; an index folded under NFC, before, is rebuilt) and the
// Unicode versions.
func foldVersions() [2]string { return [2]string{"NFKC " + norm.Version, cases.UnicodeVersion} }

// sections are ix's sections as bytes, in file order.
func (ix *Index) sections() [nSections][]byte {
	return [nSections][]byte{
		asBytes(ix.ts), asBytes(ix.scope), asBytes(ix.cat), asBytes(ix.act), asBytes(ix.status), asBytes(ix.user), asBytes(ix.ws), asBytes(ix.ip),
		asBytes(ix.textStart), asBytes(ix.textMid), asBytes(ix.excRow), asBytes(ix.excMid), asBytes(ix.excStart), asBytes(ix.restStart), asBytes(ix.restRow),
		ix.text, ix.exc, ix.rest,
	}
}

// asBytes is s's memory as bytes; view is the reverse. Both alias.
func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

func view[T any](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) < size {
		return []T{}
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size)
}

func align(n, to uint64) uint64 { return (n + to - 1) / to * to }

// Room: a file written whole gives each section room after it for a
// quarter more rows (roomRows at least), in proportion to its bytes a row
// for the sections that are not one entry a row (roomFloor at least).
const (
	roomRows  = 1024
	roomFloor = 16 << 10
)

// fileLayout is where a file's parts lie.
type fileLayout struct {
	off     [nSections]uint64 // the sections' offsets in the data
	dataLen uint64
	metaCap uint64 // a meta slot's capacity
}

func (l *fileLayout) metaOff() uint64 { return dataAlign + l.dataLen }
func (l *fileLayout) size() uint64    { return l.metaOff() + 2*l.metaCap }

// planFile lays out a file of ix's dictionaries (with their counts) and
// sections of the given lengths, with room after each; the meta's length
// is known then, the block sums aside.
func planFile(ix *Index, lens *[nSections]uint64) (fileLayout, int) {
	more := uint64(max(ix.n/4, roomRows))
	rows := uint64(max(ix.n, 1))
	var l fileLayout
	for k, n := range lens {
		c := n + more*uint64(rowWidth[k])
		switch {
		case k == secTextStart:
			c = n + more*8
		case rowWidth[k] == 0:
			c = n + max(n*more/rows, roomFloor)
		}
		l.off[k] = l.dataLen
		l.dataLen += align(c, blockSize)
	}
	metaLen := len(ix.appendMeta(nil, &l.off, lens, make([]uint32, l.dataLen>>blockShift)))
	l.metaCap = align(uint64(2*metaLen), blockSize)
	return l, metaLen
}

// blockSums is one CRC-32C per block of the data: of the bytes written
// from its start, which end at its section's end (to).
type blockSums struct {
	sums []uint32
	crc  uint32
	fill int
}

func (b *blockSums) write(p []byte) error {
	for len(p) > 0 {
		m := min(len(p), blockSize-b.fill)
		b.crc = crc32.Update(b.crc, castagnoli, p[:m])
		b.fill += m
		p = p[m:]
		if b.fill == blockSize {
			b.sums, b.crc, b.fill = append(b.sums, b.crc), 0, 0
		}
	}
	return nil
}

// to ends a section: its last block's sum, then 0 for each block up to
// block (its room), where the next section starts.
func (b *blockSums) to(block uint64) []uint32 {
	if b.fill > 0 {
		b.sums, b.crc, b.fill = append(b.sums, b.crc), 0, 0
	}
	for uint64(len(b.sums)) < block {
		b.sums = append(b.sums, 0)
	}
	return b.sums
}

// fileHead is a header slot (see the layout above).
type fileHead struct {
	seq, n           uint64
	dataOff, dataLen uint64
	metaOff, metaCap uint64 // the meta slots: at metaOff and metaOff+metaCap
	metaLen          uint64
	metaSum          uint32
}

// at is the header slot's offset in the file, metaAt its meta's.
func (h *fileHead) at() int          { return int(h.seq&1) * headerSlot1 }
func (h *fileHead) metaAt() uint64   { return h.metaOff + (h.seq&1)*h.metaCap }
func (h *fileHead) fileSize() uint64 { return h.metaOff + 2*h.metaCap }

func (h *fileHead) encode() []byte {
	le := binary.LittleEndian
	b := make([]byte, headerLen)
	copy(b, indexMagic)
	le.PutUint32(b[8:], indexVersion)
	le.PutUint32(b[12:], blockShift)
	for i, v := range []uint64{h.seq, h.n, h.dataOff, h.dataLen, h.metaOff, h.metaCap, h.metaLen} {
		le.PutUint64(b[16+8*i:], v)
	}
	le.PutUint32(b[72:], h.metaSum)
	le.PutUint32(b[124:], crc32.Checksum(b[:124], castagnoli))
	return b
}

func decodeHead(b []byte) (fileHead, error) {
	le := binary.LittleEndian
	var h fileHead
	if string(b[:len(indexMagic)]) != indexMagic {
		return h, formatErr("not an index file")
	}
	if v := le.Uint32(b[8:]); v != indexVersion {
		return h, formatErr("format version %d, want %d", v, indexVersion)
	}
	if le.Uint32(b[124:]) != crc32.Checksum(b[:124], castagnoli) {
		return h, formatErr("header checksum mismatch")
	}
	if le.Uint32(b[12:]) != blockShift || !allZero(b[76:124]) {
		return h, formatErr("unknown block size or flags")
	}
	v := make([]uint64, 7)
	for i := range v {
		v[i] = le.Uint64(b[16+8*i:])
	}
	h = fileHead{seq: v[0], n: v[1], dataOff: v[2], dataLen: v[3], metaOff: v[4], metaCap: v[5], metaLen: v[6], metaSum: le.Uint32(b[72:])}
	return h, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// currentHead is the file's current header: the valid slot with the higher seq.
func currentHead(b []byte) (fileHead, error) {
	var best fileHead
	var first error
	found := false
	for slot, at := range []int{0, headerSlot1} {
		h, err := decodeHead(b[at : at+headerLen])
		if err == nil && int(h.seq&1) != slot {
			err = formatErr("header slot %d holds seq %d", slot, h.seq)
		}
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		if !found || h.seq > best.seq {
			best, found = h, true
		}
	}
	if !found {
		return best, first
	}
	return best, nil
}

// zeros writes n zero bytes with write.
func zeros(write func([]byte) error, n uint64) error {
	var z [64 << 10]byte
	for n > 0 {
		m := min(n, uint64(len(z)))
		if err := write(z[:m]); err != nil {
			return err
		}
		n -= m
	}
	return nil
}

// WriteTo writes the index in its persisted form (see OpenFile), its
// sections' room as zeros, and returns the bytes written. It may run while
// the index is queried. A mapped index whose blocks do not match their
// checksums is not written.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	if !littleEndian {
		return 0, errors.New("query: write index: not on a big-endian machine")
	}
	if err := ix.Verify(); err != nil {
		return 0, fmt.Errorf("query: write index: %w", err)
	}
	secs := ix.sections()
	var lens [nSections]uint64
	for k, b := range secs {
		lens[k] = uint64(len(b))
	}
	lay, _ := planFile(ix, &lens)
	var bs blockSums
	for k, b := range secs {
		bs.to(lay.off[k] >> blockShift)
		_ = bs.write(b)
	}
	meta := ix.appendMeta(nil, &lay.off, &lens, bs.to(lay.dataLen>>blockShift))
	hdr := firstHead(ix.n, &lay, meta)

	cw := &countWriter{w: w}
	err := cw.write(hdr)
	at := uint64(0)
	for k, b := range secs {
		if err == nil {
			err = zeros(cw.write, lay.off[k]-at)
		}
		if err == nil {
			err = cw.write(b)
		}
		at = lay.off[k] + lens[k]
	}
	if err == nil {
		err = zeros(cw.write, lay.dataLen-at)
	}
	if err == nil {
		err = cw.write(meta)
	}
	if err == nil {
		err = zeros(cw.write, 2*lay.metaCap-uint64(len(meta)))
	}
	if err == nil && uint64(cw.n) != lay.size() {
		err = fmt.Errorf("wrote %d bytes, expected %d", cw.n, lay.size())
	}
	if err != nil {
		return cw.n, fmt.Errorf("query: write index: %w", err)
	}
	return cw.n, nil
}

// firstHead is block 0 of a file written whole: seq 0 in the first slot,
// the second empty.
func firstHead(n int, lay *fileLayout, meta []byte) []byte {
	h := fileHead{
		n: uint64(n), dataOff: dataAlign, dataLen: lay.dataLen, metaOff: lay.metaOff(), metaCap: lay.metaCap,
		metaLen: uint64(len(meta)), metaSum: crc32.Checksum(meta, castagnoli),
	}
	return append(h.encode(), make([]byte, dataAlign-headerLen)...)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) write(p []byte) error {
	k, err := c.w.Write(p)
	c.n += int64(k)
	if err == nil && k < len(p) {
		err = io.ErrShortWrite
	}
	return err
}

// appendMeta appends the meta section (see the layout above) for sections
// of the given lengths at the given offsets.
func (ix *Index) appendMeta(b []byte, off, lens *[nSections]uint64, sums []uint32) []byte {
	le := binary.LittleEndian
	for _, v := range foldVersions() {
		b = le.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	}
	for k := range nSections {
		b = le.AppendUint64(b, off[k])
		b = le.AppendUint64(b, lens[k])
	}
	freq := ix.freq
	if freq == nil {
		freq = new([256]uint32)
	}
	for _, c := range freq {
		b = le.AppendUint32(b, c)
	}
	b = le.AppendUint64(b, uint64(ix.freqN))
	b = le.AppendUint32(b, ix.idLen.lo)
	b = le.AppendUint32(b, ix.idLen.hi)
	b = ix.appendDicts(b)
	for _, d := range ix.dicts() {
		for _, c := range d.count {
			b = binary.AppendUvarint(b, uint64(c))
		}
	}
	for _, c := range ix.wsD.count {
		b = binary.AppendUvarint(b, uint64(c))
	}
	for _, s := range sums {
		b = le.AppendUint32(b, s)
	}
	return b
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendDicts appends the dictionaries' values.
func (ix *Index) appendDicts(b []byte) []byte {
	for _, d := range ix.dicts() {
		vals := d.values()
		b = binary.AppendUvarint(b, uint64(len(vals)))
		for _, v := range vals {
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
func (ix *Index) dicts() [6]*dict {
	return [6]*dict{ix.scopeD, ix.catD, ix.actD, ix.statusD, ix.userD, ix.ipD}
}

// OpenFile maps the index file at path and returns the Index over it. It
// reads the header and the meta section only (a few hundred KiB at a
// million events); the columns are checked block by block as queries read
// them (see Err). Where files cannot be mapped it reads the whole file.
// A file it cannot read as an index gives an error wrapping
// ErrIndexFormat; the file may be replaced or removed while the Index is
// in use.
func OpenFile(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("query: open index: %w", err)
	}
	keep := false // the file stays open for reading rows apart (verify.go)
	defer func() {
		if !keep {
			_ = f.Close()
		}
	}()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("query: open index: %w", err)
	}
	if !fi.Mode().IsRegular() || fi.Size() < headerLen {
		return nil, fmt.Errorf("query: open index: %w", formatErr("a file of %d bytes", fi.Size()))
	}
	data, release, err := mapFile(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("query: open index: %w", err)
	}
	ix, err := parseIndex(data)
	if err != nil {
		if release != nil {
			release()
		}
		return nil, fmt.Errorf("query: open index: %w", err)
	}
	if release != nil {
		keep = true
		ix.file.f, ix.file.off = f, int64(ix.file.head.dataOff)
		ix.hold(func() {
			release()
			_ = f.Close()
		})
	}
	return ix, nil
}

// ReadIndex reads an index WriteTo wrote from r into memory. Bytes it
// cannot read as an index give an error wrapping ErrIndexFormat; a failing
// r gives r's error.
func ReadIndex(r io.Reader) (*Index, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("query: read index: %w", err)
	}
	// In words, so that the columns are 8-byte aligned.
	buf := asBytes(make([]uint64, (len(b)+7)/8))[:len(b)]
	copy(buf, b)
	ix, err := parseIndex(buf)
	if err != nil {
		return nil, fmt.Errorf("query: read index: %w", err)
	}
	return ix, nil
}

// formatErr is an ErrIndexFormat with what was wrong.
func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrIndexFormat, fmt.Sprintf(format, args...))
}

// parseIndex checks the header and the meta section of a whole file in b
// and returns the Index over b's columns, which it does not copy. b may be
// a mapping of a file being appended to: the meta is copied before it is
// checked, and one that changed meanwhile is read again from the header
// then current.
func parseIndex(b []byte) (*Index, error) {
	if !littleEndian {
		return nil, formatErr("a big-endian machine rebuilds its index")
	}
	if len(b) < dataAlign {
		return nil, formatErr("a file of %d bytes", len(b))
	}
	for attempt := 0; ; attempt++ {
		h, err := currentHead(b)
		if err != nil {
			return nil, err
		}
		ix, err := parseAt(b, &h)
		if errors.Is(err, errMetaSum) && attempt < 3 {
			if now, herr := currentHead(b); herr == nil && now.seq != h.seq {
				continue // appended to meanwhile
			}
		}
		return ix, err
	}
}

var errMetaSum = formatErr("meta checksum mismatch")

// parseAt is parseIndex of the file whose header is h.
func parseAt(b []byte, h *fileHead) (*Index, error) {
	size := uint64(len(b))
	if h.dataOff != dataAlign || h.dataLen%blockSize != 0 || h.dataLen > size || h.metaOff != h.dataOff+h.dataLen ||
		h.metaCap > size || h.fileSize() != size || h.metaLen > h.metaCap || h.n > 1<<32-1 {
		return nil, formatErr("file of %d bytes, header says data %d at %d, meta slots of %d at %d", size, h.dataLen, h.dataOff, h.metaCap, h.metaOff)
	}
	meta := slices.Clone(b[h.metaAt() : h.metaAt()+h.metaLen])
	if h.metaSum != crc32.Checksum(meta, castagnoli) {
		return nil, errMetaSum
	}
	data := b[h.dataOff : h.dataOff+h.dataLen]
	n := int(h.n)
	ix := &Index{n: n}
	if err := ix.readMeta(meta, data, n); err != nil {
		return nil, err
	}
	ix.file.head = *h
	return ix, nil
}

// readMeta reads the meta section and points ix's columns into data.
func (ix *Index) readMeta(meta, data []byte, n int) error {
	le := binary.LittleEndian
	s := &strReader{b: meta}
	for _, want := range foldVersions() {
		got := s.fixed(int(min(s.u32(), 64)))
		if s.bad || string(got) != want {
			return formatErr("text folded under Unicode %q, this build folds under %q", got, want)
		}
	}
	// Each section's length follows from n and the rows in exc (m), but
	// the arenas'.
	want := [nSections]uint64{
		8 * uint64(n), 4 * uint64(n), 4 * uint64(n), 4 * uint64(n), 4 * uint64(n), 4 * uint64(n), 4 * uint64(n), 4 * uint64(n),
		8 * uint64(n+1), 4 * uint64(n), 0, 0, 0, 0, 0, 0, 0, 0,
	}
	var secs [nSections][]byte
	var spans [nSections][2]uint64
	var offs [nSections + 1]uint64
	end := uint64(0)
	for k := range nSections {
		off, length := le.Uint64(s.fixed(8)), le.Uint64(s.fixed(8))
		switch k {
		case secExcRow:
			m := length / 4
			want[secExcRow], want[secExcMid], want[secExcStart] = 4*m, 4*m, 8*(m+1)
		case secRestStart:
			g := max(length/8, 1)
			want[secRestStart], want[secRestRow] = 8*g, 4*g
		}
		if s.bad || off%blockSize != 0 || off < end || length > uint64(len(data)) || off > uint64(len(data))-length ||
			k < secText && length != want[k] {
			return formatErr("section %d at %d of %d bytes", k, off, length)
		}
		secs[k], spans[k], end, offs[k] = data[off:off+length], [2]uint64{off, off + length}, off+length, off
	}
	offs[nSections] = uint64(len(data))
	ix.freq = new([256]uint32)
	for c := range ix.freq {
		ix.freq[c] = le.Uint32(s.fixed(4))
	}
	ix.freqN = int(le.Uint64(s.fixed(8)))
	ix.idLen.lo, ix.idLen.hi = le.Uint32(s.fixed(4)), le.Uint32(s.fixed(4))
	if s.bad {
		return formatErr("truncated meta")
	}
	if err := ix.readDicts(s); err != nil {
		return err
	}
	blocks := len(data) / blockSize
	sums := s.fixed(4 * blocks)
	if s.bad || len(s.b) != 0 {
		return formatErr("block checksums")
	}
	ix.ts = view[int64](secs[secTS])
	cols := [7]*[]uint32{&ix.scope, &ix.cat, &ix.act, &ix.status, &ix.user, &ix.ws, &ix.ip}
	for k, c := range cols {
		*c = view[uint32](secs[secScope+k])
	}
	ix.textStart, ix.textMid = view[uint64](secs[secTextStart]), view[uint32](secs[secTextMid])
	ix.excRow, ix.excMid, ix.excStart = view[uint32](secs[secExcRow]), view[uint32](secs[secExcMid]), view[uint64](secs[secExcStart])
	ix.restStart, ix.restRow = view[uint64](secs[secRestStart]), view[uint32](secs[secRestRow])
	ix.text, ix.exc, ix.rest = secs[secText], secs[secExc], secs[secRest]
	sumv := make([]uint32, blocks)
	for i := range sumv {
		sumv[i] = le.Uint32(sums[4*i:])
	}
	ix.file = newChecked(data, sumv, spans)
	for k := range nSections {
		ix.file.room[k] = offs[k+1] - spans[k][1]
	}
	// What an open reads: the first and last times (Oldest, Newest), and
	// the first offsets of the arenas.
	if n > 0 && (!ix.file.check(secTS, spans[secTS][0], spans[secTS][0]+8) || !ix.file.check(secTS, spans[secTS][1]-8, spans[secTS][1])) {
		return formatErr("time column checksum mismatch")
	}
	return nil
}

// strReader reads the meta section.
type strReader struct {
	b   []byte
	bad bool
}

// fixed returns the next k bytes (zeros once something was missing).
func (s *strReader) fixed(k int) []byte {
	if s.bad || k > len(s.b) {
		s.bad = true
		return make([]byte, k)
	}
	v := s.b[:k]
	s.b = s.b[k:]
	return v
}

func (s *strReader) u32() uint32 { return binary.LittleEndian.Uint32(s.fixed(4)) }

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

// readDicts reads the dictionaries and their counts.
func (ix *Index) readDicts(s *strReader) error {
	ix.scopeD, ix.catD, ix.actD, ix.statusD, ix.userD, ix.ipD = &dict{}, &dict{}, &dict{}, &dict{}, &dict{}, &dict{}
	for _, d := range ix.dicts() {
		k := s.count(1)
		if d == ix.ipD {
			// Kept as the meta holds it, read on first use (dict.values).
			before := s.b
			for range k {
				s.fixed(int(min(s.uvarint(), uint64(len(s.b)))))
			}
			if s.bad {
				return formatErr("bad dictionary")
			}
			d.raw, d.n = before[:len(before)-len(s.b):len(before)-len(s.b)], k
			if k == 0 {
				d.raw = nil
			}
			continue
		}
		d.vals = make([]string, 0, k)
		for range k {
			v := s.str()
			if s.bad {
				return formatErr("bad dictionary")
			}
			d.vals = append(d.vals, v)
		}
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
	readCounts := func(k int) []int {
		out := make([]int, k)
		total := 0
		for c := range out {
			out[c] = int(s.uvarint())
			total += out[c]
		}
		if total != ix.n {
			s.bad = true
		}
		return out
	}
	for _, d := range ix.dicts() {
		d.count = readCounts(d.size())
	}
	ix.wsD.count = readCounts(len(ix.wsD.refs))
	if s.bad {
		return formatErr("bad dictionaries")
	}
	// Folded values, ranks and lookups are derived on first use (dict).
	for _, d := range ix.dicts() {
		d.searched = d != ix.statusD
	}
	ix.wsD.finish()
	return nil
}
