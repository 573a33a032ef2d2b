package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/marks"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/session"
)

// Query is the table's service: filter, count and sort the open profile's
// cached events, read the rows of a result, one event whole, and the
// values the filters offer. It reads only the local index, so it answers
// offline.
type Query struct{ *core }

// maxRowsWindow bounds one Rows call: the table asks for blocks of rows,
// never the whole result.
const maxRowsWindow = 2000

// ErrQueryGone is returned by Rows for a query that is no longer held.
var ErrQueryGone = session.ErrQueryGone

// Run filters, counts and sorts the current profile's cached events. A bad
// filter value is an invalid_input error naming the field.
func (q *Query) Run(req QueryRequest) (QueryResult, error) {
	f, loc, s, err := parseQuery(req)
	if err != nil {
		return QueryResult{}, err
	}
	pr, err := q.current()
	if err != nil {
		return QueryResult{}, err
	}
	start := time.Now()
	res, err := pr.Query(context.Background(), f, s, loc)
	if errors.Is(err, session.ErrBadQuery) {
		return QueryResult{}, Invalid(err.Error())
	}
	if err != nil {
		return QueryResult{}, err
	}
	out := newQueryResult(res, s, time.Since(start))
	if req.FirstRows > 0 {
		if out.Rows, err = q.rows(pr, res, 0, req.FirstRows); err != nil {
			return QueryResult{}, err
		}
	}
	return out, nil
}

// parseQuery reads the filter and the sort as Query and Export apply them;
// a bad value is an invalid_input error naming the field.
func parseQuery(req QueryRequest) (audit.Filter, *time.Location, audit.Sort, error) {
	f, loc, err := req.Filter.Parse()
	if err != nil {
		return f, nil, audit.Sort{}, Invalid(err.Error())
	}
	s := audit.Sort{Field: req.Sort, Desc: req.Desc}
	if s.Field == "" {
		s.Field = audit.SortTimestamp
	}
	if !slices.Contains(audit.SortFields, s.Field) {
		return f, nil, s, Invalid(fmt.Sprintf("sort: %q is not a column", s.Field))
	}
	return f, loc, s, nil
}

// Rows returns rows [offset, offset+limit) of a query's sorted result,
// fewer at its end; limit is at most 2,000. A query no longer held is
// ErrQueryGone: run it again.
func (q *Query) Rows(queryID, offset, limit int) (RowsResult, error) {
	if offset < 0 || limit < 0 {
		return RowsResult{}, Invalid("rows: offset and limit must not be negative")
	}
	pr, err := q.current()
	if err != nil {
		return RowsResult{}, err
	}
	res, err := pr.Held(queryID)
	if err != nil {
		return RowsResult{}, err
	}
	rows, err := q.rows(pr, res, offset, limit)
	if err != nil {
		return RowsResult{}, err
	}
	return RowsResult{QueryID: queryID, Offset: offset, Rows: rows}, nil
}

// rows are rows [offset, offset+limit) of a held result, limit at most
// maxRowsWindow, with the new-row marks and each row's tags.
func (q *Query) rows(pr *session.Profile, res session.Result, offset, limit int) ([]Row, error) {
	evs, err := pr.Rows(res, offset, min(limit, maxRowsWindow))
	if err != nil {
		return nil, err
	}
	fresh := pr.NewMarks()
	tags := q.marks(pr)
	rows := make([]Row, len(evs))
	for i := range evs {
		rows[i] = Row{Row: audit.NewRow(&evs[i], res.Location), New: fresh[evs[i].ID], Tags: tagsOf(tags, evs[i].ID)}
	}
	if ix := res.Index(); len(rows) > 0 && q.warmed.Swap(ix) != ix {
		// The text a search reads, checked now, and the letter masks made:
		// the first keystroke then reads no cold page, and a one-letter
		// search reads the masks. Again for each index a sync brings.
		q.toWarm.Store(ix)
		q.warmSearch()
	}
	return rows, nil
}

// marks are the profile's marks for the tags of the rows and the event
// shown; nil, logged, when the marks file cannot be read: the table and
// the details still show the events (Marks.Tags says what is wrong, in
// the banner).
func (q *Query) marks(pr *session.Profile) *marks.Set {
	s, err := pr.Marks()
	if err != nil {
		q.log.Warn("events shown without their marks", "err", err)
		return nil
	}
	return s
}

// warmSearch warms the index waiting for it, once the window has painted
// its first rows: before, it would take a core from the web view drawing
// them (0.15 s of CPU at a million events, on a machine of two cores).
func (q *Query) warmSearch() {
	if !q.rowsShown.Load() {
		return // Shown calls again
	}
	if ix := q.toWarm.Swap(nil); ix != nil {
		go ix.WarmSearch()
	}
}

// Shown is the window saying that it has painted its first rows, rows of
// query queryID. The first time is logged: how long the window took to
// its first rows, as make bench-e2e times it, is this line's time against
// the process's start.
func (q *Query) Shown(queryID, rows int) {
	if rows <= 0 || q.rowsShown.Swap(true) {
		return
	}
	q.warmSearch()
	events := -1
	if pr, err := q.current(); err == nil {
		if res, err := pr.Held(queryID); err == nil {
			events = res.Events
		}
	}
	q.log.Info("first rows", "rows", rows, "events", events)
}

// Event returns row offset of a query's result with all its fields.
func (q *Query) Event(queryID, offset int) (EventDetail, error) {
	pr, err := q.current()
	if err != nil {
		return EventDetail{}, err
	}
	e, loc, err := pr.Event(queryID, offset)
	if errors.Is(err, session.ErrNoRow) {
		return EventDetail{}, Invalid(err.Error())
	}
	if err != nil {
		return EventDetail{}, err
	}
	d := EventDetail{Row: Row{Row: audit.NewRow(&e, loc), Tags: []string{}}, Marks: []MarkInfo{}}
	if s := q.marks(pr); s != nil && s.Len() > 0 {
		d.Marks = marksOf(s, e.ID)
		d.Tags = tagsOf(s, e.ID)
	}
	if len(e.Details) > 0 {
		var buf bytes.Buffer
		if json.Indent(&buf, e.Details, "", "  ") == nil {
			d.Details = buf.String()
		} else {
			d.Details = string(e.Details) // kept as served
		}
	}
	return d, nil
}

// Locate is the position of the event id in a query's result, -1 when the
// view does not hold it: the table keeps its selection across a refresh.
func (q *Query) Locate(queryID int, id string) (int, error) {
	pr, err := q.current()
	if err != nil {
		return -1, err
	}
	res, err := pr.Held(queryID)
	if err != nil {
		return -1, err
	}
	return pr.Locate(res, id)
}

// Values lists a column's values containing substring (user, action or
// category), most frequent first, at most limit (50 when 0): the
// type-ahead of the User and Action filters. They are counted in the view
// filter shows, less its own filter on field (the one the type-ahead adds
// to), as the Scope and Status selects count.
func (q *Query) Values(filter audit.FilterText, field query.ValueField, substring string, limit int) ([]FacetCount, error) {
	if !slices.Contains(valueFields, field) {
		return nil, Invalid(fmt.Sprintf("values: %q is not user, action or category", field))
	}
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	f, _, err := filter.Parse()
	if err != nil {
		return nil, Invalid(err.Error())
	}
	pr, err := q.current()
	if err != nil {
		return nil, err
	}
	vals, err := pr.Values(context.Background(), f, field, substring, limit)
	if errors.Is(err, session.ErrBadQuery) {
		return nil, Invalid(err.Error())
	}
	if err != nil {
		return nil, err
	}
	return newCounts(vals), nil
}

// maxSummaryGroups bounds the groups one Summarize answer lists, "all"
// included: a target can have a group per event, and the panel shows a
// table, not a million rows. The groups past it are summed as the rest.
const maxSummaryGroups = 1000

// Summarize counts the events of a query's result (the view the table
// shows: its filter and its zone) by one or two fields (query.GroupFields),
// largest first; top > 0 keeps the top groups and sums the rest, 0 keeps
// them all; at most 1,000 either way. A bad field or a negative top is
// invalid_input; a query no longer held is query_gone: run it again.
func (q *Query) Summarize(queryID int, by []query.GroupField, top int) (SummaryResult, error) {
	names := make([]string, len(by))
	for i, f := range by {
		names[i] = string(f)
	}
	fields, err := query.ParseGroupBy(strings.Join(names, ","))
	if err != nil {
		return SummaryResult{}, Invalid("group by: " + err.Error())
	}
	if top < 0 {
		return SummaryResult{}, Invalid(fmt.Sprintf("group by: top %d is negative; 0 keeps every group", top))
	}
	if top == 0 || top > maxSummaryGroups {
		top = maxSummaryGroups
	}
	pr, err := q.current()
	if err != nil {
		return SummaryResult{}, err
	}
	res, err := pr.Held(queryID)
	if err != nil {
		return SummaryResult{}, err
	}
	start := time.Now()
	s, err := pr.Summary(res, fields, top)
	if errors.Is(err, session.ErrBadQuery) {
		return SummaryResult{}, Invalid(err.Error())
	}
	if err != nil {
		return SummaryResult{}, err
	}
	return newSummaryResult(queryID, s, res.Location, time.Since(start)), nil
}

// Scopes lists the scopes and, under each, its categories, in the
// console's order, for the Scope and Category selects.
func (q *Query) Scopes() ([]ScopeCategories, error) {
	out := make([]ScopeCategories, 0, len(audit.Scopes))
	for _, s := range audit.Scopes {
		cats := append([]string{}, audit.KnownCategories[s]...)
		sort.Strings(cats)
		out = append(out, ScopeCategories{Scope: s, Categories: cats})
	}
	return out, nil
}

// indexSynced tells the UI that a sync grew the index by added events.
func (c *core) indexSynced(name string, events, added int) {
	if added > 0 {
		c.emit.Emit(EventIndexUpdated, IndexUpdate{Profile: name, Events: events, Added: added})
	}
}
