package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
)

// KeptResults is how many results Rows can still read, the newest kept.
const KeptResults = 8

// ErrQueryGone is returned for a query that is no longer held.
var ErrQueryGone = errors.New("this view's results were replaced by newer ones; run the query again")

// ErrNoRow is an offset past a result's end.
var ErrNoRow = errors.New("the view has no row")

// ErrBadQuery is a filter or sort the index refuses (the error says
// which).
var ErrBadQuery = errors.New("bad query")

type badQuery struct{ error }

func (badQuery) Is(target error) bool { return target == ErrBadQuery }

// lastID numbers results across every profile of the process, so a result
// of a profile switched away from is never mistaken for a new one.
var lastID atomic.Int64

// held is a profile's index snapshot, the marks of what the last sync
// added to it, and the recent results over it.
type held struct {
	ix      *query.Index
	fresh   map[string]bool // ids the last sync added to ix
	results []Result        // least recently used first
	// While a sync runs (beginMarks), what it adds is marked against the
	// snapshot held when it began, base, not against the snapshot of part
	// of it that a query installed on the way; and a first sync marks
	// nothing, every event being new.
	syncing, first bool
	base           *query.Index
}

// Result is one query's answer, held so that its rows can be read in
// windows; its rows stay those of the snapshot the query saw, whatever
// syncs land later.
type Result struct {
	ID int
	*query.Result
	Location *time.Location
	// Events and Newest are the snapshot's: matching / Events.
	Events int
	Newest time.Time
}

// Install makes ix the snapshot, unless the one held is newer, and returns
// the snapshot now held and how many events it adds to the one before. A
// query that built its index while a sync ran may get here after the sync
// installed its own: events are never removed, so the index with more of
// them is the newer, and an older one never replaces it (else the window
// would count fewer events than the cache until the next sync). Results
// over older snapshots are dropped but for the most recently used one,
// which the table may still be reading: each snapshot is a whole copy of
// the index.
func (pr *Profile) Install(ix *query.Index) (now *query.Index, added int) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	h := &pr.held
	if h.ix == ix {
		return ix, 0
	}
	if h.ix != nil {
		if ix.Len() < h.ix.Len() {
			return h.ix, 0
		}
		added = ix.Len() - h.ix.Len()
		if len(h.results) > 1 {
			h.results = h.results[len(h.results)-1:]
		}
	}
	from := h.ix
	if h.syncing {
		from = h.base
	}
	switch {
	case h.syncing && h.first:
		h.fresh = nil
	case from != nil:
		ids := ix.AddedTo(from)
		h.fresh = make(map[string]bool, len(ids))
		for _, id := range ids {
			h.fresh[id] = true
		}
	}
	h.ix = ix
	return ix, added
}

// beginMarks starts a sync's marks: what it adds is marked against the
// index held now (else the one saved), and nothing when first (the cache
// was empty). endMarks ends them.
func (pr *Profile) beginMarks(first bool) {
	pr.mu.Lock()
	base := pr.held.ix
	pr.mu.Unlock()
	if base == nil && !first {
		base = pr.loadIndex()
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.held.syncing, pr.held.first, pr.held.base = true, first, base
}

func (pr *Profile) endMarks() {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.held.syncing, pr.held.first, pr.held.base = false, false, nil
}

// NewMarks are the ids the last sync brought, to read without a lock (a
// sync replaces the map, never changes it): a window of rows asks once.
func (pr *Profile) NewMarks() map[string]bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.held.fresh
}

// Query filters, counts and sorts the profile's events and holds the
// result for Rows, Event and Locate.
func (pr *Profile) Query(ctx context.Context, f audit.Filter, s audit.Sort, loc *time.Location) (Result, error) {
	ix, err := pr.snapshot(ctx)
	if err != nil {
		return Result{}, err
	}
	opts, err := pr.queryOptions(f, loc)
	if err != nil {
		return Result{}, err
	}
	res, err := ix.Query(f, s, opts)
	if errors.Is(err, query.ErrIndexFormat) {
		// A damaged block of the saved index: rebuild it from the cache,
		// and query that.
		pr.damaged(ix, err)
		if ix, err = pr.snapshot(ctx); err != nil {
			return Result{}, err
		}
		res, err = ix.Query(f, s, opts)
	}
	if err != nil {
		return Result{}, badQuery{err}
	}
	r := Result{ID: int(lastID.Add(1)), Result: res, Location: loc, Events: ix.Len(), Newest: ix.Newest()}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.held.results = append(pr.held.results, r)
	if n := len(pr.held.results); n > KeptResults {
		pr.held.results = slices.Delete(pr.held.results, 0, n-KeptResults)
	}
	return r, nil
}

// Held is the result of query id, ErrQueryGone when it is no longer held.
func (pr *Profile) Held(id int) (Result, error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	rs := pr.held.results
	for i, r := range rs {
		if r.ID == id {
			// Most recently used last.
			pr.held.results = append(slices.Delete(rs, i, i+1), r)
			return r, nil
		}
	}
	return Result{}, ErrQueryGone
}

// Event is row offset of query id's result.
func (pr *Profile) Event(id, offset int) (audit.Event, *time.Location, error) {
	r, err := pr.Held(id)
	if err != nil {
		return audit.Event{}, nil, err
	}
	evs, err := pr.Rows(r, offset, 1)
	if err != nil {
		return audit.Event{}, nil, err
	}
	if len(evs) == 0 {
		return audit.Event{}, nil, fmt.Errorf("%w %d", ErrNoRow, offset)
	}
	return evs[0], r.Location, nil
}

// Values lists a column's values containing substring, most frequent
// first, at most limit.
func (pr *Profile) Values(ctx context.Context, f audit.Filter, field query.ValueField, substring string, limit int) ([]query.Count, error) {
	ix, err := pr.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	opts, err := pr.queryOptions(f, nil)
	if err != nil {
		return nil, err
	}
	vals, err := ix.ValuesIn(f, field, substring, limit, opts)
	if errors.Is(err, audit.ErrBadFilter) {
		return nil, badQuery{err}
	}
	return vals, err
}

// Rows are rows [offset, offset+limit) of a held result. A damaged block
// of the index under it drops the index (the next query rebuilds it) and
// gives ErrQueryGone, so that the view is queried again.
func (pr *Profile) Rows(r Result, offset, limit int) ([]audit.Event, error) {
	evs, err := r.Rows(offset, limit)
	if err != nil {
		return nil, pr.gone(r, err)
	}
	return evs, nil
}

// Locate is the position of the event id in a held result, -1 when the
// result does not hold it.
func (pr *Profile) Locate(r Result, id string) (int, error) {
	at := r.IndexOf(id)
	if err := r.Err(); err != nil {
		return -1, pr.gone(r, err)
	}
	return at, nil
}

// Summary counts a held result's events by one or two fields
// (query.Result.GroupBy), days, weeks and months in the result's zone. A
// bad field is ErrBadQuery; a damaged block of the index is handled as
// Rows handles it.
func (pr *Profile) Summary(r Result, by []query.GroupField, top int) (*query.Summary, error) {
	s, err := r.GroupBy(by, top, r.Location)
	if errors.Is(err, audit.ErrBadFilter) {
		return nil, badQuery{err}
	}
	if err != nil {
		return nil, pr.gone(r, err)
	}
	return s, nil
}

func (pr *Profile) gone(r Result, err error) error {
	pr.damaged(r.Index(), err)
	return fmt.Errorf("%w: the saved query index is damaged, and is rebuilt from the cache: %w", ErrQueryGone, err)
}

// damaged drops ix, the snapshot read from a damaged index file, and the
// file, so that the next query rebuilds both from the cache.
func (pr *Profile) damaged(ix *query.Index, err error) {
	pr.log.Warn("the saved query index is damaged; rebuilding it from the cache", "profile", pr.Info().Name, "err", err)
	pr.mu.Lock()
	if pr.held.ix == ix {
		pr.held = held{}
	}
	pr.mu.Unlock()
	pr.building.Lock()
	defer pr.building.Unlock()
	// Unless another process has saved a good one since.
	if cur, err := query.OpenFile(pr.indexPath()); errors.Is(err, query.ErrIndexFormat) || err == nil && cur.Verify() != nil {
		_ = os.Remove(pr.indexPath())
	}
}
