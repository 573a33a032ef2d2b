package query

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Options tune what a Query computes besides the rows.
type Options struct {
	TopUsers int            // users in Facets.Users; 0 or less means 10
	Location *time.Location // where histogram buckets start (midnight, Monday, the 1st); nil means UTC
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

// Bucket is one histogram bar: events with Start <= time < the next
// bucket's Start.
type Bucket struct {
	Start time.Time
	Count int
}

// Result is one query's answer over one Index snapshot. It stays valid,
// and unchanged, however many Indexes are built after it.
type Result struct {
	Total     int
	Facets    Facets
	Histogram []Bucket // contiguous, empty buckets included; nil when Total is 0

	ix   *Index
	rows []uint32 // the matched rows, sorted
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

	m := ix.newMatcher(f)
	lo, hi := ix.timeRange(f.From, f.To)
	scopeN := make([]int, len(ix.scopeD.vals))
	catN := make([]int, len(ix.catD.vals))
	statusN := make([]int, len(ix.statusD.vals))
	userN := make([]int, len(ix.userD.vals))
	var rows []uint32
	for i := lo; i < hi; i++ {
		if !m.others(ix, i) {
			continue
		}
		sOK, cOK := in(m.scope, ix.scope[i]), in(m.cat, ix.cat[i])
		if !sOK && !cOK || m.searching && !m.search(ix, i) {
			continue
		}
		if cOK {
			scopeN[ix.scope[i]]++
		}
		if sOK {
			catN[ix.cat[i]]++
		}
		if sOK && cOK {
			rows = append(rows, uint32(i))
			statusN[ix.status[i]]++
			userN[ix.user[i]]++
		}
	}

	r := &Result{Total: len(rows), ix: ix}
	r.Facets = Facets{
		Scopes:     counts(ix.scopeD.vals, scopeN, 0),
		Categories: counts(ix.catD.vals, catN, 0),
		Statuses:   counts(ix.statusD.vals, statusN, 0),
		Users:      counts(ix.userD.vals, userN, opts.TopUsers),
	}
	if len(rows) > 0 {
		r.Histogram = ix.histogram(rows, opts.Location)
	}
	r.rows = ix.sortRows(rows, s)
	return r, nil
}

// matcher is a filter compiled to the index's codes. A nil set means any.
type matcher struct {
	scope, cat, act, status, user, ws []bool

	searching                         bool
	term                              []byte
	userHit, scopeHit, catHit, actHit []bool
}

func (ix *Index) newMatcher(f audit.Filter) *matcher {
	m := &matcher{}
	if f.Scope != "" {
		m.scope = ix.scopeD.set([]string{string(f.Scope)})
	}
	if len(f.Categories) > 0 {
		m.cat = ix.catD.set(f.Categories)
	}
	if len(f.Actions) > 0 {
		m.act = ix.actD.set(f.Actions)
	}
	if f.Status != "" {
		m.status = ix.statusD.set([]string{string(f.Status)})
	}
	if len(f.Users) > 0 {
		m.user = ix.userD.set(f.Users)
	}
	if f.Workspace != "" {
		m.ws = ix.wsD.withID(f.Workspace)
	}
	if strings.TrimSpace(f.Search) != "" {
		term := newFolder().string(f.Search)
		m.searching, m.term = true, []byte(term)
		m.userHit, m.scopeHit = ix.userD.hits(term), ix.scopeD.hits(term)
		m.catHit, m.actHit = ix.catD.hits(term), ix.actD.hits(term)
	}
	return m
}

func in(set []bool, c uint32) bool { return set == nil || set[c] }

// others tests every field filter but scope, categories and the search.
func (m *matcher) others(ix *Index, i int) bool {
	return in(m.status, ix.status[i]) && in(m.act, ix.act[i]) && in(m.user, ix.user[i]) && in(m.ws, ix.ws[i])
}

// search tests the dictionary hits first (codes only), then the row's
// folded free text.
func (m *matcher) search(ix *Index, i int) bool {
	return m.userHit[ix.user[i]] || m.scopeHit[ix.scope[i]] || m.catHit[ix.cat[i]] || m.actHit[ix.act[i]] ||
		bytes.Contains(ix.foldedTarget(i), m.term) || bytes.Contains(ix.foldedDesc(i), m.term)
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
// events are copies: changing them changes nothing in the index.
func (r *Result) Rows(offset, limit int) []audit.Event {
	offset = max(offset, 0)
	if limit <= 0 || offset >= len(r.rows) {
		return []audit.Event{}
	}
	end := offset + min(limit, len(r.rows)-offset)
	out := make([]audit.Event, 0, end-offset)
	for _, row := range r.rows[offset:end] {
		out = append(out, r.ix.event(int(row)))
	}
	return out
}
