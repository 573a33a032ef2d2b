package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/cli"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/session"
)

// queryFilters are the filter bar's kinds, each as the window sends it and
// as `auditdesk query` takes it.
func queryFilters(user, action string) []struct {
	ft   audit.FilterText
	args []string
} {
	return []struct {
		ft   audit.FilterText
		args []string
	}{
		{audit.FilterText{}, nil},
		{audit.FilterText{Search: "GPU"}, []string{"--search", "GPU"}},
		{audit.FilterText{Search: "gpu", Status: "FAILED"}, []string{"--search", "gpu", "--status", "FAILED"}},
		{audit.FilterText{Scope: "Service", Categories: []string{"AI Notebook", "GPU Container"}}, []string{"--scope", "Service", "--category", "AI Notebook", "--category", "GPU Container"}},
		{audit.FilterText{Users: []string{user}}, []string{"--user", user}},
		{audit.FilterText{Actions: []string{action}, Status: "SUCCESS"}, []string{"--action", action, "--status", "SUCCESS"}},
		{audit.FilterText{From: "2026-01-01", To: "2026-11-01", TimeZone: "Asia/Tokyo"}, []string{"--from", "2026-01-01", "--to", "2026-11-01", "--tz", "Asia/Tokyo"}},
		{audit.FilterText{Search: "a", Scope: "Billing", From: "2025-06-01T00:00:00Z"}, []string{"--search", "a", "--scope", "Billing", "--from", "2025-06-01T00:00:00Z"}},
	}
}

// The window's counts are `auditdesk query`'s on the same filter: both read
// the same saved index through audit.FilterText.
func TestQueryCountsMatchTheCommandLine(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 4000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	all, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total < 3900 || all.Total != all.Events {
		t.Fatalf("the unfiltered query: %d of %d", all.Total, all.Events)
	}
	top, err := a.Query.Rows(all.ID, 0, 1)
	if err != nil || len(top.Rows) != 1 {
		t.Fatalf("Rows: %v, %v", top, err)
	}
	filters := queryFilters(top.Rows[0].User, top.Rows[0].Action)
	want := make([]int, len(filters))
	for i, f := range filters {
		res, err := a.Query.Run(QueryRequest{Filter: f.ft})
		if err != nil {
			t.Fatalf("Query(%+v): %v", f.ft, err)
		}
		want[i] = res.Total
	}
	if slices.Min(want[1:]) == 0 || slices.Max(want[1:]) == all.Total {
		t.Fatalf("the filters' counts %v do not narrow %d events: the test shows nothing", want, all.Total)
	}
	a.Shutdown(context.Background()) // the command line opens the cache itself

	for i, f := range filters {
		var out, errOut bytes.Buffer
		args := append([]string{"query", "--data", a.store.Dir(), "--json"}, f.args...)
		if code := cli.Run(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errOut}); code != cli.ExitOK {
			t.Fatalf("auditdesk %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
		}
		if got := strings.Count(out.String(), "\n"); got != want[i] {
			t.Errorf("filter %+v: the window counts %d, auditdesk query prints %d", f.ft, want[i], got)
		}
	}
}

func TestQueryFacetsRowsAndZone(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Query.Run(QueryRequest{Filter: audit.FilterText{Scope: "Service", TimeZone: "Asia/Tokyo"}, Sort: audit.SortUser})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sort != "user:asc" || res.TimeZone != "Asia/Tokyo" || res.Total == 0 {
		t.Fatalf("result: %+v", res)
	}
	// With a scope chosen, Categories are exactly that scope's.
	n := 0
	for _, c := range res.Facets.Categories {
		if slices.Contains(audit.KnownCategories[audit.ScopeBilling], c.Value) {
			t.Errorf("category %q of Billing listed under Service", c.Value)
		}
		one, err := a.Query.Run(QueryRequest{Filter: audit.FilterText{Scope: "Service", Categories: []string{c.Value}}})
		if err != nil || one.Total != c.N || c.N == 0 {
			t.Errorf("category %q counts %d; querying it gives %d, %v", c.Value, c.N, one.Total, err)
		}
		n += c.N
	}
	if n != res.Total {
		t.Errorf("the categories count %d, the result %d", n, res.Total)
	}
	if len(res.Facets.Scopes) < 2 {
		t.Errorf("the scope facet ignores the scope filter; got %v", res.Facets.Scopes)
	}
	h := 0
	for i, b := range res.Histogram {
		h += b.Count
		if b.Start >= b.End || i > 0 && res.Histogram[i-1].End != b.Start {
			t.Fatalf("bucket %d: %+v after %+v", i, b, res.Histogram[max(i-1, 0)])
		}
	}
	if h != res.Total {
		t.Errorf("the histogram counts %d, the result %d", h, res.Total)
	}

	// Windows of rows: sorted by user, then by time; times in the zone.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	var rows []Row
	for off := 0; off < res.Total; off += 700 {
		w, err := a.Query.Rows(res.ID, off, 700)
		if err != nil {
			t.Fatal(err)
		}
		if w.Offset != off || w.QueryID != res.ID {
			t.Fatalf("window %+v for offset %d", w, off)
		}
		rows = append(rows, w.Rows...)
	}
	if len(rows) != res.Total {
		t.Fatalf("the windows hold %d rows, the result %d", len(rows), res.Total)
	}
	for i, r := range rows {
		at, err := time.Parse(time.RFC3339, r.Time)
		if err != nil {
			t.Fatal(err)
		}
		if got := at.In(tokyo).Format(time.DateTime); r.Timestamp != got || r.Scope != "Service" {
			t.Fatalf("row %d: %+v, want timestamp %s in Tokyo", i, r, got)
		}
		if i > 0 && (rows[i-1].User > r.User || rows[i-1].User == r.User && rows[i-1].Time > r.Time) {
			t.Fatalf("rows %d and %d out of (user, time) order: %+v, %+v", i-1, i, rows[i-1], r)
		}
	}
	if w, err := a.Query.Rows(res.ID, res.Total, 10); err != nil || len(w.Rows) != 0 {
		t.Errorf("a window past the end: %+v, %v", w, err)
	}
	if w, _ := a.Query.Rows(res.ID, 0, 1_000_000); len(w.Rows) > maxRowsWindow {
		t.Errorf("one window gave %d rows, over %d", len(w.Rows), maxRowsWindow)
	}
}

func TestQueryErrorsNameTheField(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 1000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		req  QueryRequest
		want string
	}{
		// Scope and status are open sets (the cache keeps what the platform
		// served): refused are a documented value in the wrong case and
		// malformed text, no longer a value outside the documented sets.
		{QueryRequest{Filter: audit.FilterText{Scope: "billing"}}, "scope:"},
		{QueryRequest{Filter: audit.FilterText{Status: "MAY\x1bBE"}}, "status:"},
		{QueryRequest{Filter: audit.FilterText{From: "yesterday"}}, "from:"},
		{QueryRequest{Filter: audit.FilterText{From: "2026-05-01", To: "2026-04-01"}}, "to:"},
		{QueryRequest{Filter: audit.FilterText{TimeZone: "Mars/Olympus"}}, "tz:"},
		{QueryRequest{Sort: "colour"}, "sort:"},
	} {
		_, err := a.Query.Run(c.req)
		ui := ToUIError(err)
		if err == nil || ui.Code != CodeInvalidInput || !strings.Contains(ui.Message, c.want) || strings.Contains(ui.Message, "\n") {
			t.Errorf("Query(%+v): %v; want an invalid_input line naming %q", c.req, err, c.want)
		}
	}
	// A scope or status the demo's cache does not hold is a filter that
	// matches nothing, not an error.
	for _, ft := range []audit.FilterText{{Scope: "Galaxy"}, {Status: "MAYBE"}, {Scope: "Compliance", Status: "PENDING"}} {
		if res, err := a.Query.Run(QueryRequest{Filter: ft}); err != nil || res.Total != 0 {
			t.Errorf("Query(%+v) = %v, %v; want no rows and no error", ft, res, err)
		}
	}
	if _, err := a.Query.Rows(12345, 0, 10); ToUIError(err).Code != CodeQueryGone {
		t.Errorf("Rows of an unknown query: %v, want query_gone", err)
	}
	if _, err := a.Query.Rows(1, -1, 10); ToUIError(err).Code != CodeInvalidInput {
		t.Errorf("Rows at a negative offset: %v", err)
	}
}

func TestQueryWithNoProfile(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Disabled: true})
	if _, err := a.Query.Run(QueryRequest{}); ToUIError(err).Code != CodeNoProfile {
		t.Errorf("Query with no profile: %v, want no_profile", err)
	}
}

// A query reads one snapshot: a sync that lands while the table reads its
// windows changes none of its rows; the UI is told, and a new query sees
// the new events.
func TestQuerySnapshotSurvivesASync(t *testing.T) {
	a, rec := demoApp(t, DemoOptions{Events: 2000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	before, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := a.Query.Rows(before.ID, 0, before.Total)
	if err != nil {
		t.Fatal(err)
	}

	// A sync lands: newer events, and one in the middle of the history.
	pr, err := a.current()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := pr.Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	newest, _ := time.Parse(time.RFC3339, first.Rows[0].Time)
	mid, _ := time.Parse(time.RFC3339, first.Rows[len(first.Rows)/2].Time)
	var add []audit.Event
	for i, at := range []time.Time{newest.Add(time.Minute), newest.Add(2 * time.Minute), mid} {
		add = append(add, audit.Event{
			ID: fmt.Sprintf("late-%d", i), Time: at, User: "late@example.com", Scope: audit.ScopeBilling,
			Category: "Payment", Action: "Pay", Target: "inv-1", Status: audit.StatusSuccess, Description: "paid",
		})
	}
	next, err := ix.Append(add)
	if err != nil {
		t.Fatal(err)
	}
	_, added := pr.Install(next)
	a.indexSynced(pr.Info().Name, next.Len(), added)

	after, err := a.Query.Rows(before.ID, 0, before.Total)
	if err != nil {
		t.Fatalf("the old query's rows after a sync: %v", err)
	}
	if !reflect.DeepEqual(first.Rows, after.Rows) {
		t.Fatal("a sync changed the rows of a query made before it")
	}
	ups := rec.named(EventIndexUpdated)
	if len(ups) != 1 {
		t.Fatalf("index updates emitted: %v, want one", ups)
	}
	if u := ups[0].(IndexUpdate); u.Added != 3 || u.Events != before.Events+3 {
		t.Errorf("index update %+v, want 3 added to %d", u, before.Events)
	}
	now, err := a.Query.Run(QueryRequest{Filter: audit.FilterText{Users: []string{"late@example.com"}}})
	if err != nil || now.Total != 3 || now.Events != before.Events+3 {
		t.Fatalf("a query after the sync: %+v, %v", now, err)
	}
	// The new events are marked, and only they.
	marked, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := a.Query.Rows(marked.ID, 0, marked.Total)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range all.Rows {
		if r.New != (r.User == "late@example.com") {
			t.Fatalf("row %+v marked new: %v", r, r.New)
		}
		if r.New {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d rows marked new, want 3", n)
	}

	// Only the newest results are held; older ones say so.
	for range session.KeptResults {
		if _, err := a.Query.Run(QueryRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Query.Rows(before.ID, 0, 1); !errors.Is(err, ErrQueryGone) {
		t.Errorf("Rows of an evicted query: %v, want ErrQueryGone", err)
	}
}

// The open profile is read from disk once: a keystroke's query, its rows,
// the type-ahead and the status bar read no profile.json (here, moved away
// after the profile was opened).
func TestQueriesReadNoProfileFile(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 2000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	pr, err := a.current()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(a.store.ProfileDir(pr.Info()), "profile.json")
	if err := os.Rename(file, file+".away"); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Rename(file+".away", file) }()
	res, err := a.Query.Run(QueryRequest{Filter: audit.FilterText{Search: "a"}})
	if err != nil || res.Total == 0 {
		t.Fatalf("a query with profile.json away: %+v, %v", res, err)
	}
	if rows, err := a.Query.Rows(res.ID, 0, 10); err != nil || len(rows.Rows) == 0 {
		t.Fatalf("rows with profile.json away: %v", err)
	}
	if _, err := a.Query.Values(audit.FilterText{}, query.ValueUsers, "", 5); err != nil {
		t.Fatalf("values with profile.json away: %v", err)
	}
	if st, err := a.Profiles.Status(); err != nil || st.Profile == nil || st.Events != int64(res.Events) {
		t.Fatalf("status with profile.json away: %+v, %v", st, err)
	}
}

// The window's first painted rows are logged once, the line make bench-e2e
// times the window's start by; rows served are not painted rows.
func TestFirstRowsAreLoggedOnce(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 1500})
	var log strings.Builder
	a.log = slog.New(slog.NewTextHandler(&log, nil))
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "first rows") {
		t.Fatal("first rows logged before any were asked for")
	}
	for i := range 3 {
		res, err := a.Query.Run(QueryRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Query.Rows(res.ID, 0, 50); err != nil {
			t.Fatal(err)
		}
		if i == 0 && strings.Contains(log.String(), "first rows") {
			t.Fatal("first rows logged when they were served, before the window said it painted them")
		}
		a.Query.Shown(res.ID, 0)
		a.Query.Shown(res.ID, 50)
	}
	if n := strings.Count(log.String(), `msg="first rows" rows=50 events=1500`); n != 1 {
		t.Errorf("first rows logged %d times, want once:\n%s", n, log.String())
	}
}

// The search is warmed (the text checked, the letter masks made) once the
// window has painted its first rows, not while it draws them: the warm
// would take a core from the web view.
func TestSearchIsWarmedOnceTheFirstRowsArePainted(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 1500})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Query.Run(QueryRequest{FirstRows: 50})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := a.current()
	if err != nil {
		t.Fatal(err)
	}
	held, err := pr.Held(res.ID)
	if err != nil {
		t.Fatal(err)
	}
	ix := held.Index()
	time.Sleep(50 * time.Millisecond) // a warm started now would be done
	if ix.SearchWarm() {
		t.Fatal("the search was warmed before the window painted its first rows")
	}
	a.Query.Shown(res.ID, len(res.Rows))
	for range 500 {
		if ix.SearchWarm() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the search was not warmed after the window painted its first rows")
}

// A query can bring its first rows, so the table shows them without a
// second call: the same rows Rows gives, as many as asked.
func TestRunBringsItsFirstRows(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	for _, req := range []QueryRequest{
		{FirstRows: 200},
		{FirstRows: 50, Sort: audit.SortUser},
		{FirstRows: 5000, Filter: audit.FilterText{Status: string(audit.StatusFailed)}},
		{FirstRows: 10, Filter: audit.FilterText{Search: "no such text anywhere"}},
	} {
		res, err := a.Query.Run(req)
		if err != nil {
			t.Fatal(err)
		}
		want, err := a.Query.Rows(res.ID, 0, req.FirstRows)
		if err != nil {
			t.Fatal(err)
		}
		if n := min(req.FirstRows, res.Total, maxRowsWindow); len(res.Rows) != n || !reflect.DeepEqual(res.Rows, want.Rows) {
			t.Errorf("%+v: %d first rows, want the %d Rows gives", req, len(res.Rows), n)
		}
	}
	res, err := a.Query.Run(QueryRequest{})
	if err != nil || res.Rows == nil || len(res.Rows) != 0 {
		t.Fatalf("a query that asks for no rows: %d rows, %v", len(res.Rows), err)
	}
}
