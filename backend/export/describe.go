package export

import (
	"strconv"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// describeFilter says in words what f keeps, as the About sheet shows it
// to a reader of the report (the manifest keeps the filter as data):
// each condition the view applies, joined by "; ", times in loc as the
// rows show them.
func describeFilter(f audit.Filter, loc *time.Location) string {
	if f.IsZero() {
		return "none: every event in the cache"
	}
	var parts []string
	anyOf := func(field string, vals []string) {
		if len(vals) == 0 {
			return
		}
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = strconv.Quote(v)
		}
		parts = append(parts, field+" is "+strings.Join(q, " or "))
	}
	if f.Search != "" {
		parts = append(parts, "user, scope, category, action, target or description contains "+strconv.Quote(f.Search)+" (any case)")
	}
	if f.Scope != "" {
		parts = append(parts, "scope is "+strconv.Quote(string(f.Scope)))
	}
	anyOf("category", f.Categories)
	anyOf("action", f.Actions)
	if f.Status != "" {
		parts = append(parts, "status is "+strconv.Quote(string(f.Status)))
	}
	anyOf("user", f.Users)
	anyOf("target", f.Targets)
	if f.Workspace != "" {
		parts = append(parts, "workspace id is "+strconv.Quote(f.Workspace))
	}
	at := func(t time.Time) string { return t.In(loc).Format(time.DateTime) }
	zone := " (" + ZoneName(loc) + ")"
	switch {
	case !f.From.IsZero() && !f.To.IsZero():
		parts = append(parts, "time from "+at(f.From)+" up to "+at(f.To)+zone)
	case !f.From.IsZero():
		parts = append(parts, "time from "+at(f.From)+zone+" on")
	case !f.To.IsZero():
		parts = append(parts, "time before "+at(f.To)+zone)
	}
	return strings.Join(parts, "; ")
}

// describeSort says the rows' order in words: the column by its header,
// and which way.
func describeSort(s audit.Sort) string {
	name := string(s.Field)
	for i, f := range audit.SortFields {
		if f == s.Field && i < len(Columns) {
			name = Columns[i]
		}
	}
	way := "A to Z"
	switch {
	case s.Field == audit.SortTimestamp && s.Desc:
		way = "newest first"
	case s.Field == audit.SortTimestamp:
		way = "oldest first"
	case s.Desc:
		way = "Z to A"
	}
	return name + ", " + way + "; rows of one value in time order, the same way"
}
