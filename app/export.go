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
	"github.com/auditdesk/auditdesk/backend/session"
)

// Export is the Export dialog's service: it writes the current view, as
// Query shows it, to CSV or XLSX with its manifest. One export runs at a
// time.
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
}

// ExportResult is a finished export.
type ExportResult struct {
	Path     string       `json:"path"`
	Manifest string       `json:"manifest"`
	Format   ExportFormat `json:"format"`
	Rows     int          `json:"rows"`
	SHA256   string       `json:"sha256"`
	Bytes    int64        `json:"bytes"`
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
	if path := os.Getenv(EnvSaveAs); path != "" {
		return path, nil
	}
	if x.dialogs == nil {
		return "", errors.New("no window to open the save dialog in")
	}
	name := "audit-log-" + time.Now().Format("2006-01-02") + "." + string(f)
	filters := []runtime.FileFilter{{DisplayName: "CSV (*.csv)", Pattern: "*.csv"}, {DisplayName: "Excel workbook (*.xlsx)", Pattern: "*.xlsx"}}
	if f == export.XLSX {
		filters[0], filters[1] = filters[1], filters[0]
	}
	path, err := x.dialogs.SaveFile(runtime.SaveDialogOptions{
		Title: "Export the current view", DefaultDirectory: defaultExportDir(), DefaultFilename: name,
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
		BOM: req.BOM, KeepFormulas: req.KeepFormulas, AppVersion: x.version,
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
	return ExportResult{Path: path, Manifest: path + export.ManifestSuffix, Format: ExportFormat(m.Format), Rows: m.Rows, SHA256: m.SHA256, Bytes: m.Bytes}, nil
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
