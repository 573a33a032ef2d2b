package app

import (
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/session"
)

// The Query service's wire types.

// QueryRequest is the filter bar and the table's sort. The filter is read
// by audit.FilterText.Parse, as `auditdesk query` reads its flags, so the
// window and the command line count the same events.
type QueryRequest struct {
	Filter audit.FilterText `json:"filter"`
	// Sort is a column (audit.SortFields); "" is the timestamp.
	Sort audit.SortField `json:"sort"`
	Desc bool            `json:"desc"`
	// FirstRows asks for the result's first rows in the answer (at most
	// 2,000), so that the table shows them without another call.
	FirstRows int `json:"firstRows,omitempty"`
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
	// Rows are the result's first rows, as many as asked (FirstRows).
	Rows []Row `json:"rows"`
}

func newQueryResult(r session.Result, s audit.Sort, elapsed time.Duration) QueryResult {
	hist := make([]Bucket, len(r.Histogram))
	for i, b := range r.Histogram {
		hist[i] = Bucket{Start: rfc3339Milli(b.Start), End: rfc3339Milli(b.End), Count: b.Count}
	}
	f := r.Facets
	return QueryResult{
		ID:     r.ID,
		Total:  r.Total,
		Events: r.Events,
		Newest: rfc3339(r.Newest),
		Facets: Facets{
			Scopes: newCounts(f.Scopes), Categories: newCounts(f.Categories),
			Statuses: newCounts(f.Statuses), Users: newCounts(f.Users),
		},
		Histogram: hist,
		Sort:      s.String(),
		TimeZone:  r.Location.String(),
		ElapsedMs: float64(elapsed.Microseconds()) / 1000,
		Rows:      []Row{},
	}
}

func newCounts(cs []query.Count) []FacetCount {
	out := make([]FacetCount, len(cs))
	for i, c := range cs {
		out[i] = FacetCount{Value: c.Value, N: c.N}
	}
	return out
}

// Row is one event as the table shows it (audit.Row: the same columns as
// the CLI's and the exports').
type Row struct {
	audit.Row
	// New: the last refresh brought this event.
	New bool `json:"new"`
	// Tags are the auditor's marks on it (Marks), by tag.
	Tags []string `json:"tags"`
}

// RowsResult is a window of a query's rows: Rows[0] is row Offset.
type RowsResult struct {
	QueryID int   `json:"queryId"`
	Offset  int   `json:"offset"`
	Rows    []Row `json:"rows"`
}

// EventDetail is every field of one event, for the details panel.
type EventDetail struct {
	Row
	// Details is the event's details object pretty-printed, "" when none.
	Details string `json:"details"`
	// Marks are the auditor's marks on it, by tag, with their notes.
	Marks []MarkInfo `json:"marks"`
}

// ScopeCategories is one Scope option with the categories under it.
type ScopeCategories struct {
	Scope      audit.Scope `json:"scope"`
	Categories []string    `json:"categories"`
}

// valueFields are the columns Values lists.
var valueFields = []query.ValueField{query.ValueUsers, query.ValueActions, query.ValueCategories}

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
