package app

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
)

func TestExportWritesTheViewWithProgressAndRecordsIt(t *testing.T) {
	a, rec := demoApp(t, DemoOptions{Events: 6000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	view := QueryRequest{Filter: audit.FilterText{Status: "FAILED", TimeZone: "Asia/Tokyo"}, Sort: audit.SortUser}
	q, err := a.Query.Run(view)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "failed.xlsx")
	res, err := a.Export.Run(ExportRequest{Query: view, Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != q.Total || res.Format != FormatXLSX || res.Manifest != path+export.ManifestSuffix || len(res.SHA256) != 64 {
		t.Fatalf("export %+v, the view has %d rows", res, q.Total)
	}
	m, err := export.ReadManifest(res.Manifest)
	if err != nil || m.SHA256 != res.SHA256 || m.TimeZone != "Asia/Tokyo" || m.Sort.String() != "user:asc" || m.Profile.User == "" {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	ps := rec.named(EventExportProgress)
	if len(ps) < 2 {
		t.Fatalf("export progress %v", ps)
	}
	if last := ps[len(ps)-1].(ExportProgress); !last.Done || last.Rows != q.Total || last.Total != q.Total {
		t.Errorf("last progress %+v, want done with %d rows", last, q.Total)
	}
	log, err := a.Profiles.Activity()
	if err != nil || len(log) != 1 || log[0].File != path || log[0].Rows != q.Total || log[0].Filter != "status=FAILED" || log[0].SHA256 != res.SHA256 {
		t.Fatalf("activity %+v, %v", log, err)
	}
}

// cancellingEmitter cancels the app's export at its first progress, the
// query's count. (Progress is throttled: a later one past zero rows may
// come only at the end of a small export, and the export package's tests
// cancel between windows of rows.)
type cancellingEmitter struct {
	a    *App
	once sync.Once
}

func (c *cancellingEmitter) Emit(name string, data any) {
	if p, ok := data.(ExportProgress); ok && name == EventExportProgress && !p.Done {
		c.once.Do(c.a.Export.Cancel)
	}
}

func TestCancelExportLeavesNothing(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 20000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	a.emit = &cancellingEmitter{a: a}
	dir := t.TempDir()
	_, err := a.Export.Run(ExportRequest{Path: filepath.Join(dir, "all.csv")})
	if ToUIError(err).Code != CodeCancelled {
		t.Fatalf("a cancelled export: %v, want cancelled", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a cancelled export left %v", ents)
	}
	if log, _ := a.Profiles.Activity(); len(log) != 0 {
		t.Errorf("a cancelled export was recorded: %+v", log)
	}
	// The next one runs.
	a.emit = discard{}
	if _, err := a.Export.Run(ExportRequest{Path: filepath.Join(dir, "all.csv")}); err != nil {
		t.Fatalf("an export after a cancelled one: %v", err)
	}
}

func TestExportBadRequests(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 500})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		req  ExportRequest
		code ErrorCode
		says string
	}{
		{ExportRequest{}, CodeInvalidInput, "choose a file"},
		// A scope outside the documented set is a filter now (it matches
		// what the cache holds of it); a documented one in the wrong case is
		// still a typo.
		{ExportRequest{Path: filepath.Join(dir, "x.csv"), Query: QueryRequest{Filter: audit.FilterText{Scope: "billing"}}}, CodeInvalidInput, "scope:"},
		{ExportRequest{Path: filepath.Join(dir, "gone", "x.csv")}, CodeInvalidInput, "create it or choose another folder"},
		{ExportRequest{Path: filepath.Join(dir, "x.pdf")}, CodeInvalidInput, ".csv, .xlsx or .parquet"},
	} {
		_, err := a.Export.Run(c.req)
		if ui := ToUIError(err); ui.Code != c.code || !strings.Contains(ui.Message, c.says) {
			t.Errorf("Export(%+v): %+v; want %s saying %q", c.req, ui, c.code, c.says)
		}
	}
}

type fakeDialogs struct {
	answer string
	got    runtime.SaveDialogOptions
	opened runtime.OpenDialogOptions
}

func (f *fakeDialogs) SaveFile(o runtime.SaveDialogOptions) (string, error) {
	f.got = o
	return f.answer, nil
}

func (f *fakeDialogs) OpenFiles(o runtime.OpenDialogOptions) ([]string, error) {
	f.opened = o
	if f.answer == "" {
		return nil, nil
	}
	return []string{f.answer}, nil
}

func TestChooseExportFile(t *testing.T) {
	a := newApp(t)
	d := &fakeDialogs{answer: "/home/auditor/report"}
	a.dialogs = d
	path, err := a.Export.ChooseFile("xlsx")
	if err != nil || path != "/home/auditor/report.xlsx" {
		t.Errorf("ChooseExportFile = %q, %v; want the extension added", path, err)
	}
	if d.got.Filters[0].Pattern != "*.xlsx" || !strings.HasSuffix(d.got.DefaultFilename, ".xlsx") {
		t.Errorf("dialog options %+v", d.got)
	}
	d.answer = ""
	if path, err := a.Export.ChooseFile("csv"); path != "" || err != nil {
		t.Errorf("a dismissed dialog gave %q, %v", path, err)
	}
	if _, err := a.Export.ChooseFile("pdf"); ToUIError(err).Code != CodeInvalidInput {
		t.Errorf("a pdf: %v", err)
	}
	t.Setenv(EnvSaveAs, "/tmp/e2e.csv")
	if path, _ := a.Export.ChooseFile("csv"); path != "/tmp/e2e.csv" {
		t.Errorf("with %s set: %q", EnvSaveAs, path)
	}
}
