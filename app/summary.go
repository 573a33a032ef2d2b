package app

import (
	"time"

	"github.com/auditdesk/auditdesk/backend/query"
)

// The wire types of Query.Summarize, the window's group-by panel.

// SummaryResult is a group-by of a query's result: the groups by count,
// largest first, then the rest summed.
type SummaryResult struct {
	QueryID int                `json:"queryId"`
	By      []query.GroupField `json:"by"`
	// Total is the events grouped: the query's total.
	Total  int            `json:"total"`
	Groups []SummaryGroup `json:"groups"`
	// Rest is the events of the RestGroups groups past the top ones.
	Rest       int `json:"rest"`
	RestGroups int `json:"restGroups"`
	// TimeZone is the zone days, weeks and months start in: the query's.
	TimeZone  string  `json:"timeZone"`
	ElapsedMs float64 `json:"elapsedMs"`
}

// SummaryGroup is the events sharing a value of each field grouped by.
type SummaryGroup struct {
	Keys  []GroupKey `json:"keys"` // one per field, in By's order
	Count int        `json:"count"`
}

// GroupKey is one field's value in a group.
type GroupKey struct {
	// Value is what a filter takes: the value as the events hold it ("" for
	// none, which no filter selects); a workspace's ID; a day's or a week's
	// first day, YYYY-MM-DD, a month YYYY-MM.
	Value string `json:"value"`
	// Label is the value as people read it: "(empty)", a workspace's name
	// and ID, "(none)" for events in no workspace.
	Label string `json:"label"`
	// From and To bound a day, week or month (From <= time < To), RFC 3339;
	// "" for other fields.
	From string `json:"from"`
	To   string `json:"to"`
}

func newSummaryResult(queryID int, s *query.Summary, loc *time.Location, elapsed time.Duration) SummaryResult {
	out := SummaryResult{
		QueryID: queryID, By: s.By, Total: s.Total, Groups: make([]SummaryGroup, len(s.Groups)),
		Rest: s.Rest, RestGroups: s.RestGroups, TimeZone: loc.String(),
		ElapsedMs: float64(elapsed.Microseconds()) / 1000,
	}
	for i, g := range s.Groups {
		keys := make([]GroupKey, len(g.Keys))
		for k, key := range g.Keys {
			keys[k] = newGroupKey(key, s.By[k])
		}
		out.Groups[i] = SummaryGroup{Keys: keys, Count: g.Count}
	}
	return out
}

// newGroupKey is k on the wire, labelled as `auditdesk summarize` prints it.
func newGroupKey(k query.Key, f query.GroupField) GroupKey {
	out := GroupKey{Value: k.Value, Label: k.Label(f), From: rfc3339(k.From), To: rfc3339(k.To)}
	if f == query.GroupWorkspace && k.Workspace == nil {
		out.Value = ""
	}
	return out
}
