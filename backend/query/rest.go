package query

import (
	"encoding/binary"
	"runtime"
	"sync"

	"github.com/klauspost/compress/s2"
)

// The rest of a row, its id, source_ip and details, is read only when the
// row is shown, exported or looked up by id, never by a filter or a search,
// so it lies compressed: the rows go in groups of restGroup, each group
// compressed with S2 (a Snappy-like block format: ~2 GB/s to decompress a
// core). At 1M simulator events the three fields take 142 B an event as
// they come and 65 B compressed; a group is about 4 KiB compressed, a
// block of the file, so a row read apart reads about one block.
//
// A group decompressed is its rows one after the other, each three
// uvarint lengths (id, source_ip, details) then the three fields' bytes.
const restGroup = 64

// restGroups is how many groups n rows make.
func restGroups(n int) int { return (n + restGroup - 1) / restGroup }

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
	buf []byte
	at  [][4]uint32
}

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

// rowsIn is how many rows group g of an index of n rows holds.
func rowsIn(g, n int) int { return min(restGroup, n-g*restGroup) }

// decode decompresses comp, group g of an index of n rows, into gr; false
// when the bytes are not a group (a damaged file whose blocks still match
// their sums cannot be, but nothing read is trusted blindly).
func (gr *group) decode(comp []byte, g, n int) bool {
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
	if !gr.parse(rowsIn(g, n)) {
		return false
	}
	gr.g = g
	return true
}

// grouper compresses rows given one by one into groups, handing each
// compressed group to emit.
type grouper struct {
	raw  []byte
	rows int
	comp []byte
	emit func(comp []byte) error
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
	gp.err = gp.emit(gp.comp)
	gp.raw, gp.rows = gp.raw[:0], 0
}

// compressGroups compresses rows (appendRest's form; start[i] is row i's
// offset, n+1 of them) into groups, over the cores: the arena of the
// groups and each group's offset in it (groups+1 of them).
func compressGroups(rows []byte, start []uint64) ([]byte, []uint64) {
	n := len(start) - 1
	groups := restGroups(n)
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
	for _, c := range comp {
		out = append(out, c...)
		offs = append(offs, uint64(len(out)))
	}
	return out, offs
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
}

func (ix *Index) newReader(apart bool) *rowReader {
	return &rowReader{ix: ix, apart: apart, cur: group{g: -1}}
}

// group is row i's group decompressed, or nil when the file's blocks
// holding it are damaged (Err).
func (rd *rowReader) group(i int) *group {
	g := i / restGroup
	if rd.cur.g == g {
		return &rd.cur
	}
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
	if !ix.need(secRestStart) {
		return false
	}
	lo, hi := ix.restStart[g], ix.restStart[g+1]
	var comp []byte
	if apart && ix.file != nil && ix.file.f != nil {
		base := ix.file.spans[secRest][0]
		rowsReadApart.Add(1)
		b, ok := ix.file.read(base+lo, base+hi, buf)
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
	if !gr.decode(comp, g, ix.n) {
		if ix.file != nil {
			ix.file.bad.Store(true)
		}
		return false
	}
	return true
}

// id is row i's id, nil when its group cannot be read (Err). It
// decompresses the row's group: for one row; ranges of rows go through a
// rowReader.
func (ix *Index) id(i int) []byte {
	var gr group
	if !ix.loadGroup(i/restGroup, &gr, false, nil) {
		return nil
	}
	a := gr.at[i%restGroup]
	return gr.buf[a[0]:a[1]]
}

// eachID calls fn with every row's id in row order, one group at a time;
// false when a group cannot be read (Err).
func (ix *Index) eachID(fn func(i int, id []byte)) bool {
	var gr group
	for g := range restGroups(ix.n) {
		if !ix.loadGroup(g, &gr, false, nil) {
			return false
		}
		for r, a := range gr.at {
			fn(g*restGroup+r, gr.buf[a[0]:a[1]])
		}
	}
	return true
}
