package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
)

// The Import service: a preview says how each file will be read and shows
// its first rows in the zone asked; a run imports the good file into the
// case, refuses the bad one whole, and the window then shows the case;
// Refresh then refuses it (no platform). A bad zone is one line.
func TestImportPreviewAndRun(t *testing.T) {
	a := newApp(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "console.csv")
	bad := filepath.Join(dir, "bad.csv")
	head := "Timestamp,User,Scope,Category,Action,Target,Status,Description,Region\r\n"
	_ = os.WriteFile(good, []byte(head+
		"2026-11-05 09:03:07,a@x.example,Service,AI Notebook,Start Notebook,nb-1,SUCCESS,ok,eu\r\n"+
		"2026-11-05 09:04:07,b@x.example,Billing,Wallet,Top Up Wallet,,FAILED,declined,eu\r\n"), 0o600)
	_ = os.WriteFile(bad, []byte(head+"2026-11-05 09:05:07,a@x.example,Service,AI Notebook,Stop Notebook,nb-1,MAYBE,x,eu\r\n"), 0o600)

	opt := ImportOptions{Case: "Audit 2026", TimeZone: "Asia/Tokyo"}
	pv, err := a.Import.Preview([]string{good, bad, filepath.Join(dir, "missing.csv")}, opt)
	if err != nil || len(pv) != 3 {
		t.Fatalf("Preview: %+v, %v", pv, err)
	}
	p := pv[0]
	if p.Format != "console-csv" || p.Encoding != "utf-8" || p.Separator != "," || p.Zone != "Asia/Tokyo" || p.ZoneFromFile ||
		len(p.Rows) != 2 || p.Rows[0].Timestamp != "2026-11-05 09:03:07" || p.Rows[0].Time != "2026-11-05T00:03:07.000Z" ||
		p.Columns[8] != (ColumnRead{Header: "Region"}) || p.Columns[0].Field != "Timestamp" || p.Error != "" {
		t.Fatalf("preview of the good file: %+v", p)
	}
	if len(pv[1].Problems) != 1 || !strings.Contains(pv[1].Problems[0], "bad.csv:2: unknown status") {
		t.Fatalf("preview of the bad file: %+v", pv[1])
	}
	if pv[2].Error == "" {
		t.Fatalf("preview of a missing file: %+v", pv[2])
	}

	rec := &recordingEmitter{}
	a.emit = rec
	res, err := a.Import.Run([]string{good, bad}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Case != "Audit 2026" || res.Events != 2 || len(res.Files) != 2 || res.Files[0].New != 2 || res.Files[0].Error != "" ||
		!strings.Contains(res.Files[1].Error, "refused") || res.Files[1].New != 0 {
		t.Fatalf("Run: %+v", res)
	}
	if ups := rec.named(EventIndexUpdated); len(ups) != 1 {
		t.Fatalf("index:updated %d times after the import, want once (the window queries the case again)", len(ups))
	}
	if !strings.Contains(strings.Join(res.Files[0].Notes, "; "), "Columns not read: Region") {
		t.Fatalf("notes: %q", res.Files[0].Notes)
	}
	st, err := a.Profiles.Status()
	if err != nil || st.Profile.Name != "Audit 2026" || !st.Profile.Imported || st.Events != 2 || len(st.Gaps) != 0 {
		t.Fatalf("the window shows %+v, %v; want the case", st, err)
	}
	if _, err := a.Sync.Refresh(); ToUIError(err).Code != CodeInvalidInput || !strings.Contains(err.Error(), "imported files") {
		t.Fatalf("Refresh of a case: %v", err)
	}
	if _, err := a.Import.Run([]string{good}, ImportOptions{TimeZone: "Mars/Olympus"}); ToUIError(err).Code != CodeInvalidInput {
		t.Fatalf("a bad zone: %v", err)
	}

	d := &fakeDialogs{answer: good}
	a.dialogs = d
	if paths, err := a.Import.ChooseFiles(); err != nil || len(paths) != 1 || paths[0] != good || d.opened.Filters[0].Pattern == "" {
		t.Fatalf("ChooseFiles: %v, %v", paths, err)
	}
	d.answer = ""
	if paths, err := a.Import.ChooseFiles(); err != nil || paths == nil || len(paths) != 0 {
		t.Fatalf("a dismissed dialog gave %v, %v", paths, err)
	}
}

// A drop of files on the window (runtime.OnFileDrop's callback) tells the
// window to open the Import dialog with them; while an import, an export
// or a sync runs it says why it cannot, and so it does of a drop of no file
// (a link, whose path WebKitGTK gives as ""). A drop Wails could not read
// (no paths) says nothing.
func TestImportDrop(t *testing.T) {
	a := newApp(t)
	rec := &recordingEmitter{}
	a.emit = rec
	paths := []string{"/home/alice/console.csv", "/home/alice/月次.xlsx"}

	a.dropped(nil)
	if got := rec.named(EventImportDrop); len(got) != 0 {
		t.Fatalf("a drop Wails could not read emitted %v", got)
	}
	a.dropped(paths)
	got := rec.named(EventImportDrop)
	if len(got) != 1 {
		t.Fatalf("emitted %v, want one %s", got, EventImportDrop)
	}
	if d := got[0].(ImportDrop); strings.Join(d.Paths, "|") != strings.Join(paths, "|") || d.Refused != "" {
		t.Fatalf("drop %+v, want the paths and no refusal", d)
	}
	a.dropped([]string{""})
	got = rec.named(EventImportDrop)
	if d := got[len(got)-1].(ImportDrop); len(d.Paths) != 0 || !strings.Contains(d.Refused, "held no file") {
		t.Fatalf("a drop of a link: %+v, want it refused as no file", d)
	}

	for _, tc := range []struct {
		job   string
		start func() (func(), error)
		want  string
	}{
		{"import", func() (func(), error) {
			r, err := a.imports.Start(progressInterval, func(ImportProgress) {})
			return func() { r.End() }, err
		}, "another import is running"},
		{"export", func() (func(), error) {
			r, err := a.exports.Start(progressInterval, func(ExportProgress) {})
			return func() { r.End() }, err
		}, "an export is running"},
		{"sync", func() (func(), error) {
			r, err := a.syncs.Start(progressInterval, func(SyncProgress) {})
			return func() { r.End() }, err
		}, "a sync is running"},
	} {
		end, err := tc.start()
		if err != nil {
			t.Fatal(err)
		}
		a.dropped(paths)
		end()
		got := rec.named(EventImportDrop)
		if d := got[len(got)-1].(ImportDrop); !strings.Contains(d.Refused, tc.want) || len(d.Paths) != 2 {
			t.Errorf("a drop while an %s runs: %+v, want refused with %q", tc.job, d, tc.want)
		}
	}
	a.dropped(paths)
	got = rec.named(EventImportDrop)
	if d := got[len(got)-1].(ImportDrop); d.Refused != "" {
		t.Fatalf("a drop once the jobs ended: %+v", d)
	}
}

// An AuditDesk export the manifest beside it vouches for is previewed as
// verified; one changed since, or without its manifest, is previewed with
// why, refused by an import that names the dialog's checkbox, and imported
// (marked unverified) once Unverified is asked.
func TestImportUnverifiedExport(t *testing.T) {
	a := newApp(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "console.csv")
	_ = os.WriteFile(src, []byte("Timestamp,User,Scope,Category,Action,Target,Status,Description\r\n"+
		"2026-11-05 09:03:07,a@x.example,Service,AI Notebook,Start Notebook,nb-1,SUCCESS,started nb-1\r\n"+
		"2026-11-05 09:04:07,b@x.example,Billing,Wallet,Top Up Wallet,,FAILED,declined\r\n"), 0o600)
	if _, err := a.Import.Run([]string{src}, ImportOptions{Case: "Source", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(dir, "export.csv")
	if _, err := a.Export.Run(ExportRequest{Query: QueryRequest{Filter: audit.FilterText{TimeZone: "UTC"}}, Path: exported}); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	manifest, _ := os.ReadFile(exported + export.ManifestSuffix)
	changed := filepath.Join(dir, "changed.csv")
	_ = os.WriteFile(changed, []byte(strings.Replace(string(body), "started nb-1", "started nb-2", 1)), 0o600)
	_ = os.WriteFile(changed+export.ManifestSuffix, manifest, 0o600)
	bare := filepath.Join(dir, "bare.csv")
	_ = os.WriteFile(bare, body, 0o600)

	pv, err := a.Import.Preview([]string{exported, changed, bare, src}, ImportOptions{TimeZone: "UTC"})
	if err != nil || len(pv) != 4 {
		t.Fatalf("Preview: %+v, %v", pv, err)
	}
	if p := pv[0]; p.Format != "auditdesk-csv" || !p.Verified || p.ManifestProblem != "" || p.Error != "" {
		t.Errorf("the export as written: %+v", p)
	}
	if p := pv[1]; p.Verified || !strings.Contains(p.ManifestProblem, "does not match its manifest") || p.Error != "" || len(p.Rows) != 2 {
		t.Errorf("the changed export: %+v", p)
	}
	if p := pv[2]; p.Verified || !strings.Contains(p.ManifestProblem, "without its manifest") || p.Error != "" {
		t.Errorf("the export without its manifest: %+v", p)
	}
	if p := pv[3]; p.Verified || p.ManifestProblem != "" {
		t.Errorf("the console's CSV has no manifest to speak of: %+v", p)
	}
	for _, p := range pv[1:3] {
		if strings.Contains(p.ManifestProblem, "--unverified") {
			t.Errorf("the window's preview names the command line's flag: %q", p.ManifestProblem)
		}
	}

	res, err := a.Import.Run([]string{changed}, ImportOptions{Case: "Check", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.New != 0 || !strings.Contains(f.Error, "does not match its manifest") ||
		!strings.Contains(f.Error, "Import AuditDesk exports that do not match their manifest") || strings.Contains(f.Error, "--unverified") {
		t.Fatalf("the changed export imported without Unverified: %+v", f)
	}
	res, err = a.Import.Run([]string{changed}, ImportOptions{Case: "Check", TimeZone: "UTC", Unverified: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.New != 2 || f.Error != "" || !strings.Contains(strings.Join(f.Notes, "; "), "imported unverified") {
		t.Fatalf("the changed export imported with Unverified: %+v", f)
	}
}

// The profile indicator says how many files a case holds: the distinct
// files its activity log recorded (a file imported twice is one), on the
// wire Profile of Status and of List; a synced profile has none.
func TestCaseFilesCounted(t *testing.T) {
	a := newApp(t)
	dir := t.TempDir()
	head := "Timestamp,User,Scope,Category,Action,Target,Status,Description\r\n"
	one := filepath.Join(dir, "one.csv")
	two := filepath.Join(dir, "two.csv")
	_ = os.WriteFile(one, []byte(head+"2026-11-05 09:03:07,a@x.example,Service,AI Notebook,Start Notebook,nb-1,SUCCESS,ok\r\n"), 0o600)
	_ = os.WriteFile(two, []byte(head+"2026-11-06 09:03:07,b@x.example,Service,AI Notebook,Stop Notebook,nb-1,SUCCESS,ok\r\n"), 0o600)
	opt := ImportOptions{Case: "Incident 42", TimeZone: "UTC"}
	for i, files := range [][]string{{one}, {one, two}} {
		if _, err := a.Import.Run(files, opt); err != nil {
			t.Fatal(err)
		}
		st, err := a.Profiles.Status()
		if err != nil || st.Profile == nil || st.Profile.Files != i+1 {
			t.Fatalf("after import %d: status %+v, %v; want %d files", i+1, st.Profile, err, i+1)
		}
	}
	if _, err := a.Import.Run([]string{two}, ImportOptions{Case: "Other", TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	list, err := a.Profiles.List()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]int{}
	for _, p := range list {
		files[p.Name] = p.Files
	}
	if files["Incident 42"] != 2 || files["Other"] != 1 || len(files) != 2 {
		t.Fatalf("List's files: %v", files)
	}
}
