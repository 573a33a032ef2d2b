package query

import (
	"encoding/binary"
	"runtime"
	"slices"
	"sync"

	"github.com/klauspost/compress/s2"
)

// The rest of a row, its id and details, is read only when the
// row is shown, exported or looked up by id, never by a filter or a search,
// so it lies compressed: the rows go in groups of up to restGroup, each
// group compressed with S2 (a Snappy-like block format: ~2 GB/s to
// decompress a core). At 1M simulator events they take 62 B an event
// compressed; a group is about 4 KiB
// compressed, a block of the file, so a row read apart reads about one
// block. restRow says where each group starts: a build makes groups of
// restGroup rows, and an append recompresses only the groups its rows go
// into (merge), copying the others as they are.
//
// A group decompressed is its rows one after the other, each three
// uvarint lengths (id, source_ip, details) then the three fields' bytes;
// source_ip is empty since format 5 (its column holds it).
const restGroup = 64

// groupOf is the group holding row i: the one a build put it in, else
// found by binary search (an append moved it).
func (ix *Index) groupOf(i int) int {
	rr := ix.restRow
	if g := min(i/restGroup, len(rr)-2); rr[g] <= uint32(i) && uint32(i) < rr[g+1] {
		return g
	}
	k, _ := slices.BinarySearch(rr, uint32(i)+1)
	return k - 1
}

// appendRest appends one row's rest, in a group's form, to b.
func appendRest(b []byte, id, ip string, details []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(id)))
	b = binary.AppendUvarint(b, uint64(len(ip)))
	b = binary.AppendUvarint(b, uint64(len(details)))
	b = append(b, id...)
	b = append(b, ip...)
	return append(b, details...)
}

// group is one group decompressed: buf holds its rows; at[r] are the
// offsets in buf of row r's id, source_ip, details and end, and the row's
// encoded form (appendRest's) runs from the previous row's end to its own.
type group struct {
	g   int // which group; -1 for none yet
	lo  int // its first row
	buf []byte
	at  [][4]uint32
}

// row is the offsets of row i (of this group) in buf: see at.
func (gr *group) row(i int) [4]uint32 { return gr.at[i-gr.lo] }

// holds says whether row i is in the group.
func (gr *group) holds(i int) bool { return gr.g >= 0 && gr.lo <= i && i < gr.lo+len(gr.at) }

// parse finds the rows of buf (rows of them); false when buf is not such
// rows.
func (gr *group) parse(rows int) bool {
	gr.at = gr.at[:0]
	b := gr.buf
	pos := uint64(0)
	for range rows {
		var l [3]uint64
		for k := range l {
			v, n := binary.Uvarint(b[pos:])
			if n <= 0 {
				return false
			}
			l[k], pos = v, pos+uint64(n)
		}
		if l[0] > uint64(len(b)) || l[1] > uint64(len(b)) || l[2] > uint64(len(b)) || pos+l[0]+l[1]+l[2] > uint64(len(b)) {
			return false
		}
		a := [4]uint32{uint32(pos), uint32(pos + l[0]), uint32(pos + l[0] + l[1]), uint32(pos + l[0] + l[1] + l[2])}
		gr.at = append(gr.at, a)
		pos = uint64(a[3])
	}
	return pos == uint64(len(b))
}

// encoded is row r's form as appendRest wrote it.
func (gr *group) encoded(r int) []byte {
	lo := uint32(0)
	if r > 0 {
		lo = gr.at[r-1][3]
	}
	return gr.buf[lo:gr.at[r][3]]
}

// decode decompresses comp, a group of rows, into gr; false when the bytes
// are not such a group (a damaged file whose blocks still match their sums
// cannot be, but nothing read is trusted blindly).
func (gr *group) decode(comp []byte, rows int) bool {
	gr.g = -1
	size, err := s2.DecodedLen(comp)
	if err != nil || size > 1<<31 {
		return false
	}
	if cap(gr.buf) < size {
		gr.buf = make([]byte, size)
	}
	buf, err := s2.Decode(gr.buf[:size], comp)
	if err != nil {
		return false
	}
	gr.buf = buf
	return gr.parse(rows)
}

// grouper compresses rows given one by one into groups of restGroup,
// handing each compressed group, and how many rows it holds, to emit.
type grouper struct {
	raw  []byte
	rows int
	comp []byte
	emit func(comp []byte, rows int) error
	err  error
}

// add adds one row in appendRest's form.
func (gp *grouper) add(row []byte) error {
	gp.raw = append(gp.raw, row...)
	if gp.rows++; gp.rows == restGroup {
		gp.flush()
	}
	return gp.err
}

// flush compresses what rows there are into a group.
func (gp *grouper) flush() {
	if gp.rows == 0 || gp.err != nil {
		return
	}
	gp.comp = s2.Encode(gp.comp[:cap(gp.comp)], gp.raw)
	gp.err = gp.emit(gp.comp, gp.rows)
	gp.raw, gp.rows = gp.raw[:0], 0
}

// compressGroups compresses rows (appendRest's form; start[i] is row i's
// offset, n+1 of them) into groups of restGroup, over the cores: the arena
// of the groups, each group's offset in it and its first row (groups+1 of
// each).
func compressGroups(rows []byte, start []uint64) ([]byte, []uint64, []uint32) {
	n := len(start) - 1
	groups := (n + restGroup - 1) / restGroup
	comp := make([][]byte, groups)
	parts := max(1, min(runtime.GOMAXPROCS(0), groups/64))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for g := p * groups / parts; g < (p+1)*groups/parts; g++ {
				lo, hi := start[g*restGroup], start[min((g+1)*restGroup, n)]
				comp[g] = s2.Encode(nil, rows[lo:hi])
			}
		})
	}
	wg.Wait()
	size := 0
	for _, c := range comp {
		size += len(c)
	}
	out := make([]byte, 0, size)
	offs := make([]uint64, 1, groups+1)
	first := make([]uint32, 0, groups+1)
	for g, c := range comp {
		out = append(out, c...)
		offs = append(offs, uint64(len(out)))
		first = append(first, uint32(g*restGroup))
	}
	return out, offs, append(first, uint32(n))
}

// groupBudget bounds the groups a rowReader keeps decompressed for rows
// read out of time order (an export sorted by user): 256 MiB, above the
// 142 MB that a million simulator events' rests take.
const groupBudget = 256 << 20

// rowReader reads rows' rests, decompressing each group once while rows
// come in time order or close to it, and keeping the groups it jumped to
// (up to groupBudget) for rows that come out of order, unless once says
// that no group comes back (a view in time order). apart reads the groups
// from the file with pread rather than through the mapping (see
// Index.scattered). A rowReader is for one goroutine.
type rowReader struct {
	ix    *Index
	apart bool
	once  bool
	cur   group
	kept  map[int]*group
	size  int
	buf   []byte // compressed bytes read apart
	tbuf  []byte // text read apart
	arena []byte // where events' bytes are copied (alloc)
}

// arenaSize is the allocation the copies of rows share: a million rows
// exported were a million allocations, and a fifth of the reading's time.
const arenaSize = 64 << 10

// alloc is an empty slice with room for n bytes, carved from the arena:
// what is carved is never handed out again, and lives as long as any
// event holding a part of its allocation.
func (rd *rowReader) alloc(n int) []byte {
	if cap(rd.arena)-len(rd.arena) < n {
		if n > arenaSize/4 {
			return make([]byte, 0, n)
		}
		rd.arena = make([]byte, 0, arenaSize)
	}
	at := len(rd.arena)
	rd.arena = rd.arena[:at+n]
	return rd.arena[at : at : at+n]
}

func (ix *Index) newReader(apart bool) *rowReader {
	return &rowReader{ix: ix, apart: apart, cur: group{g: -1}}
}

// group is row i's group decompressed, or nil when the file's blocks
// holding it are damaged (Err).
func (rd *rowReader) group(i int) *group {
	if rd.cur.holds(i) {
		return &rd.cur
	}
	if !rd.ix.need(restCols...) {
		return nil
	}
	g := rd.ix.groupOf(i)
	if gr := rd.kept[g]; gr != nil {
		return gr
	}
	near := rd.once || rd.cur.g < 0 || g == rd.cur.g+1 || g == rd.cur.g-1
	gr := &rd.cur
	if !near {
		gr = &group{}
	}
	if !rd.ix.loadGroup(g, gr, rd.apart, &rd.buf) {
		return nil
	}
	if !near && rd.size+len(gr.buf) <= groupBudget {
		if rd.kept == nil {
			rd.kept = make(map[int]*group)
		}
		rd.kept[g] = gr
		rd.size += len(gr.buf) + 16*len(gr.at)
	}
	return gr
}

// loadGroup decompresses group g into gr, from the mapping or read apart
// into buf; false when its blocks are damaged (Err).
func (ix *Index) loadGroup(g int, gr *group, apart bool, buf *[]byte) bool {
	if !ix.need(restCols...) {
		return false
	}
	lo, hi := ix.restStart[g], ix.restStart[g+1]
	var comp []byte
	if apart && ix.file != nil && ix.file.f != nil {
		base := ix.file.spans[secRest][0]
		rowsReadApart.Add(1)
		b, ok := ix.file.read(secRest, base+lo, base+hi, buf)
		if !ok {
			return false
		}
		comp = b
	} else {
		if !ix.needBytes(secRest, lo, hi) {
			return false
		}
		comp = ix.rest[lo:hi]
	}
	gr.g = -1
	first, end := int(ix.restRow[g]), int(ix.restRow[g+1])
	if end < first || !gr.decode(comp, end-first) {
		if ix.file != nil {
			ix.file.bad.Store(true)
		}
		return false
	}
	gr.g, gr.lo = g, first
	return true
}

// id is row i's id, nil when its group cannot be read (Err); it aliases
// the reader's group until the next call.
func (rd *rowReader) id(i int) []byte {
	gr := rd.group(i)
	if gr == nil {
		return nil
	}
	a := gr.row(i)
	return gr.buf[a[0]:a[1]]
}

// id is row i's id, nil when its group cannot be read (Err). It
// decompresses the row's group: for one row; ranges of rows go through a
// rowReader.
func (ix *Index) id(i int) []byte { return ix.newReader(false).id(i) }

// eachID calls fn with every row's id in row order, one group at a time;
// false when a group cannot be read (Err).
func (ix *Index) eachID(fn func(i int, id []byte)) bool {
	var gr group
	for g := range len(ix.restStart) - 1 {
		if !ix.loadGroup(g, &gr, false, nil) {
			return false
		}
		for r, a := range gr.at {
			fn(gr.lo+r, gr.buf[a[0]:a[1]])
		}
	}
	return true
}
