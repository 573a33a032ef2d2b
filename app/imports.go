package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/importer"
	"github.com/auditdesk/auditdesk/backend/importer/textio"
	"github.com/auditdesk/auditdesk/backend/session"
)

// Import is the Import dialog's service: it shows how files will be read
// (Preview) and imports them into a case (Run), one import at a time, as
// `auditdesk import` does.
type Import struct{ *core }

// ImportOptions say how to read the files and where they go.
type ImportOptions struct {
	Case       string `json:"case"`     // "" is session.DefaultCase
	TimeZone   string `json:"timeZone"` // for times without a zone: an IANA name, UTC or Local
	Encoding   string `json:"encoding"` // auto, utf-8, utf-16 or shift_jis
	SkipBad    bool   `json:"skipBad"`
	Unverified bool   `json:"unverified"`
}

// ColumnRead is a column of a file and what it is read as ("" for none).
type ColumnRead struct {
	Header string `json:"header"`
	Field  string `json:"field"`
}

// FilePreview is how a file will be read, and its first rows as read.
type FilePreview struct {
	Path         string       `json:"path"`
	Name         string       `json:"name"`
	Format       string       `json:"format"`
	Encoding     string       `json:"encoding"`
	Separator    string       `json:"separator"`
	Zone         string       `json:"zone"`
	ZoneFromFile bool         `json:"zoneFromFile"`
	NoSeconds    int          `json:"noSeconds"`
	Columns      []ColumnRead `json:"columns"`
	Rows         []Row        `json:"rows"`
	// Problems are the bad rows among those read for the preview, as
	// NAME:LINE: what.
	Problems []string `json:"problems"`
	// Error says why the file cannot be imported at all; "" when it can.
	Error string `json:"error"`
	// Verified: an AuditDesk export its manifest vouches for.
	Verified bool `json:"verified"`
	// ManifestProblem, for an AuditDesk export its manifest does not vouch
	// for (none beside it, or the file no longer matches it), says why: it
	// is imported only with ImportOptions.Unverified.
	ManifestProblem string `json:"manifestProblem"`
}

// ImportedFile is what became of one file.
type ImportedFile struct {
	Name         string   `json:"name"`
	New          int      `json:"new"`
	Duplicates   int      `json:"duplicates"`
	Rejected     int      `json:"rejected"`
	RejectedFile string   `json:"rejectedFile"`
	Notes        []string `json:"notes"` // what was assumed
	Error        string   `json:"error"` // refused or failed: nothing of it is in the case
}

// ImportResult is a finished import: the case and each file's outcome.
type ImportResult struct {
	Case  string         `json:"case"`
	Files []ImportedFile `json:"files"`
	// Events is how many events the case holds now.
	Events int64 `json:"events"`
}

// ImportProgress is the payload of EventImportProgress: which file.
type ImportProgress struct {
	File  string `json:"file"`
	Index int    `json:"index"`
	Files int    `json:"files"`
	Done  bool   `json:"done"`
}

// EventImportProgress is emitted as each file of an import begins.
const EventImportProgress = "import:progress"

// ImportDrop is the payload of EventImportDrop: the files dropped on the
// window, and why they cannot be imported now ("" when they can: the
// window opens the Import dialog with them).
type ImportDrop struct {
	Paths   []string `json:"paths"`
	Refused string   `json:"refused"`
}

// EventImportDrop is emitted when files are dropped on the window.
const EventImportDrop = "import:drop"

// The reasons a drop is refused: one per job that holds the window, and a
// drop of no file (a link: WebKitGTK gives its drop as a path of "").
const (
	dropNoFile      = "Nothing was imported: what was dropped held no file. Drop the exported files themselves."
	dropWhileImport = "The files were not imported: another import is running. Wait for it to finish, or cancel it, then drop them again."
	dropWhileExport = "The files were not imported: an export is running. Wait for it to finish, then drop them again."
	dropWhileSync   = "The files were not imported: a sync is running. Wait for it to finish, then drop them again."
)

// untickedUnverified is how the window says to import an export its
// manifest does not vouch for: the dialog's checkbox, not the CLI's flag.
const untickedUnverified = ": tick \u201cImport AuditDesk exports that do not match their manifest\u201d to import it anyway"

// EnvOpenFiles, for tests, answers the open dialog with its value (paths
// separated by the OS's list separator) instead of opening it.
const EnvOpenFiles = "AUDITDESK_OPEN_FILES"

// previewRows is how many rows a preview reads of each file.
const previewRows = 5

// ChooseFiles opens the native dialog for files to import; none when the
// user cancels.
func (x *Import) ChooseFiles() ([]string, error) {
	if v := os.Getenv(EnvOpenFiles); v != "" {
		return filepath.SplitList(v), nil
	}
	if x.dialogs == nil {
		return nil, errors.New("no window to open the file dialog in")
	}
	paths, err := x.dialogs.OpenFiles(runtime.OpenDialogOptions{
		Title: "Import audit log files", DefaultDirectory: defaultExportDir(),
		Filters: []runtime.FileFilter{
			{DisplayName: "Audit log exports (*.csv, *.txt, *.tsv, *.xlsx, *.jsonl, *.json)", Pattern: "*.csv;*.txt;*.tsv;*.xlsx;*.jsonl;*.json"},
			{DisplayName: "All files", Pattern: "*"},
		},
	})
	if paths == nil {
		paths = []string{}
	}
	return paths, err
}

// readOptions are opt's zone and encoding, checked.
func readOptions(opt ImportOptions) (importer.Options, error) {
	loc, err := audit.LoadZone(opt.TimeZone)
	if err != nil {
		return importer.Options{}, Invalid(err.Error())
	}
	enc := textio.Auto
	if strings.TrimSpace(opt.Encoding) != "" {
		if enc, err = textio.ParseEncoding(opt.Encoding); err != nil {
			return importer.Options{}, Invalid(err.Error())
		}
	}
	return importer.Options{Zone: loc, Encoding: enc}, nil
}

// Preview reads the first rows of each file as the import will, and says
// how: format, encoding, separator, zone, what each column is read as.
func (x *Import) Preview(paths []string, opt ImportOptions) ([]FilePreview, error) {
	ro, err := readOptions(opt)
	if err != nil {
		return nil, err
	}
	out := make([]FilePreview, 0, len(paths))
	for _, path := range paths {
		fp := FilePreview{Path: path, Name: filepath.Base(path), Columns: []ColumnRead{}, Rows: []Row{}, Problems: []string{}}
		p, err := importer.PreviewFile(context.Background(), path, ro, previewRows)
		r := p.Report
		fp.Format, fp.Encoding, fp.Separator, fp.NoSeconds = string(r.Format), string(r.Encoding), r.Sep, r.NoSeconds
		fp.Zone, fp.ZoneFromFile = r.Zone, r.ZoneFromFile
		for i, h := range r.Header {
			c := ColumnRead{Header: h}
			if i < len(r.Fields) {
				c.Field = r.Fields[i]
			}
			fp.Columns = append(fp.Columns, c)
		}
		show := ro.Zone
		for i := range p.Events {
			fp.Rows = append(fp.Rows, Row{Row: audit.NewRow(&p.Events[i], show)})
		}
		for _, pr := range r.Problems {
			fp.Problems = append(fp.Problems, fp.Name+":"+strconv.Itoa(pr.Line)+": "+pr.What)
		}
		if err != nil {
			fp.Error = session.OneLine(err)
		}
		fp.Verified = p.Verified
		if p.Unvouched != nil {
			fp.ManifestProblem = p.Unvouched.Why
		}
		out = append(out, fp)
	}
	return out, nil
}

// Run imports the files into the case, each whole or not at all, emitting
// EventImportProgress; Cancel stops it, and the file it was in is rolled
// back. The window then shows the case.
func (x *Import) Run(paths []string, opt ImportOptions) (ImportResult, error) {
	if len(paths) == 0 {
		return ImportResult{}, Invalid("choose the files to import")
	}
	ro, err := readOptions(opt)
	if err != nil {
		return ImportResult{}, err
	}
	run, err := x.imports.Start(progressInterval, func(p ImportProgress) { x.emit.Emit(EventImportProgress, p) })
	if err != nil {
		return ImportResult{}, err
	}
	defer run.End()
	res, err := x.desk.Import(run.Ctx, session.ImportRequest{
		Case: opt.Case, Files: paths, Read: ro, SkipBad: opt.SkipBad, Unverified: opt.Unverified,
		OSUser: session.OSUser(), Version: x.version,
		OnFile: func(i int, path string) {
			run.Report(ImportProgress{File: filepath.Base(path), Index: i, Files: len(paths)})
		},
	})
	run.Report(ImportProgress{Files: len(paths), Done: true})
	run.Flush()
	out := ImportResult{Case: res.Profile.Name, Files: []ImportedFile{}, Events: res.Cache.Events}
	for _, f := range res.Files {
		fi := ImportedFile{
			Name: filepath.Base(f.Path), New: f.New, Duplicates: f.Duplicates, Rejected: f.Report.Bad,
			RejectedFile: f.RejectedFile, Notes: importNotes(f),
		}
		// The refusal itself (not one joined with a failed roll back)
		// names the dialog's checkbox, not the command line's flag.
		if me, ok := errors.AsType[*importer.ManifestError](f.Err); ok && errors.Is(me, f.Err) {
			fi.Error = me.Why + untickedUnverified
		} else if f.Err != nil {
			fi.Error = f.Err.Error()
		}
		out.Files = append(out.Files, fi)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && run.Ctx.Err() != nil {
			err = errCancelled
		}
		return out, err
	}
	if _, err := x.desk.Show(res.Profile); err != nil {
		return out, err
	}
	// A case shown already queries again, as after a sync.
	added := 0
	for _, f := range out.Files {
		added += f.New
	}
	x.indexSynced(res.Profile.Name, int(res.Cache.Events), added)
	return out, nil
}

// Cancel stops the running import; the file it was in is rolled back.
func (x *Import) Cancel() { x.imports.Cancel() }

// dropped is the window's file drop (runtime.OnFileDrop, registered at
// Startup; tests call it with paths): EventImportDrop tells the window to
// open the Import dialog with the files, or why it cannot: an import, an
// export or a sync runs, or the drop held no file.
func (c *core) dropped(paths []string) {
	if len(paths) == 0 {
		return // not a drop Wails could read
	}
	d := ImportDrop{Paths: make([]string, 0, len(paths))}
	for _, p := range paths {
		if p != "" {
			d.Paths = append(d.Paths, p)
		}
	}
	switch {
	case len(d.Paths) == 0:
		d.Refused = dropNoFile
	case c.imports.Running():
		d.Refused = dropWhileImport
	case c.exports.Running():
		d.Refused = dropWhileExport
	case c.syncs.Running():
		d.Refused = dropWhileSync
	}
	c.log.Info("files dropped", "files", len(paths), "refused", d.Refused)
	c.emit.Emit(EventImportDrop, d)
}

// importNotes are the file's notes (session.FileResult.Notes) as the
// window shows them: each a sentence from its capital.
func importNotes(f session.FileResult) []string {
	out := f.Notes()
	for i, n := range out {
		out[i] = strings.ToUpper(n[:1]) + n[1:]
	}
	return out
}
