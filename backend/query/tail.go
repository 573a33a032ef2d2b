package query

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// ErrNotInPlace is AppendInPlace's error when the events cannot go in
// place: one that is new is older than the newest row, or a section or the
// meta slot has no room left, or the file is not the one the index maps.
// The caller writes a new file instead (AppendTo).
var ErrNotInPlace = errors.New("query: the events cannot be appended in place")

// AppendInPlace appends the new events among events to the index file at
// path, which ix maps, in place: the bytes of the new rows after each
// section's end, in its room, the new meta in the meta slot not in use,
// then the header that names it in the other header slot (persist.go).
// The cost is the new events: nothing of ix is read but the last block of
// each section, the last rows' ids and the rows at the new events' times
// (to tell an event already held from one new). ix, its Results and every
// process that mapped the file before keep reading what they read; a
// process killed at any point leaves the file as it was or as it becomes.
// Map the file again (OpenFile) for the new rows.
//
// An event is new unless a row at its time has its id (the cache holds an
// id at one time) or it came earlier in events. A new event older than
// the newest row, or one more than the room left, gives ErrNotInPlace and
// writes nothing; so does a file that is not the one ix maps (replaced,
// or appended to since). With nothing new it writes nothing.
func (ix *Index) AppendInPlace(events []audit.Event, path string) (added int, err error) {
	if ix.file == nil || ix.file.f == nil {
		return 0, ErrNotInPlace
	}
	add, err := ix.tailEvents(events)
	if err != nil || len(add) == 0 {
		return 0, err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("query: append in place: %w", err)
	}
	defer func() { _ = f.Close() }()
	h, err := ix.sameFile(f)
	if err != nil {
		return 0, err
	}
	t, err := ix.tail(add)
	if err != nil {
		return 0, err
	}
	h.seq++
	h.n = uint64(ix.n + len(add))
	h.metaLen, h.metaSum = uint64(len(t.meta)), crc32.Checksum(t.meta, castagnoli)
	if h.metaLen > h.metaCap {
		return 0, ErrNotInPlace
	}
	// The rows, then the meta that names them (both where no reader
	// reads), then the header that names the meta.
	for k, b := range t.bytes {
		if err == nil && len(b) > 0 {
			err = tailWrite(f, b, int64(h.dataOff+ix.file.spans[k][1]))
		}
	}
	if err == nil {
		err = tailWrite(f, t.meta, int64(h.metaAt()))
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = tailWrite(f, h.encode(), int64(h.at()))
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return 0, fmt.Errorf("query: append in place: %w", err)
	}
	return len(add), nil
}

// extends says whether ix holds old's rows as they are and more after
// them: both map the same file, ix as appended to in place since
// (a rewrite is always a new file, and the file open for old cannot be
// another under the same inode).
func (ix *Index) extends(old *Index) bool {
	if ix.file == nil || old.file == nil || ix.file.f == nil || old.file.f == nil ||
		ix.file.head.seq < old.file.head.seq || ix.n < old.n {
		return false
	}
	a, err := ix.file.f.Stat()
	if err != nil {
		return false
	}
	b, err := old.file.f.Stat()
	return err == nil && os.SameFile(a, b)
}

// tailWrite is how AppendInPlace writes; a test stops it part way, as a
// process killed there would.
var tailWrite = func(f *os.File, b []byte, off int64) error {
	_, err := f.WriteAt(b, off)
	return err
}

// sameFile is f's header when f is the file ix maps, as ix read it.
func (ix *Index) sameFile(f *os.File) (fileHead, error) {
	fi, err := f.Stat()
	if err != nil {
		return fileHead{}, fmt.Errorf("query: append in place: %w", err)
	}
	mine, err := ix.file.f.Stat()
	if err != nil {
		return fileHead{}, fmt.Errorf("query: append in place: %w", err)
	}
	b := make([]byte, dataAlign)
	if !os.SameFile(fi, mine) || uint64(fi.Size()) != ix.file.head.fileSize() {
		return fileHead{}, ErrNotInPlace
	}
	if _, err := f.ReadAt(b, 0); err != nil {
		return fileHead{}, fmt.Errorf("query: append in place: %w", err)
	}
	h, err := currentHead(b)
	if err != nil || h != ix.file.head {
		return fileHead{}, ErrNotInPlace
	}
	return h, nil
}

// tailEvents is the new events among events, in (time, id) order, every
// one after ix's last row; ErrNotInPlace when one new is not.
func (ix *Index) tailEvents(events []audit.Event) ([]*audit.Event, error) {
	add, err := distinct(events, func(string) bool { return false })
	if err != nil {
		return nil, fmt.Errorf("query: append in place: %w", err)
	}
	// Those up to the last row are held already, or not in place.
	var lastTS int64
	var lastID string
	if ix.n > 0 {
		if !ix.need(rowCols...) {
			return nil, ErrIndexDamaged
		}
		lastTS, lastID = ix.ts[ix.n-1], string(ix.id(ix.n-1))
	}
	rd := ix.newReader(false)
	held := 0
	for _, e := range add {
		t := e.Time.UnixNano()
		if ix.n == 0 || t > lastTS || t == lastTS && e.ID > lastID {
			break
		}
		r, _ := slices.BinarySearch(ix.ts, t)
		for r < ix.n && ix.ts[r] == t && string(rd.id(r)) != e.ID {
			r++
		}
		if err := ix.Err(); err != nil {
			return nil, err
		}
		if r == ix.n || ix.ts[r] != t {
			return nil, ErrNotInPlace // new, and older than the last row
		}
		held++
	}
	if ix.n+len(add)-held > 1<<32-1 {
		return nil, fmt.Errorf("query: append in place: over %d events", 1<<32-1)
	}
	return add[held:], nil
}

// tailed is what an in-place append writes: each section's new bytes,
// to go after its end, and the new meta.
type tailed struct {
	bytes [nSections][]byte
	meta  []byte
}

// tail makes the new rows of add, which all go after ix's last, as the
// bytes that follow each section, and the meta of the whole; ErrNotInPlace
// when a section has not the room.
func (ix *Index) tail(add []*audit.Event) (*tailed, error) {
	b, err := ix.newRows(add)
	if err != nil {
		return nil, fmt.Errorf("query: append in place: %w", err)
	}
	nw := b.ix
	t := &tailed{}
	t.bytes = nw.sections()
	shifted := func(v []uint64, by int) []byte {
		out := make([]uint64, len(v)-1)
		for i, x := range v[1:] {
			out[i] = x + uint64(by)
		}
		return asBytes(out)
	}
	t.bytes[secTextStart] = shifted(nw.textStart, len(ix.text))
	t.bytes[secExcStart] = shifted(nw.excStart, len(ix.exc))
	excRow := make([]uint32, len(nw.excRow))
	for i, r := range nw.excRow {
		excRow[i] = r + uint32(ix.n)
	}
	t.bytes[secExcRow] = asBytes(excRow)
	// The rest in groups of their own: the last group of ix stays as it
	// is, short or not, since readers of the file read it.
	var rest []byte
	var restStart []uint64
	var restRow []uint32
	rows := uint32(ix.n)
	gp := grouper{emit: func(comp []byte, n int) error {
		rest = append(rest, comp...)
		rows += uint32(n)
		restStart, restRow = append(restStart, uint64(len(ix.rest)+len(rest))), append(restRow, rows)
		return nil
	}}
	for j := range len(b.restAt) - 1 {
		_ = gp.add(b.rest[b.restAt[j]:b.restAt[j+1]])
	}
	gp.flush()
	if gp.err != nil {
		return nil, fmt.Errorf("query: append in place: %w", gp.err)
	}
	t.bytes[secRest], t.bytes[secRestStart], t.bytes[secRestRow] = rest, asBytes(restStart), asBytes(restRow)

	// Room, and the blocks the new bytes go into, their sums anew from
	// the old bytes there (checked first) and the new.
	c := ix.file
	sums := slices.Clone(c.sums)
	var off, lens [nSections]uint64
	for k, nb := range t.bytes {
		off[k], lens[k] = c.spans[k][0], c.spans[k][1]-c.spans[k][0]+uint64(len(nb))
		if len(nb) == 0 {
			continue
		}
		if uint64(len(nb)) > c.room[k] {
			return nil, ErrNotInPlace
		}
		end := c.spans[k][1]
		lo := end &^ (blockSize - 1)
		if !c.check(k, lo, end) {
			return nil, ErrIndexDamaged
		}
		blk := append(slices.Clone(c.data[lo:end]), nb...)
		for i := 0; i < len(blk); i += blockSize {
			sums[(lo+uint64(i))>>blockShift] = crc32.Checksum(blk[i:min(i+blockSize, len(blk))], castagnoli)
		}
	}
	// The search's byte sample goes on over the new text.
	fw := &freqWriter{w: io.Discard, pos: len(ix.text), f: new([256]uint32), n: ix.freqN}
	if ix.freq != nil {
		*fw.f = *ix.freq
	}
	_, _ = fw.Write(nw.text)
	res := &Index{
		n: ix.n + len(add), freq: fw.f, freqN: fw.n, idLen: ix.idLen.with(nw.idLen),
		scopeD: nw.scopeD, catD: nw.catD, actD: nw.actD, statusD: nw.statusD, userD: nw.userD, ipD: nw.ipD, wsD: nw.wsD,
	}
	t.meta = res.appendMeta(nil, &off, &lens, sums)
	return t, nil
}
