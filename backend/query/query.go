package query

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Options tune what a Query computes besides the rows.
type Options struct {
	TopUsers int            // users in Facets.Users; 0 or less means 10
	Location *time.Location // where histogram buckets start (midnight, Monday, the 1st); nil means UTC
	// Tagged lists the IDs of the events carrying any of the filter's
	// tags (marks.Set.Tagged); nil when no event is marked.
	Tagged func(tags []string) []string
}

// Count is one facet value and how many matched events have it.
type Count struct {
	Value string
	N     int
}

// Facets count the values of the events the current filter matches, each
// sorted by N descending, then Value. Scopes ignore the filter's scope, so
// a scope select can show the other scopes' counts; Categories ignore the
// filter's categories (the scope still applies); Statuses and Users (the
// top Options.TopUsers) apply the whole filter.
type Facets struct {
	Scopes, Categories, Statuses []Count
	Users                        []Count
}

// Bucket is one histogram bar: events with Start <= time < End; End is
// the next bucket's Start.
type Bucket struct {
	Start, End time.Time
	Count      int
}

// Result is one query's answer over one Index snapshot. It stays valid,
// and unchanged, however many Indexes are built after it.
type Result struct {
	Total     int
	Facets    Facets
	Histogram []Bucket // contiguous, empty buckets included; nil when Total is 0

	ix   *Index
	rows []uint32 // the matched rows, sorted

	mu        sync.Mutex
	rd        *rowReader // Rows' reader: the groups it keeps serve the next call
	timeOrder bool       // rows ascend or descend in row order: no group comes back
}

// Query filters, counts and sorts. A bad filter or sort gives an error
// wrapping audit.ErrBadFilter.
func (ix *Index) Query(f audit.Filter, s audit.Sort, opts Options) (*Result, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	if s.Field == "" {
		s.Field = audit.SortTimestamp
	}
	if !slices.Contains(audit.SortFields, s.Field) {
		return nil, fmt.Errorf("query: %w: sort: %q is not a column", audit.ErrBadFilter, s.Field)
	}
	if opts.TopUsers <= 0 {
		opts.TopUsers = 10
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}

	m := ix.newMatcher(f, opts)
	if !ix.need(rowCols...) || m.searching && !ix.need(textCols...) || (m.ipHit != nil || s.Field == audit.SortSourceIP) && !ix.need(secIP) {
		return nil, fmt.Errorf("query: %w", ErrIndexDamaged)
	}
	lo, hi := ix.timeRange(f.From, f.To)
	t := tally{
		scopeN:  make([]int, len(ix.scopeD.vals)),
		catN:    make([]int, len(ix.catD.vals)),
		statusN: make([]int, len(ix.statusD.vals)),
		userN:   make([]int, len(ix.userD.vals)),
	}
	ix.run(m, lo, hi, &t)
	rows := t.rows

	r := &Result{Total: len(rows), ix: ix, timeOrder: s.Field == audit.SortTimestamp}
	r.Facets = Facets{
		Scopes:     counts(ix.scopeD.vals, t.scopeN, 0),
		Categories: counts(ix.catD.vals, t.catN, 0),
		Statuses:   counts(ix.statusD.vals, t.statusN, 0),
		Users:      counts(ix.userD.vals, t.userN, opts.TopUsers),
	}
	if len(rows) > 0 {
		r.Histogram = ix.histogram(rows, opts.Location)
	}
	r.rows = ix.sortRows(rows, s)
	if err := ix.Err(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return r, nil
}

// counts lists the values with a non-zero count, by N descending then
// Value; top > 0 keeps only the first top.
func counts(vals []string, n []int, top int) []Count {
	out := []Count{}
	for c, k := range n {
		if k > 0 {
			out = append(out, Count{Value: vals[c], N: k})
		}
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Value, b.Value)) })
	if top > 0 && len(out) > top {
		out = out[:top:top]
	}
	return out
}

// Rows returns the events at [offset, offset+limit) of the sorted result,
// fewer at the end and none past it or for a limit of 0 or less. The
// events are copies: changing them changes nothing in the index. The
// error is the index's Err: a block of its file holding these rows is
// damaged.
func (r *Result) Rows(offset, limit int) ([]audit.Event, error) {
	offset = max(offset, 0)
	if limit <= 0 || offset >= len(r.rows) {
		return []audit.Event{}, nil
	}
	end := offset + min(limit, len(r.rows)-offset)
	out := make([]audit.Event, 0, end-offset)
	rows := r.rows[offset:end]
	r.mu.Lock()
	defer r.mu.Unlock()
	rd := r.reader(rows)
	for _, row := range rows {
		out = append(out, rd.event(int(row)))
	}
	if err := r.ix.Err(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return out, nil
}

// reader is the Result's rowReader, set to read rows apart from the file
// when they are few and far apart (Index.scattered).
func (r *Result) reader(rows []uint32) *rowReader {
	if r.rd == nil {
		r.rd = r.ix.newReader(false)
		r.rd.once = r.timeOrder
	}
	r.rd.apart = r.sparse() && r.ix.scattered(rows)
	return r.rd
}

// Err is the index's Err: the result must not be shown once it is set.
func (r *Result) Err() error { return r.ix.Err() }

// Ready checks that rows [offset, offset+limit) can be read, so that a
// caller that streams them (a CLI's output, an export) knows before it
// writes the first: it checks the blocks of the index file holding them,
// all of them when the rows are many.
func (r *Result) Ready(offset, limit int) error {
	ix := r.ix
	offset = max(offset, 0)
	end := min(len(r.rows), offset+max(limit, 0))
	if ix.file == nil || offset >= end {
		return ix.Err()
	}
	rows := r.rows[offset:end]
	r.mu.Lock()
	defer r.mu.Unlock()
	rd := r.reader(rows)
	switch {
	case !ix.need(textCols...) || !ix.need(restCols...):
	case rd.apart:
		// As Rows will read them: from the file, leaving nothing mapped.
		for _, row := range rows {
			if _, ok := rd.text(int(row)); !ok || rd.group(int(row)) == nil {
				break
			}
		}
	case len(rows)*blockSize > len(ix.text)+len(ix.rest):
		ix.need(secText, secRest)
	default:
		for _, row := range rows {
			g := ix.groupOf(int(row))
			if !ix.needBytes(secText, ix.textStart[row], ix.textStart[row+1]) ||
				!ix.needBytes(secRest, ix.restStart[g], ix.restStart[g+1]) {
				break
			}
		}
	}
	if err := ix.Err(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	return nil
}

// sparse says whether the result holds few enough of the index's rows
// (under 1/16) that they are best read apart (Index.scattered); a larger
// one maps most of the pages anyway, and reading through the mapping is
// quicker.
func (r *Result) sparse() bool { return len(r.rows)*16 < r.ix.n }

// Index is the snapshot the result was made over.
func (r *Result) Index() *Index { return r.ix }
