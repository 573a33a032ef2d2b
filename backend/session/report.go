package session

import (
	"slices"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/marks"
	"github.com/auditdesk/auditdesk/backend/query"
)

// ReportRequest makes an export a report (auditdesk report, Report... in
// the window): its Summary and Findings sheets, and one sheet per group-by
// pinned.
type ReportRequest struct {
	Groups []ReportGroupBy
}

// ReportGroupBy is a group-by sheet: one or two fields, and how many
// groups it lists, the rest summed (0: all).
type ReportGroupBy struct {
	By  []query.GroupField
	Top int
}

// reportTop is how many failed actions and users the Summary lists.
const reportTop = 10

// maxReportDays bounds the Summary's events per day (ten years of them).
const maxReportDays = 3660

// report gathers what a report's own sheets show of res, the export's
// result over ix: counts by scope and status, the top failed actions and
// users, the events per day, the marked events of the view (the
// findings), and the pinned group-bys.
func (pr *Profile) report(res *query.Result, ix *query.Index, f audit.Filter, loc *time.Location, req *ReportRequest) (*export.Report, error) {
	r := &export.Report{}
	s := &r.Summary
	tallies := func(res *query.Result, field query.GroupField, top int) ([]export.Tally, error) {
		sum, err := res.GroupBy([]query.GroupField{field}, top, loc)
		if err != nil {
			return nil, err
		}
		out := make([]export.Tally, 0, len(sum.Groups))
		for _, g := range sum.Groups {
			out = append(out, export.Tally{Value: g.Keys[0].Value, Count: g.Count})
		}
		return out, nil
	}
	var err error
	if s.ByScope, err = tallies(res, query.GroupScope, 0); err != nil {
		return nil, err
	}
	if s.ByStatus, err = tallies(res, query.GroupStatus, 0); err != nil {
		return nil, err
	}
	opts, err := pr.queryOptions(f, loc)
	if err != nil {
		return nil, err
	}
	if f.Status == "" || f.Status == audit.StatusFailed {
		ff := f
		ff.Status = audit.StatusFailed
		failed, err := ix.Query(ff, audit.DefaultSort, opts)
		if err != nil {
			return nil, err
		}
		if s.FailedActions, err = tallies(failed, query.GroupAction, reportTop); err != nil {
			return nil, err
		}
		if s.FailedUsers, err = tallies(failed, query.GroupUser, reportTop); err != nil {
			return nil, err
		}
	}
	if res.Total > 0 {
		if s.PerDay, err = perDay(res, loc); err != nil {
			return nil, err
		}
		inTime, err := ix.Query(f, audit.Sort{Field: audit.SortTimestamp}, opts)
		if err != nil {
			return nil, err
		}
		first, err := inTime.Rows(0, 1)
		if err != nil {
			return nil, err
		}
		last, err := inTime.Rows(inTime.Total-1, 1)
		if err != nil {
			return nil, err
		}
		if len(first) == 1 && len(last) == 1 {
			s.Oldest, s.Newest = first[0].Time, last[0].Time
		}
	}
	set, err := pr.Marks()
	if err != nil {
		return nil, err
	}
	r.MarksSHA256 = set.SHA256()
	if r.Findings, s.Tags, err = findings(ix, set, f, opts); err != nil {
		return nil, err
	}
	for _, rg := range req.Groups {
		by := rg.By
		sum, err := res.GroupBy(by, rg.Top, loc)
		if err != nil {
			return nil, err
		}
		g := export.ReportGroup{Total: sum.Total, Rest: sum.Rest, RestGroups: sum.RestGroups}
		for _, f := range by {
			g.Fields = append(g.Fields, string(f))
		}
		for _, grp := range sum.Groups {
			row := export.ReportGroupRow{Count: grp.Count}
			for k, key := range grp.Keys {
				row.Values = append(row.Values, key.Label(by[k]))
			}
			g.Rows = append(g.Rows, row)
		}
		r.Groups = append(r.Groups, g)
	}
	return r, nil
}

// perDay counts res's events per day in loc, every day from the first
// event's to the last's (those with none at 0), at most maxReportDays
// from the last back.
func perDay(res *query.Result, loc *time.Location) ([]export.Tally, error) {
	sum, err := res.GroupBy([]query.GroupField{query.GroupDay}, 0, loc)
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int, len(sum.Groups))
	var first, last time.Time
	for _, g := range sum.Groups {
		k := g.Keys[0]
		counts[k.Value] = g.Count
		if first.IsZero() || k.From.Before(first) {
			first = k.From
		}
		if k.From.After(last) {
			last = k.From
		}
	}
	var days []export.Tally
	for d := first; !d.After(last); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		v := d.Format(time.DateOnly)
		days = append(days, export.Tally{Value: v, Count: counts[v]})
	}
	if len(days) > maxReportDays {
		days = days[len(days)-maxReportDays:]
	}
	return days, nil
}

// findings are the marks on the events of f's view, oldest event first
// (the tags of f, if it has any, else every tag), and the count of events
// per tag.
func findings(ix *query.Index, set *marks.Set, f audit.Filter, opts query.Options) ([]export.Finding, []export.Tally, error) {
	tags := f.Tags
	if len(tags) == 0 {
		for _, t := range set.Tags() {
			tags = append(tags, t.Tag)
		}
	}
	if len(tags) == 0 {
		return nil, nil, nil
	}
	ft := f
	ft.Tags = tags
	opts.Tagged = set.Tagged
	res, err := ix.Query(ft, audit.Sort{Field: audit.SortTimestamp}, opts)
	if err != nil {
		return nil, nil, err
	}
	var out []export.Finding
	perTag := map[string]int{}
	for off := 0; off < res.Total; off += 4096 {
		evs, err := res.Rows(off, min(4096, res.Total-off))
		if err != nil {
			return nil, nil, err
		}
		for _, e := range evs {
			for _, m := range set.Of(e.ID) {
				if !slices.Contains(tags, m.Tag) {
					continue
				}
				out = append(out, export.Finding{Event: e, Tag: m.Tag, Note: m.Note, By: m.By, At: m.At})
				perTag[m.Tag]++
			}
		}
	}
	var byTag []export.Tally
	for _, t := range set.Tags() {
		if n := perTag[t.Tag]; n > 0 {
			byTag = append(byTag, export.Tally{Value: t.Tag, Count: n})
		}
	}
	slices.SortStableFunc(byTag, func(a, b export.Tally) int { return b.Count - a.Count })
	return out, byTag, nil
}
