package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
