package query

import (
	"bytes"
	"cmp"
	"slices"
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

	scope, cat, act, status, user, ws  []uint32 // dictionary codes per row
	scopeD, catD, actD, statusD, userD *dict
	wsD                                *wsDict

	// raw holds per row: id, target, description, source_ip, details.
	raw      []byte
	rawStart []uint64    // n+1 offsets into raw
	rawEnd   [][4]uint32 // ends of id, target, description, source_ip, relative to rawStart[i]; details runs to rawStart[i+1]

	// text holds per row the folded target, then the folded description.
	text      []byte
	textStart []uint64     // n+1 offsets into text
	textMid   []uint32     // end of the folded target, relative to textStart[i]
	freq      *[256]uint32 // byte counts of a sample of text (see byteFreq)
	freqN     int          // the sample's length

	// Ranks of target and description per row, built on the first sort by
	// them (a comparison sort of every row, too costly for every Build).
	targetRank, descRank lazyRank

	idx idIndex // ids by hash, for Append's dedupe (append.go)

	// file is the mapped file the columns above lie in, checked as they
	// are read (verify.go); nil for an index built in memory.
	file *checked
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

// field returns raw field k (0 id, 1 target, 2 description, 3 source_ip,
// 4 details) of row i; nil when the file's blocks holding it are damaged
// (see Err).
func (ix *Index) field(i, k int) []byte {
	if !ix.need(rawCols...) || !ix.needBytes(secRaw, ix.rawStart[i], ix.rawStart[i+1]) {
		return nil
	}
	base := ix.rawStart[i]
	lo := base
	if k > 0 {
		lo = base + uint64(ix.rawEnd[i][k-1])
	}
	hi := ix.rawStart[i+1]
	if k < 4 {
		hi = base + uint64(ix.rawEnd[i][k])
	}
	return ix.raw[lo:hi]
}

// rowText says whether row i's search text can be read (see Err).
func (ix *Index) rowText(i int) bool {
	return ix.need(textCols...) && ix.needBytes(secText, ix.textStart[i], ix.textStart[i+1])
}

// foldedTarget and foldedDesc are row i's search text, once rowText said
// it can be read.
func (ix *Index) foldedTarget(i int) []byte {
	lo := ix.textStart[i]
	return ix.text[lo : lo+uint64(ix.textMid[i])]
}

func (ix *Index) foldedDesc(i int) []byte {
	return ix.text[ix.textStart[i]+uint64(ix.textMid[i]) : ix.textStart[i+1]]
}

// scattered says whether rows are better read apart from the file than
// through the mapping: an index read from a mapped file whose rows lie
// far apart in raw (a filter's result), not one after the other (a view
// in time order, an export). Reading maps fewer pages; mapping reads
// neighbours along.
func (ix *Index) scattered(rows []uint32) bool {
	if ix.file == nil || ix.file.f == nil || len(rows) < 2 || !ix.need(rawCols...) {
		return false
	}
	lo, hi, sum := ^uint64(0), uint64(0), uint64(0)
	for _, r := range rows {
		a, b := ix.rawStart[r], ix.rawStart[r+1]
		lo, hi, sum = min(lo, a), max(hi, b), sum+b-a
	}
	return hi-lo > 16*sum+64<<10
}

// rowsReadApart counts readRow's rows, for tests of which way rows go.
var rowsReadApart atomic.Int64

// readRow is row i's raw bytes read from the file (checked.read) into buf;
// nil when its blocks are damaged (Err).
func (ix *Index) readRow(i int, buf *[]byte) []byte {
	if !ix.need(rawCols...) {
		return nil
	}
	base := ix.file.spans[secRaw][0]
	rowsReadApart.Add(1)
	b, ok := ix.file.read(base+ix.rawStart[i], base+ix.rawStart[i+1], buf)
	if !ok {
		return nil
	}
	return b
}

// eventFrom is event with row i's raw bytes given (readRow, or row). The
// row is copied once, and the event's strings and details share the copy,
// apart: one allocation a row where there were five.
func (ix *Index) eventFrom(i int, raw []byte) audit.Event {
	end := ix.rawEnd[i]
	if len(raw) < int(end[3]) {
		return audit.Event{} // a damaged row: Err says so
	}
	e := ix.coded(i)
	if len(raw) == 0 {
		return e
	}
	b := bytes.Clone(raw)
	str := func(lo, hi uint32) string {
		if hi <= lo {
			return ""
		}
		return unsafe.String(&b[lo], hi-lo)
	}
	e.ID, e.Target, e.Description, e.SourceIP = str(0, end[0]), str(end[0], end[1]), str(end[1], end[2]), str(end[2], end[3])
	if int(end[3]) < len(b) {
		// Capped: an append to the details never writes past them.
		e.Details = b[end[3]:len(b):len(b)]
	}
	return e
}

// row is row i's raw bytes in the mapping (or memory); nil when the
// file's blocks holding them are damaged (see Err).
func (ix *Index) row(i int) []byte {
	lo, hi := ix.rawStart[i], ix.rawStart[i+1]
	if !ix.need(rawCols...) || !ix.needBytes(secRaw, lo, hi) {
		return nil
	}
	return ix.raw[lo:hi]
}

// coded is row i's event with the fields held in the columns: time and
// dictionary values.
func (ix *Index) coded(i int) audit.Event {
	e := audit.Event{
		Time:     time.Unix(0, ix.ts[i]).UTC(),
		User:     ix.userD.vals[ix.user[i]],
		Scope:    audit.Scope(ix.scopeD.vals[ix.scope[i]]),
		Category: ix.catD.vals[ix.cat[i]],
		Action:   ix.actD.vals[ix.act[i]],
		Status:   audit.Status(ix.statusD.vals[ix.status[i]]),
	}
	if c := ix.ws[i]; c != 0 {
		ref := ix.wsD.refs[c]
		e.Workspace = &ref
	}
	return e
}

// event rebuilds row i as an audit.Event. Nothing in it aliases the index.
func (ix *Index) event(i int) audit.Event { return ix.eventFrom(i, ix.row(i)) }

// freeRank returns the per-row dense rank of raw field k (1 target,
// 2 description), computing it once.
func (ix *Index) freeRank(k int) []uint32 {
	lr := &ix.targetRank
	if k == 2 {
		lr = &ix.descRank
	}
	lr.once.Do(func() {
		lr.rank = denseRanks(ix.n, func(a, b int) int { return bytes.Compare(ix.field(a, k), ix.field(b, k)) })
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
