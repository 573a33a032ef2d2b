package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/cli"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/marks"
	"github.com/auditdesk/auditdesk/backend/query"
)

// tagCount is how many events carry tag, as Marks.Tags lists it.
func tagCount(t *testing.T, a *App, tag string) int {
	t.Helper()
	tags, err := a.Marks.Tags()
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) < len(marks.Builtin) {
		t.Fatalf("Tags %+v miss the builtin ones", tags)
	}
	for i, b := range marks.Builtin {
		if tags[i].Tag != b || !tags[i].Builtin {
			t.Fatalf("Tags %+v: want %s builtin at %d", tags, b, i)
		}
	}
	for _, c := range tags {
		if c.Tag == tag {
			return c.N
		}
	}
	return 0
}

// viewTotal is how many events the window's view of f counts.
func viewTotal(t *testing.T, a *App, f audit.FilterText) int {
	t.Helper()
	res, err := a.Query.Run(QueryRequest{Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// rowTags are the tags the table's rows of the whole view carry, by ID.
func rowTags(t *testing.T, a *App) map[string][]string {
	t.Helper()
	res, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for off := 0; off < res.Total; off += maxRowsWindow {
		w, err := a.Query.Rows(res.ID, off, maxRowsWindow)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range w.Rows {
			if r.Tags == nil {
				t.Fatalf("row %s has nil tags", r.ID)
			}
			if len(r.Tags) > 0 {
				out[r.ID] = r.Tags
			}
		}
	}
	return out
}

func TestMarkByIDsAndByFilterThenUndo(t *testing.T) {
	a, rec := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	all, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	top, err := a.Query.Rows(all.ID, 0, 3)
	if err != nil || len(top.Rows) != 3 {
		t.Fatalf("Rows: %v, %v", top, err)
	}
	ids := []string{top.Rows[0].ID, top.Rows[1].ID, top.Rows[2].ID}
	if len(rowTags(t, a)) != 0 || tagCount(t, a, marks.Finding) != 0 {
		t.Fatal("a fresh demo has marks")
	}

	// Three events by their IDs, with a note.
	res, err := a.Marks.Mark(ids, audit.FilterText{}, " finding ", "MFA off")
	if err != nil {
		t.Fatal(err)
	}
	if res.Tag != marks.Finding || res.Events != 3 || res.Added != 3 || res.Unmark || res.Undo || res.Undoable != 1 {
		t.Fatalf("Mark by IDs: %+v", res)
	}
	if n := tagCount(t, a, marks.Finding); n != 3 || res.Tags[0] != (TagCount{marks.Finding, 3, true}) {
		t.Fatalf("Tags count %d finding; the result says %+v", n, res.Tags)
	}
	ch := rec.named(EventMarksChanged)
	if len(ch) != 1 || ch[0].(MarksChange).Tags[0].N != 3 || ch[0].(MarksChange).Profile == "" {
		t.Fatalf("marks:changed emitted %+v", ch)
	}
	tagged := rowTags(t, a)
	if len(tagged) != 3 {
		t.Fatalf("rows with tags: %v, want the 3 marked", tagged)
	}
	for _, id := range ids {
		if !slices.Equal(tagged[id], []string{marks.Finding}) {
			t.Errorf("row %s has tags %v", id, tagged[id])
		}
	}
	if n := viewTotal(t, a, audit.FilterText{Tags: []string{marks.Finding}}); n != 3 {
		t.Fatalf("the view filtered by finding counts %d, want 3", n)
	}
	d, err := a.Query.Event(all.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Marks) != 1 || d.Marks[0].Tag != marks.Finding || d.Marks[0].Note != "MFA off" || d.Marks[0].At == "" || !slices.Equal(d.Tags, []string{marks.Finding}) {
		t.Fatalf("the details of a marked event: %+v", d)
	}

	// Every FAILED event of the view, follow-up.
	failed := audit.FilterText{Status: "FAILED"}
	want := viewTotal(t, a, failed)
	res, err = a.Marks.Mark(nil, failed, marks.FollowUp, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != want || res.Added != want || res.Undoable != 2 || want == 0 {
		t.Fatalf("Mark by filter: %+v, the view counts %d", res, want)
	}
	if n := tagCount(t, a, marks.FollowUp); n != want {
		t.Fatalf("follow-up counts %d, want %d", n, want)
	}
	if n := viewTotal(t, a, audit.FilterText{Tags: []string{marks.Finding, marks.FollowUp}}); n < want || n > want+3 {
		t.Fatalf("finding or follow-up counts %d, want %d to %d", n, want, want+3)
	}

	// A new note on one of the three, then Unmark of another.
	if _, err := a.Marks.Mark(ids[:1], audit.FilterText{}, marks.Finding, "MFA off for an owner"); err != nil {
		t.Fatal(err)
	}
	res, err = a.Marks.Unmark(ids[1:2], audit.FilterText{}, marks.Finding)
	if err != nil || res.Removed != 1 || !res.Unmark || res.Undoable != 4 {
		t.Fatalf("Unmark: %+v, %v", res, err)
	}
	if n := tagCount(t, a, marks.Finding); n != 2 {
		t.Fatalf("finding counts %d after the unmark, want 2", n)
	}

	// Undo, newest first: the unmark, the note, the follow-ups, the three.
	res, err = a.Marks.Undo()
	if err != nil || !res.Undo || !res.Unmark || res.Events != 1 || res.Added != 1 || res.Undoable != 3 {
		t.Fatalf("Undo of the unmark: %+v, %v", res, err)
	}
	if d, err := a.Query.Event(all.ID, 1); err != nil || len(d.Marks) != 1 || d.Marks[0].Note != "MFA off" {
		t.Fatalf("the unmarked event came back as %+v, %v", d.Marks, err)
	}
	res, err = a.Marks.Undo()
	if err != nil || res.Changed != 1 || res.Unmark || res.Events != 1 {
		t.Fatalf("Undo of the note: %+v, %v", res, err)
	}
	if d, err := a.Query.Event(all.ID, 0); err != nil || d.Marks[0].Note != "MFA off" {
		t.Fatalf("the old note is not back: %+v, %v", d.Marks, err)
	}
	res, err = a.Marks.Undo()
	if err != nil || res.Tag != marks.FollowUp || res.Events != want || res.Removed != want {
		t.Fatalf("Undo of the follow-ups: %+v, %v", res, err)
	}
	if n := viewTotal(t, a, audit.FilterText{Tags: []string{marks.FollowUp}}); n != 0 || tagCount(t, a, marks.FollowUp) != 0 {
		t.Fatalf("follow-up still counts %d after its undo", n)
	}
	res, err = a.Marks.Undo()
	if err != nil || res.Removed != 3 || res.Undoable != 0 {
		t.Fatalf("Undo of the three: %+v, %v", res, err)
	}
	if got := rowTags(t, a); len(got) != 0 {
		t.Fatalf("rows with tags after every undo: %v", got)
	}
	if _, err := a.Marks.Undo(); ToUIError(err).Code != CodeInvalidInput || !strings.Contains(err.Error(), "nothing to undo") {
		t.Fatalf("Undo with nothing left: %v", err)
	}
	// Each change told the window; the failed Undo did not.
	if n := len(rec.named(EventMarksChanged)); n != 8 {
		t.Errorf("marks:changed emitted %d times, want 8", n)
	}

	// The marks file is as the activity log last recorded it.
	v, err := a.Profiles.Verify()
	if err != nil || !v.OK {
		t.Fatalf("Verify after marks and undos: %+v, %v", v, err)
	}
}

func TestMarkRefusesWhatCannotBeAMark(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 500})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ids       []string
		f         audit.FilterText
		tag, says string
	}{
		{nil, audit.FilterText{}, " ", "a tag needs a name"},
		{nil, audit.FilterText{}, "Finding", "did you mean finding"},
		{nil, audit.FilterText{}, strings.Repeat("x", 65), "longer than 64"},
		{[]string{"evt_no_such_event"}, audit.FilterText{}, "finding", "evt_no_such_event"},
		{nil, audit.FilterText{Scope: "billing"}, "finding", "scope:"},
	} {
		_, err := a.Marks.Mark(c.ids, c.f, c.tag, "")
		if ui := ToUIError(err); ui.Code != CodeInvalidInput || !strings.Contains(ui.Message, c.says) {
			t.Errorf("Mark(%v, %+v, %q): %+v, want invalid_input saying %q", c.ids, c.f, c.tag, ui, c.says)
		}
	}
	if t2, err := a.Marks.CheckTag("  Q4 sample "); err != nil || t2 != "Q4 sample" {
		t.Errorf("CheckTag of an own tag: %q, %v", t2, err)
	}
	if _, err := a.Marks.CheckTag("Reviewed"); ToUIError(err).Code != CodeInvalidInput {
		t.Errorf("CheckTag of a builtin in another case: %v", err)
	}
	if n := tagCount(t, a, "finding"); n != 0 {
		t.Errorf("refused marks left %d findings", n)
	}
	// A mark that changes nothing leaves nothing to undo.
	res, err := a.Marks.Unmark(nil, audit.FilterText{}, "finding")
	if err != nil || res.Removed != 0 || res.Undoable != 0 {
		t.Fatalf("an unmark of nothing: %+v, %v", res, err)
	}
}

// Undo takes back the newest mark of the profile shown, not another's.
func TestUndoStackIsPerProfile(t *testing.T) {
	var u undoStack
	for i, p := range []string{"a", "b", "a"} {
		u.push(undoEntry{profile: p, events: i})
	}
	if e, ok := u.pop("a"); !ok || e.events != 2 {
		t.Fatalf("pop a: %+v, %v", e, ok)
	}
	if u.count("a") != 1 || u.count("b") != 1 {
		t.Fatalf("left: a %d, b %d", u.count("a"), u.count("b"))
	}
	for i := range maxUndo + 5 {
		u.push(undoEntry{profile: "c", events: i})
	}
	// The oldest go first, whoever's they are.
	if n := u.count("c"); n != maxUndo || u.count("a")+u.count("b") != 0 {
		t.Fatalf("kept %d of c, %d of a, %d of b: want the newest %d", n, u.count("a"), u.count("b"), maxUndo)
	}
	if e, _ := u.pop("c"); e.events != maxUndo+4 {
		t.Fatalf("the newest of c is %d", e.events)
	}
}

func TestReportOfTheViewWithPinnedGroupBys(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	view := QueryRequest{Filter: audit.FilterText{Status: "FAILED"}}
	q, err := a.Query.Run(view)
	if err != nil {
		t.Fatal(err)
	}
	first, err := a.Query.Rows(q.ID, 0, 2)
	if err != nil || len(first.Rows) != 2 {
		t.Fatal(first, err)
	}
	if _, err := a.Marks.Mark([]string{first.Rows[0].ID, first.Rows[1].ID}, audit.FilterText{}, "finding", "why"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	report := &ReportOptions{Groups: [][]query.GroupField{{query.GroupUser, query.GroupStatus}, {query.GroupMonth}}, Tops: []int{3, 0}}
	if _, err := a.Export.Run(ExportRequest{Query: view, Path: filepath.Join(dir, "r.csv"), Report: report}); ToUIError(err).Code != CodeInvalidInput {
		t.Fatalf("a report to a CSV: %v", err)
	}
	bad := &ReportOptions{Groups: [][]query.GroupField{{"colour"}}, Tops: []int{0}}
	if _, err := a.Export.Run(ExportRequest{Query: view, Path: filepath.Join(dir, "r.xlsx"), Report: &ReportOptions{Groups: report.Groups, Tops: []int{3}}}); ToUIError(err).Code != CodeInvalidInput {
		t.Fatalf("a report with a top missing: %v", err)
	}
	if _, err := a.Export.Run(ExportRequest{Query: view, Path: filepath.Join(dir, "r.xlsx"), Report: bad}); ToUIError(err).Code != CodeInvalidInput {
		t.Fatalf("a report by a field that is none: %v", err)
	}
	path := filepath.Join(dir, "report.xlsx")
	res, err := a.Export.Run(ExportRequest{Query: view, Path: path, Report: report})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Report || res.Findings != 2 || res.Rows != q.Total || res.Format != FormatXLSX {
		t.Fatalf("report %+v; the view has %d rows", res, q.Total)
	}
	m, err := export.ReadManifest(res.Manifest)
	if err != nil || m.Report == nil || m.SHA256 != res.SHA256 {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	groupSheets := 0
	for _, s := range m.Report.Sheets {
		if strings.HasPrefix(s, "By user × status") || strings.HasPrefix(s, "By month") {
			groupSheets++
		}
	}
	if groupSheets != 2 {
		t.Errorf("the report's sheets %v: want one per group-by pinned", m.Report.Sheets)
	}
	// Each sheet as long as its pin: the first three groups and the rest.
	rows, err := export.ReadSheet(path, m.Report.Sheets[2])
	if err != nil || len(rows) != 5 || !strings.HasSuffix(rows[4][0], " other groups)") {
		t.Errorf("the user × status sheet (top 3): %q, %v", rows, err)
	}
	// An export without the report option is none.
	plain, err := a.Export.Run(ExportRequest{Query: view, Path: filepath.Join(dir, "plain.xlsx")})
	if err != nil || plain.Report || plain.Findings != 0 {
		t.Fatalf("a plain export: %+v, %v", plain, err)
	}
	a.Shutdown(context.Background())
	var out, errOut bytes.Buffer
	if code := cli.Run(context.Background(), []string{"verify-export", path}, cli.Env{Stdout: &out, Stderr: &errOut}); code != cli.ExitOK {
		t.Fatalf("auditdesk verify-export of the report: exit %d: %s%s", code, out.String(), errOut.String())
	}
}

// A marks file AuditDesk cannot read leaves the table and the details
// whole; Tags says what is wrong, and no mark is written over it.
func TestUnreadableMarksKeepTheTable(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 500})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	pr, err := a.current()
	if err != nil {
		t.Fatal(err)
	}
	path := marks.Path(a.store.ProfileDir(pr.Info()))
	if err := os.WriteFile(path, []byte("not marks"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := a.Query.Run(QueryRequest{FirstRows: 10})
	if err != nil || len(res.Rows) != 10 {
		t.Fatalf("the table with an unreadable marks file: %d rows, %v", len(res.Rows), err)
	}
	if d, err := a.Query.Event(res.ID, 0); err != nil || len(d.Marks) != 0 {
		t.Fatalf("the details with an unreadable marks file: %+v, %v", d.Marks, err)
	}
	if _, err := a.Marks.Tags(); err == nil || !strings.Contains(err.Error(), "move it aside") {
		t.Fatalf("Tags with an unreadable marks file: %v", err)
	}
	if _, err := a.Marks.Mark([]string{res.Rows[0].ID}, audit.FilterText{}, "finding", ""); err == nil {
		t.Fatal("a mark was written over an unreadable marks file")
	}
	if b, _ := os.ReadFile(path); string(b) != "not marks" {
		t.Fatalf("the marks file became %q", b)
	}
}
