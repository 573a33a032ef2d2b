package query

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Append returns a new Index holding ix's events and the new ones among
// events; ix is left as it was, and so are its Results. An event is new
// unless its id is in ix or earlier in events (the store's dedupe: the
// first copy wins). Events may be older than ix's newest: each lands in
// its (time, id) place, so the result queries as Build over all the events
// would. With nothing new, Append returns ix itself.
//
// The cost is the new events (folded, coded, sorted) plus one copy of the
// columns and arenas; existing text is not folded again and dictionaries
// grow by their new values only. The first Append on an index also hashes
// its ids once (the result inherits the hashes).
func (ix *Index) Append(events []audit.Event) (*Index, error) {
	pl, err := ix.plan(events)
	if err != nil || pl == nil {
		if err != nil {
			return nil, fmt.Errorf("query: append: %w", err)
		}
		return ix, nil
	}
	m, err := ix.merge(pl)
	if err != nil {
		return nil, fmt.Errorf("query: append: %w", err)
	}
	nw, pos := pl.nw, pl.pos
	out := &Index{
		n:       ix.n + nw.n,
		idLen:   ix.idLen.with(nw.idLen),
		ts:      mergeRows(ix.ts, nw.ts, pos),
		scope:   mergeRows(ix.scope, nw.scope, pos),
		cat:     mergeRows(ix.cat, nw.cat, pos),
		act:     mergeRows(ix.act, nw.act, pos),
		status:  mergeRows(ix.status, nw.status, pos),
		user:    mergeRows(ix.user, nw.user, pos),
		ws:      mergeRows(ix.ws, nw.ws, pos),
		ip:      mergeRows(ix.ip, nw.ip, pos),
		textMid: mergeRows(ix.textMid, nw.textMid, pos),
		scopeD:  nw.scopeD, catD: nw.catD, actD: nw.actD, statusD: nw.statusD, userD: nw.userD, ipD: nw.ipD, wsD: nw.wsD,
		excRow: m.excRow, excMid: m.excMid, excStart: m.excStart, exc: m.exc,
		rest:      make([]byte, 0, m.restLen),
		restStart: m.restStart, restRow: m.restRow,
	}
	for _, p := range m.pieces {
		out.rest = append(out.rest, p.bytes(ix)...)
	}
	out.text, out.textStart = mergeArena(ix.text, ix.textStart, nw.text, nw.textStart, pos)
	out.freq = byteFreq(out.text)
	for _, c := range out.freq {
		out.freqN += int(c)
	}
	keys := ix.ids().merged(ix.n, pl.add, pos)
	out.idx.once.Do(func() { out.idx.keys = keys })
	return out, nil
}

// AppendTo writes to out, from its start, the index file of what Append
// would return, streaming ix's columns into it with the new rows in their
// places: the memory it takes is the new events' and the groups of rest
// new rows go into, never a copy of ix (a mapped
// index of a million events appends in a third of a second, against
// Append's heap and a WriteTo after). It returns how many events were
// new; with none it writes nothing, and ix is still current.
func (ix *Index) AppendTo(events []audit.Event, out *os.File) (added int, err error) {
	pl, err := ix.plan(events)
	if err != nil || pl == nil {
		if err != nil {
			return 0, fmt.Errorf("query: append: %w", err)
		}
		return 0, nil
	}
	m, err := ix.merge(pl)
	if err != nil {
		return 0, fmt.Errorf("query: append: %w", err)
	}
	nw, pos := pl.nw, pl.pos
	res := &Index{
		n: ix.n + nw.n, scopeD: nw.scopeD, catD: nw.catD, actD: nw.actD, statusD: nw.statusD, userD: nw.userD, ipD: nw.ipD, wsD: nw.wsD,
		idLen: ix.idLen.with(nw.idLen),
	}
	merged := &Index{
		excRow: m.excRow, excMid: m.excMid, excStart: m.excStart, exc: m.exc,
		restStart: m.restStart, restRow: m.restRow,
	}
	olds, news, mine := ix.sections(), nw.sections(), merged.sections()
	var lens [nSections]uint64
	for k := range nSections {
		lens[k] = uint64(len(olds[k]) + len(news[k]))
	}
	// The text's offsets hold n+1 entries, the new rows' one more: their
	// leading zero is not written.
	lens[secTextStart] -= 8
	for _, k := range []int{secExcRow, secExcMid, secExcStart, secExc, secRestStart, secRestRow} {
		lens[k] = uint64(len(mine[k]))
	}
	lens[secRest] = m.restLen
	err = writeStreamed(out, res, &lens, func(k int, w io.Writer) error {
		switch k {
		case secTextStart:
			return mergeOffsets(w, ix.textStart, nw.textStart, pos)
		case secText:
			// The search's byte frequencies are a sample of the text as
			// it is written.
			fw := newFreqWriter(w)
			err := mergeArenaTo(fw, ix.text, ix.textStart, nw.text, nw.textStart, pos)
			res.freq, res.freqN = fw.f, fw.n
			return err
		case secExcRow, secExcMid, secExcStart, secExc, secRestStart, secRestRow:
			_, err := w.Write(mine[k])
			return err
		case secRest:
			for _, p := range m.pieces {
				if _, err := w.Write(p.bytes(ix)); err != nil {
					return err
				}
			}
			return nil
		}
		return mergeRowsTo(w, olds[k], news[k], rowWidth[k], pos)
	})
	if err != nil {
		return 0, fmt.Errorf("query: append: %w", err)
	}
	return nw.n, nil
}

// rowWidth is the bytes a row takes in the sections that hold one entry a
// row.
var rowWidth = [nSections]int{secTS: 8, secScope: 4, secCat: 4, secAct: 4, secStatus: 4, secUser: 4, secWS: 4, secIP: 4, secTextMid: 4}

// merged is what an append makes anew rather than copies or interleaves:
// exc, renumbered, and the rest, as pieces: each group of ix that no new
// row goes into copied as it is, the groups new rows go into and the new
// rows after the last (with the last group when it is short) compressed
// anew; restStart and restRow are the new index's.
type merged struct {
	excRow, excMid []uint32
	excStart       []uint64
	exc            []byte

	pieces    []restPiece
	restLen   uint64
	restStart []uint64
	restRow   []uint32
}

// restPiece is a group of the rest an append writes: old's group g when
// comp is nil, else comp.
type restPiece struct {
	g    int
	comp []byte
}

// bytes is the piece's compressed group.
func (p restPiece) bytes(old *Index) []byte {
	if p.comp != nil {
		return p.comp
	}
	return old.rest[old.restStart[p.g]:old.restStart[p.g+1]]
}

// merge makes the exc and the rest of ix with pl's rows in their places.
func (ix *Index) merge(pl *appendPlan) (*merged, error) {
	nw, pos := pl.nw, pl.pos
	m := &merged{excStart: []uint64{0}, restStart: []uint64{0}, restRow: []uint32{0}}

	// exc: old row r moves down by the new rows before it; new row j is
	// row pos[j]+j.
	excOf := func(x *Index, k int, row int) {
		m.excRow = append(m.excRow, uint32(row))
		m.excMid = append(m.excMid, x.excMid[k])
		m.exc = append(m.exc, x.exc[x.excStart[k]:x.excStart[k+1]]...)
		m.excStart = append(m.excStart, uint64(len(m.exc)))
	}
	j, kn := 0, 0
	for k, r := range ix.excRow {
		for j < len(pos) && pos[j] <= int(r) {
			for kn < len(nw.excRow) && int(nw.excRow[kn]) <= j {
				excOf(nw, kn, pos[nw.excRow[kn]]+int(nw.excRow[kn]))
				kn++
			}
			j++
		}
		excOf(ix, k, int(r)+j)
	}
	for ; kn < len(nw.excRow); kn++ {
		excOf(nw, kn, pos[nw.excRow[kn]]+int(nw.excRow[kn]))
	}

	// rest: the groups new rows go before a row of; the last one too when
	// it is short and new rows come after it.
	groups := len(ix.restStart) - 1
	touched := make([]bool, groups)
	for _, p := range pos {
		if p < ix.n {
			touched[ix.groupOf(p)] = true
		} else if g := groups - 1; g >= 0 && ix.restRow[g+1]-ix.restRow[g] < restGroup {
			touched[g] = true
		}
	}
	piece := func(p restPiece, size uint64, rows uint32) {
		m.pieces = append(m.pieces, p)
		m.restLen += size
		m.restStart = append(m.restStart, m.restLen)
		m.restRow = append(m.restRow, m.restRow[len(m.restRow)-1]+rows)
	}
	gp := grouper{emit: func(comp []byte, rows int) error {
		piece(restPiece{comp: slices.Clone(comp)}, uint64(len(comp)), uint32(rows))
		return nil
	}}
	fresh := func(j int) { _ = gp.add(pl.rest[pl.restAt[j]:pl.restAt[j+1]]) }
	rd := ix.newReader(false)
	j = 0
	for g := range groups {
		lo, hi := int(ix.restRow[g]), int(ix.restRow[g+1])
		if !touched[g] {
			gp.flush()
			piece(restPiece{g: g}, ix.restStart[g+1]-ix.restStart[g], uint32(hi-lo))
			continue
		}
		gr := rd.group(lo)
		if gr == nil {
			return nil, ErrIndexDamaged
		}
		for r := lo; r < hi; r++ {
			for ; j < len(pos) && pos[j] == r; j++ {
				fresh(j)
			}
			_ = gp.add(gr.encoded(r - lo))
		}
	}
	for ; j < len(pos); j++ {
		fresh(j)
	}
	gp.flush()
	return m, nil
}

// appendPlan is the new rows of an append, coded into copies of ix's
// dictionaries, and the old row each goes before.
type appendPlan struct {
	nw     *Index
	pos    []int
	add    []*audit.Event
	rest   []byte   // the new rows' rests, uncompressed (appendRest's form)
	restAt []uint64 // n+1 offsets into rest
}

// plan dedupes and sorts events against ix; nil when none is new.
func (ix *Index) plan(events []audit.Event) (*appendPlan, error) {
	if err := ix.Verify(); err != nil {
		return nil, err
	}
	ids := ix.ids()
	add, err := distinct(events, func(id string) bool { return ids.has(ix, id) })
	if err != nil || len(add) == 0 {
		return nil, err
	}
	if ix.n+len(add) > 1<<32-1 {
		return nil, fmt.Errorf("over %d events", 1<<32-1) // row numbers are uint32
	}

	b, err := ix.newRows(add)
	if err != nil {
		return nil, err
	}
	nw := b.ix

	// pos[j]: the old row new row j goes before.
	pos := make([]int, len(add))
	lo := 0
	for j, e := range add {
		t := nw.ts[j]
		r, _ := slices.BinarySearch(ix.ts[lo:], t)
		r += lo
		for r < ix.n && ix.ts[r] == t && string(ix.id(r)) < e.ID {
			r++
		}
		pos[j], lo = r, r
	}
	return &appendPlan{nw: nw, pos: pos, add: add, rest: b.rest, restAt: b.restAt}, nil
}

// distinct is events but those held (by id) and the later copies of an
// id, in (time, id) order; an event outside the years a row can hold is
// an error.
func distinct(events []audit.Event, held func(id string) bool) ([]*audit.Event, error) {
	seen := make(map[string]struct{}, len(events))
	add := make([]*audit.Event, 0, len(events))
	for i := range events {
		e := &events[i]
		if e.Time.Before(minTime) || e.Time.After(maxTime) {
			return nil, fmt.Errorf("event %q: time %s is outside 1678-2262", e.ID, e.Time)
		}
		if _, dup := seen[e.ID]; dup {
			continue
		}
		seen[e.ID] = struct{}{}
		if !held(e.ID) {
			add = append(add, e)
		}
	}
	slices.SortFunc(add, func(a, b *audit.Event) int {
		return cmp.Or(cmp.Compare(a.Time.UnixNano(), b.Time.UnixNano()), strings.Compare(a.ID, b.ID))
	})
	return add, nil
}

// newRows is the new rows of add, in its order, coded into copies of ix's
// dictionaries (which hold the counts of old and new rows); their rests
// uncompressed.
func (ix *Index) newRows(add []*audit.Event) (*builder, error) {
	b := &builder{fo: newFolder(), sorted: true, restAt: []uint64{0}, ix: &Index{
		scopeD: ix.scopeD.clone(), catD: ix.catD.clone(), actD: ix.actD.clone(),
		statusD: ix.statusD.clone(), userD: ix.userD.clone(), ipD: ix.ipD.clone(), wsD: ix.wsD.clone(),
		textStart: []uint64{0}, excStart: []uint64{0},
	}}
	for _, e := range add {
		if err := b.add(e); err != nil {
			return nil, err
		}
	}
	nw := b.ix
	nw.scopeD.extend(&b.fo, true)
	nw.catD.extend(&b.fo, true)
	nw.actD.extend(&b.fo, true)
	nw.userD.extend(&b.fo, true)
	nw.ipD.extend(&b.fo, true)
	nw.statusD.extend(&b.fo, false)
	nw.wsD.finish()
	return b, nil
}

// mergeRowsTo writes old's rows (size bytes each) with new row j inserted
// before old row pos[j].
func mergeRowsTo(w io.Writer, old, add []byte, size int, pos []int) error {
	prev := 0
	for j, p := range pos {
		if _, err := w.Write(old[prev*size : p*size]); err != nil {
			return err
		}
		if _, err := w.Write(add[j*size : (j+1)*size]); err != nil {
			return err
		}
		prev = p
	}
	_, err := w.Write(old[prev*size:])
	return err
}

// mergeOffsets writes the n+1 offsets of the arena mergeArenaTo writes.
func mergeOffsets(w io.Writer, oldStart, addStart []uint64, pos []int) error {
	buf := make([]byte, 0, 64<<10)
	put := func(v uint64) error {
		buf = binary.LittleEndian.AppendUint64(buf, v)
		if len(buf) == cap(buf) {
			_, err := w.Write(buf)
			buf = buf[:0]
			return err
		}
		return nil
	}
	n := len(oldStart) - 1
	delta := uint64(0) // the new rows' bytes before the old row at hand
	prev := 0
	for j, p := range pos {
		for _, s := range oldStart[prev:p] {
			if err := put(s + delta); err != nil {
				return err
			}
		}
		if err := put(oldStart[p] + delta); err != nil {
			return err
		}
		delta += addStart[j+1] - addStart[j]
		prev = p
	}
	for _, s := range oldStart[prev : n+1] {
		if err := put(s + delta); err != nil {
			return err
		}
	}
	_, err := w.Write(buf)
	return err
}

// mergeArenaTo writes old's rows' bytes with new row j's inserted before
// old row pos[j].
func mergeArenaTo(w io.Writer, old []byte, oldStart []uint64, add []byte, addStart []uint64, pos []int) error {
	prev := 0
	for j, p := range pos {
		if _, err := w.Write(old[oldStart[prev]:oldStart[p]]); err != nil {
			return err
		}
		if _, err := w.Write(add[addStart[j]:addStart[j+1]]); err != nil {
			return err
		}
		prev = p
	}
	_, err := w.Write(old[oldStart[prev]:])
	return err
}

// mergeRows returns old with add[j] inserted before old[pos[j]] (pos
// ascending).
func mergeRows[T any](old, add []T, pos []int) []T {
	out := make([]T, 0, len(old)+len(add))
	prev := 0
	for j, p := range pos {
		out = append(out, old[prev:p]...)
		out = append(out, add[j])
		prev = p
	}
	return append(out, old[prev:]...)
}

// mergeArena is mergeRows for an arena and its n+1 row offsets.
func mergeArena(old []byte, oldStart []uint64, add []byte, addStart []uint64, pos []int) ([]byte, []uint64) {
	n := len(oldStart) - 1
	arena := make([]byte, 0, len(old)+len(add))
	start := make([]uint64, 0, len(oldStart)+len(addStart)-1)
	oldRows := func(a, b int) {
		delta := uint64(len(arena)) - oldStart[a] // >= 0: rows before a are copied
		for _, s := range oldStart[a:b] {
			start = append(start, s+delta)
		}
		arena = append(arena, old[oldStart[a]:oldStart[b]]...)
	}
	prev := 0
	for j, p := range pos {
		oldRows(prev, p)
		start = append(start, uint64(len(arena)))
		arena = append(arena, add[addStart[j]:addStart[j+1]]...)
		prev = p
	}
	oldRows(prev, n)
	return arena, append(start, uint64(len(arena)))
}

// clone is a copy of d that codes can be added to without changing d.
func (d *dict) clone() *dict {
	d.lookups()
	d.foldedVals()
	return &dict{
		vals: slices.Clone(d.values()), folded: slices.Clone(d.folded), count: slices.Clone(d.count), lookup: maps.Clone(d.lookup),
		searched: d.searched,
	}
}

// extend folds the values added since clone (when searched) and ranks all.
func (d *dict) extend(fo *folder, searched bool) {
	if searched {
		for len(d.folded) < len(d.vals) {
			d.folded = append(d.folded, fo.string(d.vals[len(d.folded)]))
		}
	}
	d.rank = denseRanks(len(d.vals), func(a, b int) int { return strings.Compare(d.vals[a], d.vals[b]) })
}

func (d *wsDict) clone() *wsDict {
	return &wsDict{refs: slices.Clone(d.refs), count: slices.Clone(d.count), lookup: maps.Clone(d.lookup)}
}

// idIndex finds a row by id: per row, the top 32 bits of its id's hash
// then the row, in one ascending uint64. A hash match is checked against
// the row's id. It is built on the first Append and handed on to the index
// Append returns.
type idIndex struct {
	once sync.Once
	keys []uint64
}

// idSeed is per process: the hashes are never persisted.
var idSeed = maphash.MakeSeed()

func idKey(h uint64, row int) uint64 { return h&^(1<<32-1) | uint64(row) }

func (ix *Index) ids() *idIndex {
	ix.idx.once.Do(func() {
		keys := make([]uint64, ix.n)
		ix.eachID(func(i int, id []byte) { keys[i] = idKey(maphash.Bytes(idSeed, id), i) })
		slices.Sort(keys)
		ix.idx.keys = keys
	})
	return &ix.idx
}

// has says whether a row of ix has the id.
func (x *idIndex) has(ix *Index, id string) bool {
	h := idKey(maphash.String(idSeed, id), 0)
	k, _ := slices.BinarySearch(x.keys, h)
	for ; k < len(x.keys) && x.keys[k]>>32 == h>>32; k++ {
		if string(ix.id(int(uint32(x.keys[k])))) == id {
			return true
		}
	}
	return false
}

// merged is the keys of the index Append builds: the old rows renumbered
// around the inserted ones (add[j] at row pos[j]+j), and the new rows.
func (x *idIndex) merged(n int, add []*audit.Event, pos []int) []uint64 {
	newRow := make([]uint32, n) // old row -> row in the new index
	j := 0
	for r := range n {
		for j < len(pos) && pos[j] <= r {
			j++
		}
		newRow[r] = uint32(r + j)
	}
	fresh := make([]uint64, len(add))
	for j, e := range add {
		fresh[j] = idKey(maphash.String(idSeed, e.ID), pos[j]+j)
	}
	slices.Sort(fresh)
	out := make([]uint64, 0, len(x.keys)+len(fresh))
	f := 0
	for _, k := range x.keys {
		k = k&^(1<<32-1) | uint64(newRow[uint32(k)])
		for f < len(fresh) && fresh[f] < k {
			out = append(out, fresh[f])
			f++
		}
		out = append(out, k)
	}
	return append(out, fresh[f:]...)
}
