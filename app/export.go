package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/session"
)

// Export is the Export dialog's service: it writes the current view, as
// Query shows it, to CSV or XLSX, or a report of it, with its manifest.
// One export runs at a time.
type Export struct{ *core }

// ExportFormat is a file format of an export.
type ExportFormat string

// The export formats.
const (
	FormatCSV  ExportFormat = ExportFormat(export.CSV)
	FormatXLSX ExportFormat = ExportFormat(export.XLSX)
)

// ExportRequest is the current view and how to write it. Path comes from
// ChooseFile.
type ExportRequest struct {
	Query        QueryRequest `json:"query"`
	Path         string       `json:"path"`
	Format       ExportFormat `json:"format"` // "" from Path's extension
	BOM          bool         `json:"bom"`
	KeepFormulas bool         `json:"keepFormulas"`
	// Report, when set, makes the export a report, an XLSX (ChooseReport).
	Report *ReportOptions `json:"report,omitempty"`
}

// ReportOptions make an export a report (Report... in the Export dialog):
// a Summary sheet, a Findings sheet of the view's marked events, one sheet
// per group-by pinned in the window, then the export's own Events and
// About sheets, under the same manifest.
type ReportOptions struct {
	// Groups are the group-bys pinned, one or two fields each.
	Groups [][]query.GroupField `json:"groups"`
	// Tops is how many groups each group-by's sheet lists, the rest
	// summed, as its pin showed; 0 lists them all.
	Tops []int `json:"tops"`
}

// sessionReport checks o and makes it the session's request.
func (o *ReportOptions) sessionReport() (*session.ReportRequest, error) {
	if len(o.Tops) != len(o.Groups) {
		return nil, Invalid(fmt.Sprintf("report: %d tops for %d group-bys", len(o.Tops), len(o.Groups)))
	}
	out := &session.ReportRequest{}
	for k, g := range o.Groups {
		if o.Tops[k] < 0 {
			return nil, Invalid(fmt.Sprintf("report: top %d is negative; 0 keeps every group", o.Tops[k]))
		}
		names := make([]string, len(g))
		for i, f := range g {
			names[i] = string(f)
		}
		fields, err := query.ParseGroupBy(strings.Join(names, ","))
		if err != nil {
			return nil, Invalid("report: group by: " + err.Error())
		}
		out.Groups = append(out.Groups, session.ReportGroupBy{By: fields, Top: o.Tops[k]})
	}
	return out, nil
}

// ExportResult is a finished export.
type ExportResult struct {
	Path     string       `json:"path"`
	Manifest string       `json:"manifest"`
	Format   ExportFormat `json:"format"`
	Rows     int          `json:"rows"`
	SHA256   string       `json:"sha256"`
	Bytes    int64        `json:"bytes"`
	// Report: the file is a report; Findings is how many marked events
	// its Findings sheet lists.
	Report   bool `json:"report"`
	Findings int  `json:"findings"`
}

// ExportProgress is the payload of EventExportProgress.
type ExportProgress struct {
	Rows  int  `json:"rows"`
	Total int  `json:"total"`
	Done  bool `json:"done"`
}

// EventExportProgress is emitted, throttled, while an export runs.
const EventExportProgress = "export:progress"

// EnvSaveAs, for tests, answers the save dialog with its value instead of
// opening it (the native dialog cannot be driven from a browser test).
const EnvSaveAs = "AUDITDESK_SAVE_AS"

// ChooseFile opens the native save dialog for a file of format, named
// after the day; "" when the user cancels.
func (x *Export) ChooseFile(format ExportFormat) (string, error) {
	f, err := export.FormatFor(string(format), "")
	if err != nil {
		return "", Invalid(err.Error())
	}
	filters := []runtime.FileFilter{{DisplayName: "CSV (*.csv)", Pattern: "*.csv"}, xlsxFilter}
	if f == export.XLSX {
		filters[0], filters[1] = filters[1], filters[0]
	}
	return x.chooseFile("Export the current view", "audit-log-", f, filters)
}

// ChooseReport opens the native save dialog for a report, a workbook named
// after the day; "" when the user cancels.
func (x *Export) ChooseReport() (string, error) {
	return x.chooseFile("Write a report of the current view", "audit-report-", export.XLSX, []runtime.FileFilter{xlsxFilter})
}

var xlsxFilter = runtime.FileFilter{DisplayName: "Excel workbook (*.xlsx)", Pattern: "*.xlsx"}

func (x *Export) chooseFile(title, prefix string, f export.Format, filters []runtime.FileFilter) (string, error) {
	if path := os.Getenv(EnvSaveAs); path != "" {
		return path, nil
	}
	if x.dialogs == nil {
		return "", errors.New("no window to open the save dialog in")
	}
	name := prefix + time.Now().Format("2006-01-02") + "." + string(f)
	path, err := x.dialogs.SaveFile(runtime.SaveDialogOptions{
		Title: title, DefaultDirectory: defaultExportDir(), DefaultFilename: name,
		Filters: filters, CanCreateDirectories: true,
	})
	if err != nil || path == "" {
		return "", err
	}
	if filepath.Ext(path) == "" {
		path += "." + string(f)
	}
	return path, nil
}

// defaultExportDir is the user's Documents folder if there is one, else home.
func defaultExportDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}

// Run writes the view (the same filter and sort as Query) to req.Path
// with its manifest, emitting EventExportProgress; Cancel stops it and
// leaves nothing.
func (x *Export) Run(req ExportRequest) (ExportResult, error) {
	if strings.TrimSpace(req.Path) == "" {
		return ExportResult{}, Invalid("choose a file to export to")
	}
	f, loc, s, err := parseQuery(req.Query)
	if err != nil {
		return ExportResult{}, err
	}
	var report *session.ReportRequest
	if req.Report != nil {
		if fm, err := export.FormatFor(string(req.Format), req.Path); err != nil || fm != export.XLSX {
			return ExportResult{}, Invalid("a report is a workbook: choose a .xlsx file")
		}
		if report, err = req.Report.sessionReport(); err != nil {
			return ExportResult{}, err
		}
	}
	pr, err := x.current()
	if err != nil {
		return ExportResult{}, err
	}
	run, err := x.exports.Start(progressInterval, func(p ExportProgress) { x.emit.Emit(EventExportProgress, p) })
	if err != nil {
		return ExportResult{}, err
	}
	defer run.End()
	total := 0
	m, err := pr.Export(run.Ctx, session.ExportRequest{
		Path: req.Path, Format: export.Format(req.Format), Filter: f, Sort: s, Location: loc,
		BOM: req.BOM, KeepFormulas: req.KeepFormulas, AppVersion: x.version, Report: report,
		OnQuery: func(n int) {
			total = n
			run.Report(ExportProgress{Total: n})
		},
		OnProgress: func(pr export.Progress) {
			run.Report(ExportProgress{Rows: pr.Rows, Total: pr.Total})
		},
	})
	run.Report(ExportProgress{Rows: m.Rows, Total: total, Done: true})
	run.Flush()
	if err != nil {
		if errors.Is(err, export.ErrCancelled) || errors.Is(err, context.Canceled) && run.Ctx.Err() != nil {
			// Cancelled while writing, or before: reading the chain.
			err = errCancelled
		}
		x.log.Warn("export failed", "err", err)
		return ExportResult{}, err
	}
	path, _ := filepath.Abs(req.Path)
	out := ExportResult{Path: path, Manifest: path + export.ManifestSuffix, Format: ExportFormat(m.Format), Rows: m.Rows, SHA256: m.SHA256, Bytes: m.Bytes}
	if m.Report != nil {
		out.Report, out.Findings = true, m.Report.Findings
	}
	return out, nil
}

// Cancel stops the running export; it leaves no file behind.
func (x *Export) Cancel() { x.exports.Cancel() }

// ShowFile opens the folder that holds path in the desktop's file manager.
func (x *Export) ShowFile(path string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return Invalid(fmt.Sprintf("the folder %s is not there any more", dir))
	}
	opener, err := exec.LookPath("xdg-open")
	if err != nil {
		return errors.New("no file manager to show it in (xdg-open is not installed); the file is in " + dir)
	}
	cmd := exec.CommandContext(context.Background(), opener, dir)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
