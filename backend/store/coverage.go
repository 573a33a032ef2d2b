package store

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Coverage: the time intervals the cache is known complete for, kept under
// 'g' as sorted, disjoint [start, end) pairs (UnixNano, 8 bytes each) and
// grown by every committed page in its own transaction. The API serves a
// window in (timestamp, id) order, so once a page is committed everything
// from the window's start up to the page's newest event is in the cache;
// a finished window is complete up to the ingestion delay before the run
// began (an event may become visible up to 15 minutes after its time).
// A run that fails part-way covers what its pages reached; what it did
// not reach stays a gap until a later sync fills it.
const keyCoverage = 'g'

// Interval is a span of time, start inclusive, end exclusive.
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// PastRetention says whether a gap ended at least the platform's 12 months
// before now: the platform no longer has its events, so no sync can fill it.
func (iv Interval) PastRetention(now time.Time) bool {
	return !iv.End.After(audit.RetentionStart(now))
}

type span struct{ start, end int64 }

func readCoverage(txn *badger.Txn) ([]span, error) {
	out, _, err := readKey(txn, keyCoverage, decodeCoverage)
	return out, err
}

func decodeCoverage(v []byte) ([]span, error) {
	if len(v)%16 != 0 {
		return nil, fmt.Errorf("store: %w: coverage of %d bytes", errBadValue, len(v))
	}
	var out []span
	for i := 0; i < len(v); i += 16 {
		out = append(out, span{int64(binary.BigEndian.Uint64(v[i:])), int64(binary.BigEndian.Uint64(v[i+8:]))})
	}
	return out, nil
}

func encodeCoverage(sp []span) []byte {
	b := make([]byte, 0, 16*len(sp))
	for _, s := range sp {
		b = binary.BigEndian.AppendUint64(b, uint64(s.start))
		b = binary.BigEndian.AppendUint64(b, uint64(s.end))
	}
	return b
}

// addSpan merges s into the sorted, disjoint list.
func addSpan(list []span, s span) []span {
	if s.end <= s.start {
		return list
	}
	out := make([]span, 0, len(list)+1)
	for _, x := range list {
		switch {
		case x.end < s.start || x.start > s.end:
			out = append(out, x)
		default: // overlapping or touching: absorb
			s.start, s.end = min(s.start, x.start), max(s.end, x.end)
		}
	}
	out = append(out, s)
	slices.SortFunc(out, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	return out
}

// pageSpan is what a committed page proves complete: from the window's
// start (the oldest event held, for a first sync's open window) to the
// page's newest event, or, for the last page, to the ingestion delay
// before the run began; never past that. Nor from further back than the
// platform's retention when the run began: what was older than 12 months
// then may have been removed before it was served, so a cache synced too
// seldom shows the months it missed as a gap.
func pageSpan(cp Checkpoint, events []audit.Event, c counters) span {
	start := cp.WindowStart
	if start.IsZero() {
		if c.events == 0 {
			return span{}
		}
		start = decodeTime(c.oldest)
	}
	limit := cp.RunStarted
	if limit.IsZero() {
		limit = cp.SyncedAt
	}
	if limit.IsZero() {
		return span{}
	}
	if kept := audit.RetentionStart(limit); start.Before(kept) {
		start = kept
	}
	limit = limit.Add(-audit.IngestionDelay)
	end := limit
	if !cp.Complete {
		var newest time.Time
		for i := range events {
			if events[i].Time.After(newest) {
				newest = events[i].Time
			}
		}
		if newest.IsZero() || newest.After(limit) {
			newest = limit
		}
		end = newest
	}
	if !timeInRange(start) || !timeInRange(end) {
		return span{}
	}
	return span{start.UnixNano(), end.UnixNano()}
}

// updateCoverage adds the page's span in txn.
func updateCoverage(txn *badger.Txn, cp Checkpoint, events []audit.Event, c counters) error {
	s := pageSpan(cp, events, c)
	if s.end <= s.start {
		return nil
	}
	list, err := readCoverage(txn)
	if err != nil {
		return err
	}
	next := addSpan(list, s)
	if slices.Equal(next, list) {
		return nil
	}
	return setAll(txn, []byte{keyCoverage}, encodeCoverage(next))
}

// Coverage is the cache's complete intervals, oldest first, and the gaps
// between the oldest and the newest event it holds that no sync covered.
func (s *Store) Coverage() (covered, gaps []Interval, err error) {
	err = s.view(func(txn *badger.Txn) error {
		list, err := readCoverage(txn)
		if err != nil {
			return err
		}
		c, err := readCounters(txn)
		if err != nil {
			return err
		}
		cp, _, err := readCheckpoint(txn)
		if err != nil {
			return err
		}
		covered, gaps = intervals(list, c, cp.Complete)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: coverage: %w", err)
	}
	return covered, gaps, nil
}

// intervals lists the spans and the gaps between the oldest and newest
// event held. After a finished sync, the events newer than its coverage
// are those of its last 15 minutes, which the next sync reads again: they
// are not a gap; after a run that stopped part-way they are.
func intervals(list []span, c counters, lastComplete bool) (covered, gaps []Interval) {
	covered, gaps = []Interval{}, []Interval{}
	at := func(n int64) time.Time { return time.Unix(0, n).UTC() }
	for _, s := range list {
		covered = append(covered, Interval{at(s.start), at(s.end)})
	}
	if c.events == 0 {
		return covered, gaps
	}
	lo, hi := decodeTime(c.oldest).UnixNano(), decodeTime(c.newest).UnixNano()
	cur := lo
	for _, s := range list {
		if s.end <= cur {
			continue
		}
		if s.start > cur && cur < hi {
			gaps = append(gaps, Interval{at(cur), at(min(s.start, hi))})
		}
		cur = max(cur, s.end)
	}
	if cur < hi && (!lastComplete || len(list) == 0) {
		gaps = append(gaps, Interval{at(cur), at(hi)})
	}
	return covered, gaps
}
