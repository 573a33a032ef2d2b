package query

import (
	"sort"
	"time"
)

// maxBuckets bounds a histogram: the smallest unit of the ladder that
// covers the matched time range in at most this many buckets is taken;
// the ladder's steps are at most 10x apart, so there are 20 or more
// buckets whenever the range allows.
const maxBuckets = 200

type unitKind int

const (
	kSecond unitKind = iota
	kMinute
	kHour
	kDay
	kWeek
	kMonth
	kYear
)

// unit is a bucket size: n of kind, about approx long.
type unit struct {
	kind   unitKind
	n      int
	approx time.Duration
}

const day = 24 * time.Hour

var ladder = []unit{
	{kSecond, 1, time.Second},
	{kSecond, 10, 10 * time.Second},
	{kMinute, 1, time.Minute},
	{kMinute, 5, 5 * time.Minute},
	{kMinute, 15, 15 * time.Minute},
	{kHour, 1, time.Hour},
	{kHour, 3, 3 * time.Hour},
	{kHour, 6, 6 * time.Hour},
	{kDay, 1, day},
	{kWeek, 1, 7 * day},
	{kMonth, 1, 31 * day},
	{kMonth, 3, 92 * day},
	{kYear, 1, 366 * day},
	{kYear, 10, 3653 * day},
	{kYear, 100, 36525 * day},
}

// pickUnit is the smallest unit covering [lo, hi] in at most maxBuckets.
func pickUnit(lo, hi time.Time) unit {
	span := hi.Sub(lo)
	for _, u := range ladder {
		if span/u.approx+1 < maxBuckets {
			return u
		}
	}
	return ladder[len(ladder)-1]
}

// floor is the start, in loc, of the bucket of u that holds t. Weeks start
// on Monday.
func (u unit) floor(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	y, mo, d := lt.Date()
	h, mi, s := lt.Clock()
	var f time.Time
	switch u.kind {
	case kSecond:
		f = time.Date(y, mo, d, h, mi, s-s%u.n, 0, loc)
	case kMinute:
		f = time.Date(y, mo, d, h, mi-mi%u.n, 0, 0, loc)
	case kHour:
		f = time.Date(y, mo, d, h-h%u.n, 0, 0, 0, loc)
	case kDay:
		f = time.Date(y, mo, d, 0, 0, 0, 0, loc)
	case kWeek:
		f = time.Date(y, mo, d-(int(lt.Weekday())+6)%7, 0, 0, 0, 0, loc)
	case kMonth:
		f = time.Date(y, mo-(mo-1)%time.Month(u.n), 1, 0, 0, 0, 0, loc)
	default:
		f = time.Date(y-y%u.n, 1, 1, 0, 0, 0, 0, loc)
	}
	if f.After(t) { // a wall time a DST change made ambiguous
		f = f.Add(-u.approx)
	}
	return f
}

// next is the start of the bucket after the one starting at start.
func (u unit) next(start time.Time, loc *time.Location) time.Time {
	n := u.floor(start.Add(u.approx*3/2), loc)
	if !n.After(start) {
		n = start.Add(u.approx)
	}
	return n
}

// histogram counts rows (in time order) per bucket, from the first
// matched event's bucket to the last's, empty buckets included. Each
// bucket's end is found by a binary search over rows.
func (ix *Index) histogram(rows []uint32, loc *time.Location) []Bucket {
	lo := time.Unix(0, ix.ts[rows[0]])
	hi := time.Unix(0, ix.ts[rows[len(rows)-1]])
	u := pickUnit(lo, hi)
	cur := Bucket{Start: u.floor(lo, loc)}
	nextT := u.next(cur.Start, loc)
	var out []Bucket
	for i := 0; ; {
		cur.End = nextT
		if nextT.After(maxTime) {
			cur.Count += len(rows) - i
			break
		}
		next := nextT.UnixNano()
		j := i + sort.Search(len(rows)-i, func(k int) bool { return ix.ts[rows[i+k]] >= next })
		cur.Count += j - i
		if i = j; i == len(rows) {
			break
		}
		out = append(out, cur)
		cur = Bucket{Start: nextT}
		nextT = u.next(cur.Start, loc)
	}
	return append(out, cur)
}
