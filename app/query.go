package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// QueryRequest is the filter bar and the table's sort. The filter is read
// by audit.FilterText.Parse, as `auditdesk query` reads its flags, so the
// window and the command line count the same events.
type QueryRequest struct {
	Filter audit.FilterText `json:"filter"`
	// Sort is a column (audit.SortFields); "" is the timestamp.
	Sort audit.SortField `json:"sort"`
	Desc bool            `json:"desc"`
}

// FacetCount is one value of a facet and how many matching events have it.
type FacetCount struct {
	Value string `json:"value"`
	N     int    `json:"n"`
}

// Facets count the matching events per value, most first. Scopes ignore
// the scope filter and Categories the category filter, so each select can
// show what choosing another value would give; with a scope chosen,
// Categories are exactly that scope's.
type Facets struct {
	Scopes     []FacetCount `json:"scopes"`
	Categories []FacetCount `json:"categories"`
	Statuses   []FacetCount `json:"statuses"`
	Users      []FacetCount `json:"users"`
}

// Bucket is one bar of the timeline: Start <= time < End, RFC 3339 in UTC.
type Bucket struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Count int    `json:"count"`
}

// QueryResult is one query's answer. Its rows are read with Rows(ID, ...)
// and stay those of the snapshot the query saw, whatever syncs land later.
type QueryResult struct {
	ID    int `json:"id"`
	Total int `json:"total"`
	// Events is how many events the snapshot holds: matching / Events.
	Events int `json:"events"`
	// Newest is the snapshot's newest event, RFC 3339, "" when empty.
	Newest    string   `json:"newest"`
	Facets    Facets   `json:"facets"`
	Histogram []Bucket `json:"histogram"`
	// Sort is the order applied, FIELD:asc|desc.
	Sort string `json:"sort"`
	// TimeZone is the zone of dates in the filter and of Row.Timestamp.
	TimeZone  string  `json:"timeZone"`
	ElapsedMs float64 `json:"elapsedMs"`
}

// Row is one event as the table shows it.
type Row struct {
	ID string `json:"id"`
	// Timestamp is YYYY-MM-DD HH:mm:ss in the query's time zone; Time is
	// the instant, RFC 3339 in UTC with milliseconds.
	Timestamp   string `json:"timestamp"`
	Time        string `json:"time"`
	User        string `json:"user"`
	Scope       string `json:"scope"`
	Category    string `json:"category"`
	Action      string `json:"action"`
	Target      string `json:"target"`
	Status      string `json:"status"`
	Description string `json:"description"`
	Workspace   string `json:"workspace"` // its name; "" for none
	WorkspaceID string `json:"workspaceId"`
	// New: the last refresh brought this event.
	New bool `json:"new"`
}

// RowsResult is a window of a query's rows: Rows[0] is row Offset.
type RowsResult struct {
	QueryID int   `json:"queryId"`
	Offset  int   `json:"offset"`
	Rows    []Row `json:"rows"`
}

// IndexUpdate is the payload of EventIndexUpdated.
type IndexUpdate struct {
	Profile string `json:"profile"`
	Events  int    `json:"events"` // the new snapshot's
	Added   int    `json:"added"`  // since the one before, for this profile
}

// EventIndexUpdated is emitted when a sync has put new events in the index:
// the results the UI holds still read their own snapshot, and a new query
// sees the new events.
const EventIndexUpdated = "index:updated"

// maxRowsWindow bounds one Rows call: the table asks for blocks of rows,
// never the whole result.
const maxRowsWindow = 2000

// keptResults is how many results Rows can still read, the newest kept.
const keptResults = 8

// ErrQueryGone is returned by Rows for a query that is no longer held.
var ErrQueryGone = errors.New("this view's results were replaced by newer ones; run the query again")

// views holds the current profile's index and the recent results over it.
type views struct {
	load sync.Mutex // one index load at a time

	mu      sync.Mutex
	key     string // the profile the index belongs to
	ix      *query.Index
	fresh   map[string]bool // ids the last sync added to ix
	next    int
	results []heldResult // least recently used first
}

type heldResult struct {
	id  int
	res *query.Result
	loc *time.Location
}

// index is the profile's index, opening it (from the saved index, else the
// cache) the first time.
func (v *views) index(ctx context.Context, a *App, p settings.Profile) (*query.Index, error) {
	v.mu.Lock()
	if v.key == p.Key() && v.ix != nil {
		ix := v.ix
		v.mu.Unlock()
		return ix, nil
	}
	v.mu.Unlock()
	v.load.Lock()
	defer v.load.Unlock()
	v.mu.Lock()
	if v.key == p.Key() && v.ix != nil { // loaded while this call waited
		ix := v.ix
		v.mu.Unlock()
		return ix, nil
	}
	v.mu.Unlock()
	ix, err := a.mgr.Index(ctx, p)
	if err != nil {
		return nil, err
	}
	ix, _ = v.install(p.Key(), ix)
	return ix, nil
}

// install makes ix the profile's snapshot, unless the one held is newer,
// and returns the snapshot now held and how many events it adds to the one
// before. A query that built its index while a sync ran may get here after
// the sync installed its own: events are never removed, so the index with
// more of them is the newer, and an older one never replaces it (else the
// window would count fewer events than the cache until the next sync).
// Results over older snapshots are dropped but for the most recently used
// one, which the table may still be reading: each snapshot is a whole copy
// of the index.
func (v *views) install(key string, ix *query.Index) (held *query.Index, added int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.key == key && v.ix != nil {
		if ix.Len() < v.ix.Len() {
			return v.ix, 0
		}
		added = ix.Len() - v.ix.Len()
	}
	if v.key != key {
		v.results, v.fresh = nil, nil
	} else if v.ix != ix && len(v.results) > 1 {
		v.results = v.results[len(v.results)-1:]
	}
	if v.key == key && v.ix != nil && v.ix != ix {
		ids := ix.AddedTo(v.ix)
		v.fresh = make(map[string]bool, len(ids))
		for _, id := range ids {
			v.fresh[id] = true
		}
	}
	v.key, v.ix = key, ix
	return ix, added
}

// isFresh reports whether the last sync brought id.
func (v *views) isFresh(id string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.fresh[id]
}

func (v *views) hold(res *query.Result, loc *time.Location) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.next++
	v.results = append(v.results, heldResult{id: v.next, res: res, loc: loc})
	if len(v.results) > keptResults {
		v.results = slices.Delete(v.results, 0, len(v.results)-keptResults)
	}
	return v.next
}

func (v *views) held(id int) (heldResult, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for i, h := range v.results {
		if h.id == id {
			// Most recently used last.
			v.results = append(slices.Delete(v.results, i, i+1), h)
			return h, true
		}
	}
	return heldResult{}, false
}

// Query filters, counts and sorts the current profile's cached events.
// It reads only the local index, so it answers offline. A bad filter value
// is an invalid_input error naming the field.
func (a *App) Query(req QueryRequest) (QueryResult, error) {
	f, loc, s, err := parseQuery(req)
	if err != nil {
		return QueryResult{}, err
	}
	p, err := a.current()
	if err != nil {
		return QueryResult{}, err
	}
	ix, err := a.views.index(context.Background(), a, p)
	if err != nil {
		return QueryResult{}, err
	}
	start := time.Now()
	res, err := ix.Query(f, s, query.Options{Location: loc})
	if err != nil {
		return QueryResult{}, Invalid(err.Error())
	}
	elapsed := time.Since(start)
	out := QueryResult{
		ID:        a.views.hold(res, loc),
		Total:     res.Total,
		Events:    ix.Len(),
		Newest:    rfc3339(ix.Newest()),
		Facets:    toFacets(res.Facets),
		Histogram: toBuckets(res.Histogram),
		Sort:      s.String(),
		TimeZone:  loc.String(),
		ElapsedMs: float64(elapsed.Microseconds()) / 1000,
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
func (a *App) Rows(queryID, offset, limit int) (RowsResult, error) {
	if offset < 0 || limit < 0 {
		return RowsResult{}, Invalid("rows: offset and limit must not be negative")
	}
	h, ok := a.views.held(queryID)
	if !ok {
		return RowsResult{}, ErrQueryGone
	}
	evs := h.res.Rows(offset, min(limit, maxRowsWindow))
	rows := make([]Row, len(evs))
	for i, e := range evs {
		rows[i] = toRow(e, h.loc)
		rows[i].New = a.views.isFresh(e.ID)
	}
	return RowsResult{QueryID: queryID, Offset: offset, Rows: rows}, nil
}

// indexSynced installs the index a sync left and tells the UI when it
// grew.
func (a *App) indexSynced(p settings.Profile, ix *query.Index) {
	if ix == nil {
		return
	}
	if _, added := a.views.install(p.Key(), ix); added > 0 {
		a.emit.Emit(EventIndexUpdated, IndexUpdate{Profile: p.Name, Events: ix.Len(), Added: added})
	}
}

func toRow(e audit.Event, loc *time.Location) Row {
	r := Row{
		ID:          e.ID,
		Timestamp:   e.Time.In(loc).Format(time.DateTime),
		Time:        e.Time.UTC().Format("2006-01-02T15:04:05.000Z"),
		User:        e.User,
		Scope:       string(e.Scope),
		Category:    e.Category,
		Action:      e.Action,
		Target:      e.Target,
		Status:      string(e.Status),
		Description: e.Description,
	}
	if e.Workspace != nil {
		r.Workspace, r.WorkspaceID = e.Workspace.Name, e.Workspace.ID
	}
	return r
}

func toFacets(f query.Facets) Facets {
	conv := func(cs []query.Count) []FacetCount {
		out := make([]FacetCount, len(cs))
		for i, c := range cs {
			out[i] = FacetCount{Value: c.Value, N: c.N}
		}
		return out
	}
	return Facets{Scopes: conv(f.Scopes), Categories: conv(f.Categories), Statuses: conv(f.Statuses), Users: conv(f.Users)}
}

func toBuckets(bs []query.Bucket) []Bucket {
	out := make([]Bucket, len(bs))
	for i, b := range bs {
		out[i] = Bucket{Start: rfc3339Milli(b.Start), End: rfc3339Milli(b.End), Count: b.Count}
	}
	return out
}

func rfc3339Milli(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
