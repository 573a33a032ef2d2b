package query

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Index is an immutable, columnar snapshot of the cached events; any number
// of goroutines may query it at once. Row i is the i-th event in (time, id)
// order, so a row number is also the sort's tie-break. See doc.go for the
// layout.
type Index struct {
	n  int
	ts []int64 // UnixNano, ascending; ties by id

	scope, cat, act, status, user, ws, ip   []uint32 // dictionary codes per row
	scopeD, catD, actD, statusD, userD, ipD *dict
	wsD                                     *wsDict

	// text holds per row the target, then the description, as they came:
	// what the table shows and a search scans (search.go), lowering ASCII
	// letters as it compares. textMid's foldedBit marks the rows whose
	// text folds otherwise (NFC, a non-ASCII capital, ß): their folded
	// text is in exc, searched in its place.
	text      []byte
	textStart []uint64     // n+1 offsets into text
	textMid   []uint32     // end of the target, relative to textStart[i]; | foldedBit
	freq      *[256]uint32 // byte counts of a sample of text (see byteFreq)
	freqN     int          // the sample's length

	// idLen is the shortest and the longest event ID, so a search term of
	// another length is known not to be one without reading the IDs.
	idLen idLens

	// exc is the folded target and description of the rows marked
	// foldedBit, excRow ascending.
	exc      []byte
	excStart []uint64 // m+1 offsets into exc
	excRow   []uint32 // the row of each
	excMid   []uint32 // end of the folded target, relative to excStart[k]

	// rest holds per row id and details, compressed in groups
	// of up to restGroup rows (rest.go); restStart is each group's offset
	// in it, restRow its first row (groups+1 of each).
	rest      []byte
	restStart []uint64
	restRow   []uint32

	// Ranks of target and description per row, built on the first sort by
	// them (a comparison sort of every row, too costly for every Build).
	targetRank, descRank lazyRank
	idRanks              lazyRank // of the event IDs, on the first sort by them

	// The ASCII letters of each row's folded text, made by WarmSearch
	// (letters.go).
	letters letterMasks

	idx idIndex // ids by hash, for Append's dedupe (append.go)

	// file is the mapped file the columns above lie in, checked as they
	// are read (verify.go); nil for an index built in memory.
	file *checked
}

// idLens are the bounds of the IDs' lengths; zero-valued, no ID.
type idLens struct{ lo, hi uint32 }

func (l *idLens) add(id string) {
	n := uint32(min(len(id), 1<<31))
	if l.hi == 0 || n < l.lo {
		l.lo = n
	}
	l.hi = max(l.hi, n)
}

func (l idLens) with(o idLens) idLens {
	switch {
	case o.hi == 0:
		return l
	case l.hi == 0:
		return o
	}
	return idLens{min(l.lo, o.lo), max(l.hi, o.hi)}
}

// holds says whether an ID could be n bytes long.
func (l idLens) holds(n int) bool {
	return l.hi > 0 && uint64(n) >= uint64(l.lo) && uint64(n) <= uint64(l.hi)
}

type lazyRank struct {
	once sync.Once
	rank []uint32
}

// Len is the number of events in the index.
func (ix *Index) Len() int { return ix.n }

// Newest is the newest event's timestamp, zero for an empty index.
func (ix *Index) Newest() time.Time {
	if ix.n == 0 {
		return time.Time{}
	}
	return time.Unix(0, ix.ts[ix.n-1]).UTC()
}

// Oldest is the oldest event's timestamp, zero for an empty index.
func (ix *Index) Oldest() time.Time {
	if ix.n == 0 {
		return time.Time{}
	}
	return time.Unix(0, ix.ts[0]).UTC()
}

// foldedBit marks in textMid a row whose text is searched in exc.
const foldedBit = 1 << 31

// mid is the end of row i's target in its text.
func (ix *Index) mid(i int) uint64 { return uint64(ix.textMid[i] &^ foldedBit) }

// shown returns row i's target (k 1) or description (k 2); nil when the
// file's blocks holding it are damaged (see Err).
func (ix *Index) shown(i, k int) []byte {
	t := ix.rowText(i)
	if t == nil {
		return nil
	}
	if k == 1 {
		return t[:ix.mid(i)]
	}
	return t[ix.mid(i):]
}

// rowText is row i's target and description, end to end; nil when the
// file's blocks holding it are damaged (see Err).
func (ix *Index) rowText(i int) []byte {
	lo, hi := ix.textStart[i], ix.textStart[i+1]
	if !ix.need(textCols...) || !ix.needBytes(secText, lo, hi) {
		return nil
	}
	if lo == hi {
		return []byte{} // not nil, which says damaged: an index of no text has a nil arena
	}
	return ix.text[lo:hi:hi]
}

// scattered says whether rows are better read apart from the file than
// through the mapping: an index read from a mapped file whose rows' groups
// lie on average more than scatterGap apart (a filter's result), not one
// after the other (a view in time order, an export). A mapped read brings
// in its neighbours (the kernel's fault-around, 64 KiB); a read apart
// takes the group's own blocks only.
func (ix *Index) scattered(rows []uint32) bool {
	if ix.file == nil || ix.file.f == nil || len(rows) < 2 || !ix.need(restCols...) {
		return false
	}
	seen := newRowBits(0, len(ix.restStart)-1)
	lo, hi := ^uint64(0), uint64(0)
	for _, r := range rows {
		g := ix.groupOf(int(r))
		seen.set(g)
		lo, hi = min(lo, ix.restStart[g]), max(hi, ix.restStart[g+1])
	}
	return hi-lo > uint64(seen.count())*scatterGap
}

// scatterGap is the fault-around of a mapped read (a variable for tests).
var scatterGap uint64 = 64 << 10

// rowsReadApart counts the groups read from the file apart, for tests of
// which way rows go.
var rowsReadApart atomic.Int64

// text is row i's target and description, end to end, through the
// mapping or read apart; false when the file's blocks holding it are
// damaged (see Err).
func (rd *rowReader) text(i int) ([]byte, bool) {
	ix := rd.ix
	if !rd.apart || ix.file == nil || ix.file.f == nil {
		t := ix.rowText(i)
		return t, t != nil
	}
	if !ix.need(textCols...) {
		return nil, false
	}
	base := ix.file.spans[secText][0]
	return ix.file.read(secText, base+ix.textStart[i], base+ix.textStart[i+1], &rd.tbuf)
}

// event is row i as an audit.Event; an empty one when the file's blocks
// holding it are damaged (Err says so). The row is copied once, and the
// event's strings and details share the copy, apart; the copies of many
// rows share an allocation (alloc).
func (rd *rowReader) event(i int) audit.Event {
	ix := rd.ix
	if !ix.needBytes(secIP, 4*uint64(i), 4*uint64(i)+4) {
		return audit.Event{}
	}
	e := ix.coded(i)
	text, ok := rd.text(i)
	if !ok {
		return audit.Event{}
	}
	gr := rd.group(i)
	if gr == nil {
		return audit.Event{}
	}
	a := gr.row(i)
	rest := gr.buf[a[0]:a[3]]
	b := rd.alloc(len(rest) + len(text))
	b = append(append(b, rest...), text...)
	str := func(lo, hi uint64) string {
		if hi <= lo {
			return ""
		}
		return unsafe.String(&b[lo], hi-lo)
	}
	id, ip, det := uint64(a[1]-a[0]), uint64(a[2]-a[0]), uint64(a[3]-a[0])
	mid := det + ix.mid(i)
	e.ID = str(0, id)
	e.Target, e.Description = str(det, mid), str(mid, uint64(len(b)))
	if det > ip {
		// Capped: an append to the details never writes past them.
		e.Details = b[ip:det:det]
	}
	return e
}

// coded is row i's event with the fields held in the columns: time and
// dictionary values (rowCols checked, and row i's source IP).
func (ix *Index) coded(i int) audit.Event {
	e := audit.Event{
		Time:     time.Unix(0, ix.ts[i]).UTC(),
		User:     ix.userD.vals[ix.user[i]],
		Scope:    audit.Scope(ix.scopeD.vals[ix.scope[i]]),
		Category: ix.catD.vals[ix.cat[i]],
		Action:   ix.actD.vals[ix.act[i]],
		Status:   audit.Status(ix.statusD.vals[ix.status[i]]),
		SourceIP: ix.ipD.values()[ix.ip[i]], // checked by the caller
	}
	if c := ix.ws[i]; c != 0 {
		ref := ix.wsD.refs[c]
		e.Workspace = &ref
	}
	return e
}

// freeRank returns the per-row dense rank of field k (1 target,
// 2 description), computing it once.
func (ix *Index) freeRank(k int) []uint32 {
	lr := &ix.targetRank
	if k == 2 {
		lr = &ix.descRank
	}
	lr.once.Do(func() {
		lr.rank = denseRanks(ix.n, func(a, b int) int { return bytes.Compare(ix.shown(a, k), ix.shown(b, k)) })
	})
	return lr.rank
}

// idRank returns the per-row dense rank of the event IDs, computing it
// once (every row's id read from rest).
func (ix *Index) idRank() []uint32 {
	lr := &ix.idRanks
	lr.once.Do(func() {
		ids := make([]string, ix.n)
		ix.eachID(func(i int, id []byte) { ids[i] = string(id) })
		lr.rank = denseRanks(ix.n, func(a, b int) int { return strings.Compare(ids[a], ids[b]) })
	})
	return lr.rank
}

// rowOrder compares rows a and b of arrival data by (time, id), for a Build
// whose input was not in order.
func rowOrder(ts []int64, id func(int) []byte) func(a, b int) int {
	return func(a, b int) int {
		return cmp.Or(cmp.Compare(ts[a], ts[b]), bytes.Compare(id(a), id(b)), cmp.Compare(a, b))
	}
}

// timeRange returns the rows [lo, hi) with from <= time < to; a zero bound
// is open.
func (ix *Index) timeRange(from, to time.Time) (lo, hi int) {
	lo, hi = 0, ix.n
	if !from.IsZero() && from.After(minTime) {
		if from.After(maxTime) {
			return ix.n, ix.n
		}
		f := from.UnixNano()
		lo, _ = slices.BinarySearch(ix.ts, f)
	}
	if !to.IsZero() && !to.After(maxTime) {
		if !to.After(minTime) {
			return 0, 0
		}
		t := to.UnixNano()
		hi, _ = slices.BinarySearch(ix.ts, t)
	}
	return lo, max(hi, lo)
}

// The instants a UnixNano can hold.
var (
	minTime = time.Unix(0, -1<<63)
	maxTime = time.Unix(0, 1<<63-1)
)
