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
	"github.com/auditdesk/auditdesk/backend/settings"
)

// ExportRequest is the current view and how to write it. Path comes from
// ChooseExportFile.
type ExportRequest struct {
	Query        QueryRequest  `json:"query"`
	Path         string        `json:"path"`
	Format       export.Format `json:"format"` // "" from Path's extension
	BOM          bool          `json:"bom"`
	KeepFormulas bool          `json:"keepFormulas"`
}

// ExportResult is a finished export.
type ExportResult struct {
	Path     string        `json:"path"`
	Manifest string        `json:"manifest"`
	Format   export.Format `json:"format"`
	Rows     int           `json:"rows"`
	SHA256   string        `json:"sha256"`
	Bytes    int64         `json:"bytes"`
}

// ExportProgress is the payload of EventExportProgress.
type ExportProgress struct {
	Rows  int  `json:"rows"`
	Total int  `json:"total"`
	Done  bool `json:"done"`
}

// EventExportProgress is emitted, throttled, while an export runs.
const EventExportProgress = "export:progress"

// ActivityEntry is one line of the profile's activity log, for the window.
type ActivityEntry struct {
	Time   string `json:"time"` // RFC 3339, UTC
	Kind   string `json:"kind"`
	OSUser string `json:"osUser"`
	User   string `json:"user"`
	File   string `json:"file"`
	Format string `json:"format"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
	Filter string `json:"filter"` // the filter as one readable line
	Sort   string `json:"sort"`
}

// EnvSaveAs, for tests, answers the save dialog with its value instead of
// opening it (the native dialog cannot be driven from a browser test).
const EnvSaveAs = "AUDITDESK_SAVE_AS"

// ChooseExportFile opens the native save dialog for a file of format,
// named after the profile and the day; "" when the user cancels.
func (a *App) ChooseExportFile(format string) (string, error) {
	f, err := export.FormatFor(format, "")
	if err != nil {
		return "", Invalid(err.Error())
	}
	if path := os.Getenv(EnvSaveAs); path != "" {
		return path, nil
	}
	if a.dialogs == nil {
		return "", errors.New("no window to open the save dialog in")
	}
	name := "audit-log-" + time.Now().Format("2006-01-02") + "." + string(f)
	filters := []runtime.FileFilter{{DisplayName: "CSV (*.csv)", Pattern: "*.csv"}, {DisplayName: "Excel workbook (*.xlsx)", Pattern: "*.xlsx"}}
	if f == export.XLSX {
		filters[0], filters[1] = filters[1], filters[0]
	}
	path, err := a.dialogs.SaveFile(runtime.SaveDialogOptions{
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

// Export writes the view (the same filter and sort as Query) to req.Path
// with its manifest, emitting EventExportProgress; CancelExport stops it and
// leaves nothing. One export runs at a time.
func (a *App) Export(req ExportRequest) (ExportResult, error) {
	if strings.TrimSpace(req.Path) == "" {
		return ExportResult{}, Invalid("choose a file to export to")
	}
	f, loc, s, err := parseQuery(req.Query)
	if err != nil {
		return ExportResult{}, err
	}
	p, err := a.current()
	if err != nil {
		return ExportResult{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.mu.Lock()
	if a.cancelExport != nil {
		a.mu.Unlock()
		return ExportResult{}, ErrBusy
	}
	a.cancelExport = cancel
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.cancelExport = nil
		a.mu.Unlock()
	}()

	total := 0
	m, err := a.mgr.Export(ctx, p, session.ExportRequest{
		Path: req.Path, Format: req.Format, Filter: f, Sort: s, Location: loc,
		BOM: req.BOM, KeepFormulas: req.KeepFormulas, AppVersion: a.version,
		OnQuery: func(n int) {
			total = n
			a.emit.Emit(EventExportProgress, ExportProgress{Total: n})
		},
		OnProgress: func(pr export.Progress) {
			a.emit.Emit(EventExportProgress, ExportProgress{Rows: pr.Rows, Total: pr.Total})
		},
	})
	a.emit.Emit(EventExportProgress, ExportProgress{Rows: m.Rows, Total: total, Done: true})
	if t, ok := a.emit.(*ThrottledEmitter); ok {
		t.Flush()
	}
	if err != nil {
		if errors.Is(err, export.ErrCancelled) {
			err = errCancelled
		}
		a.log.Warn("export failed", "err", err)
		return ExportResult{}, err
	}
	path, _ := filepath.Abs(req.Path)
	return ExportResult{Path: path, Manifest: path + export.ManifestSuffix, Format: m.Format, Rows: m.Rows, SHA256: m.SHA256, Bytes: m.Bytes}, nil
}

// CancelExport stops the running export; it leaves no file behind.
func (a *App) CancelExport() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancelExport != nil {
		a.cancelExport()
	}
}

// ShowFile opens the folder that holds path in the desktop's file manager.
func (a *App) ShowFile(path string) error {
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

// Activity lists the current profile's activity log, newest first.
func (a *App) Activity() ([]ActivityEntry, error) {
	p, err := a.current()
	if err != nil {
		return nil, err
	}
	log, err := a.store.ActivityLog(p)
	if err != nil {
		return nil, err
	}
	out := make([]ActivityEntry, 0, len(log))
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		out = append(out, ActivityEntry{
			Time: rfc3339(e.Time), Kind: e.Kind, OSUser: e.OSUser, User: e.User, File: e.File, Format: e.Format,
			Rows: e.Rows, SHA256: e.SHA256, Filter: describeFilter(e), Sort: e.Sort.String(),
		})
	}
	return out, nil
}

// describeFilter is a filter as one line: "scope=Billing status=FAILED".
func describeFilter(e settings.Activity) string {
	f := e.Filter
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("search", f.Search)
	add("scope", string(f.Scope))
	add("category", strings.Join(f.Categories, "|"))
	add("action", strings.Join(f.Actions, "|"))
	add("status", string(f.Status))
	add("user", strings.Join(f.Users, "|"))
	add("workspace", f.Workspace)
	if !f.From.IsZero() {
		add("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		add("to", f.To.UTC().Format(time.RFC3339))
	}
	if len(parts) == 0 {
		return "all events"
	}
	return strings.Join(parts, " ")
}
