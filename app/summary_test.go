package app

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
)

// plainKey is a row's value of f as a plain reading of its columns gives
// it: days, weeks (from Monday) and months in loc.
func plainKey(t *testing.T, r Row, f query.GroupField, loc *time.Location) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, r.Time)
	if err != nil {
		t.Fatal(err)
	}
	at = at.In(loc)
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
	switch f {
	case query.GroupUser:
		return r.User
	case query.GroupAction:
		return r.Action
	case query.GroupScope:
		return r.Scope
	case query.GroupCategory:
		return r.Category
	case query.GroupStatus:
		return r.Status
	case query.GroupTarget:
		return r.Target
	case query.GroupWorkspace:
		return r.WorkspaceID
	case query.GroupDay:
		return day.Format(time.DateOnly)
	case query.GroupWeek:
		return day.AddDate(0, 0, -(int(at.Weekday())+6)%7).Format(time.DateOnly)
	case query.GroupMonth:
		return at.Format("2006-01")
	}
	t.Fatalf("no plain key for %q", f)
	return ""
}

// allRows reads a result whole, a window at a time, as the table does.
func allRows(t *testing.T, a *App, res QueryResult) []Row {
	t.Helper()
	var rows []Row
	for off := 0; off < res.Total; off += maxRowsWindow {
		w, err := a.Query.Rows(res.ID, off, maxRowsWindow)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, w.Rows...)
	}
	if len(rows) != res.Total {
		t.Fatalf("read %d rows of %d", len(rows), res.Total)
	}
	return rows
}

// The panel's counts are a plain count of the rows the table shows, in
// the view's filter and zone; the rest sums what the top leaves out; and
// filtering by a group's value (what a click in the panel does) shows as
// many events as the group counts.
func TestSummarizeIsAPlainCountOfTheView(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	// Each field alone, and pairs of every kind: columns, a time, a target.
	var bys [][]query.GroupField
	for _, f := range query.GroupFields {
		bys = append(bys, []query.GroupField{f})
	}
	bys = append(bys,
		[]query.GroupField{query.GroupUser, query.GroupStatus}, []query.GroupField{query.GroupScope, query.GroupCategory},
		[]query.GroupField{query.GroupAction, query.GroupDay}, []query.GroupField{query.GroupWorkspace, query.GroupMonth},
		[]query.GroupField{query.GroupWeek, query.GroupTarget})
	filters := []audit.FilterText{
		{},
		{Status: "FAILED"},
		{Scope: "Service", TimeZone: "Asia/Tokyo"},
		{Search: "a", TimeZone: "America/New_York", From: "2026-01-01"},
	}
	for _, ft := range filters {
		res, err := a.Query.Run(QueryRequest{Filter: ft})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Fatalf("filter %+v matches nothing: the test shows nothing", ft)
		}
		loc, err := audit.LoadZone(ft.TimeZone)
		if err != nil {
			t.Fatal(err)
		}
		rows := allRows(t, a, res)
		for _, by := range bys {
			plain := map[string]int{}
			for _, r := range rows {
				var k []string
				for _, f := range by {
					k = append(k, plainKey(t, r, f, loc))
				}
				plain[strings.Join(k, "\x00")]++
			}
			s, err := a.Query.Summarize(res.ID, by, 0)
			if err != nil {
				t.Fatalf("Summarize(%v) of %+v: %v", by, ft, err)
			}
			if s.QueryID != res.ID || s.Total != res.Total || !slices.Equal(s.By, by) || s.TimeZone != loc.String() {
				t.Fatalf("Summarize(%v) of %+v: %+v", by, ft, s)
			}
			if len(s.Groups)+s.RestGroups != len(plain) || len(s.Groups) > maxSummaryGroups {
				t.Errorf("by %v of %+v: %d groups and %d more, a plain count %d", by, ft, len(s.Groups), s.RestGroups, len(plain))
			}
			sum := s.Rest
			for i, g := range s.Groups {
				var k []string
				for _, key := range g.Keys {
					k = append(k, key.Value)
				}
				if want := plain[strings.Join(k, "\x00")]; g.Count != want {
					t.Errorf("by %v of %+v: group %v counts %d, a plain count %d", by, ft, k, g.Count, want)
				}
				if i > 0 && g.Count > s.Groups[i-1].Count {
					t.Errorf("by %v: group %d (%d) after a smaller one (%d)", by, i, g.Count, s.Groups[i-1].Count)
				}
				sum += g.Count
			}
			if sum != res.Total {
				t.Errorf("by %v of %+v: the groups and the rest sum to %d, the view %d", by, ft, sum, res.Total)
			}

			// Top N: the first N groups of all of them, the rest summed.
			top, err := a.Query.Summarize(res.ID, by, 3)
			if err != nil {
				t.Fatal(err)
			}
			n := min(3, len(s.Groups))
			rest := s.Rest
			for _, g := range s.Groups[n:] {
				rest += g.Count
			}
			if len(top.Groups) != n || top.Rest != rest || top.RestGroups != len(plain)-n {
				t.Errorf("top 3 by %v: %d groups, rest %d in %d; want %d, %d in %d", by, len(top.Groups), top.Rest, top.RestGroups, n, rest, len(plain)-n)
			}
		}
	}
}

// A click on a group's value in the panel filters by it: the filter the
// value makes (the bucket's From and To for a stretch of time) shows as
// many events as the group counts.
func TestSummaryKeysFilterToTheirGroup(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	base := audit.FilterText{TimeZone: "Asia/Tokyo"}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	res, err := a.Query.Run(QueryRequest{Filter: base})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range query.GroupFields {
		s, err := a.Query.Summarize(res.ID, []query.GroupField{f}, 5)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, g := range s.Groups {
			k := g.Keys[0]
			if k.Value == "" {
				if k.Label != "(empty)" && k.Label != "(none)" {
					t.Errorf("%s: an empty value labelled %q", f, k.Label)
				}
				continue // no filter selects it
			}
			ft := base
			switch f {
			case query.GroupUser:
				ft.Users = []string{k.Value}
			case query.GroupAction:
				ft.Actions = []string{k.Value}
			case query.GroupScope:
				ft.Scope = k.Value
			case query.GroupCategory:
				ft.Categories = []string{k.Value}
			case query.GroupStatus:
				ft.Status = k.Value
			case query.GroupTarget:
				ft.Targets = []string{k.Value}
			case query.GroupWorkspace:
				ft.Workspace = k.Value
				if k.Label == "" {
					t.Errorf("workspace %q has no label", k.Value)
				}
			default:
				from, ferr := time.Parse(time.RFC3339, k.From)
				to, terr := time.Parse(time.RFC3339, k.To)
				if ferr != nil || terr != nil || !from.Before(to) || from.In(tokyo).Hour() != 0 {
					t.Fatalf("%s %q: from %q to %q, not a stretch from midnight in Tokyo", f, k.Value, k.From, k.To)
				}
				ft.From, ft.To = k.From, k.To
			}
			one, err := a.Query.Run(QueryRequest{Filter: ft})
			if err != nil {
				t.Fatal(err)
			}
			if one.Total != g.Count {
				t.Errorf("%s %q counts %d; filtering by it shows %d", f, k.Value, g.Count, one.Total)
			}
			checked++
		}
		if checked == 0 {
			t.Errorf("%s: no group to filter by", f)
		}
	}
}

func TestSummarizeRefusesWhatItCannotGroup(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Query.Summarize(1, []query.GroupField{query.GroupUser}, 10); ToUIError(err).Code != CodeNoProfile {
		t.Errorf("Summarize with no profile: %v, want no_profile", err)
	}
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		by   []query.GroupField
		top  int
		want string
	}{
		{nil, 10, "group by:"},
		{[]query.GroupField{"colour"}, 10, `"colour" is not a field`},
		{[]query.GroupField{query.GroupUser, query.GroupUser}, 10, "named twice"},
		{[]query.GroupField{query.GroupUser, query.GroupStatus, query.GroupDay}, 10, "one or two"},
		{[]query.GroupField{query.GroupUser}, -1, "negative"},
	} {
		_, err := a.Query.Summarize(res.ID, c.by, c.top)
		ui := ToUIError(err)
		if err == nil || ui.Code != CodeInvalidInput || !strings.Contains(ui.Message, c.want) {
			t.Errorf("Summarize(%v, %d): %v; want invalid_input saying %q", c.by, c.top, err, c.want)
		}
	}
	if _, err := a.Query.Summarize(res.ID+1000, []query.GroupField{query.GroupUser}, 10); ToUIError(err).Code != CodeQueryGone {
		t.Errorf("Summarize of an unknown query: %v, want query_gone", err)
	}
	// Every group, at most maxSummaryGroups: targets are nearly one an event.
	s, err := a.Query.Summarize(res.ID, []query.GroupField{query.GroupTarget, query.GroupDay}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Groups)+s.RestGroups <= maxSummaryGroups {
		t.Fatalf("the demo's %d target-days fit in one answer: the cap is not shown", len(s.Groups)+s.RestGroups)
	}
	if len(s.Groups) != maxSummaryGroups || s.Rest == 0 {
		t.Errorf("target,day: %d groups and %d in the rest; want %d listed", len(s.Groups), s.Rest, maxSummaryGroups)
	}
	if !slices.IsSortedFunc(s.Groups, func(x, y SummaryGroup) int { return cmp.Compare(y.Count, x.Count) }) {
		t.Error("the groups are not largest first")
	}
}
