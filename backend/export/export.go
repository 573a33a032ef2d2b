// Package export writes a query's rows, in their sort order, to CSV or
// XLSX, with a manifest beside the file that proves what it holds. It is
// the only importer of excelize. Writers stream: memory stays flat
// whatever the row count. The file and its manifest are written in a work
// folder beside the target and moved there at the end, in an order that
// keeps the older pair or the new one whole whatever crash comes between
// (pair.go); a failed or cancelled export leaves nothing and never touches
// an existing file of that name.
package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/internal/gcpace"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/signing"
)

// Format is a file format.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// FormatFor picks the format: the given one, else FILE's extension.
func FormatFor(format, path string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(format)))
	known := func(f Format) bool { return f == CSV || f == XLSX || f == Parquet }
	if f == "" {
		f = Format(strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), "."))
		if !known(f) {
			return "", fmt.Errorf("%w: format: cannot tell it from %q; name the file .csv, .xlsx or .parquet, or give --format", ErrBadRequest, filepath.Base(path))
		}
	}
	if !known(f) {
		return "", fmt.Errorf("%w: format: %q is not csv, xlsx or parquet", ErrBadRequest, format)
	}
	return f, nil
}

// Source is what an export reads: rows [offset, offset+limit) of a query's
// sorted result (query.Result has this method). An error ends the export.
type Source interface {
	Rows(offset, limit int) ([]audit.Event, error)
}

// A Checker is a Source whose rows are checked apart from reading them,
// so that the costly part of the checks runs on every core: Check is given
// the rows of a window (offset is its first) after Rows gave them, on any
// goroutine, while other windows are read and checked; it does what needs
// the rows alone (hashing them) and returns the rest of the check, which
// the export calls in the rows' order, on one goroutine, before it writes
// them. An error of that ends the export.
type Checker interface {
	Source
	Check(offset int, evs []audit.Event) (rest func() error)
}

// Progress is how far an export is.
type Progress struct {
	Rows  int `json:"rows"`
	Total int `json:"total"`
}

// Request is one export.
type Request struct {
	Path     string
	Format   Format // "" picks it from Path's extension
	Source   Source
	Total    int            // rows in Source
	Location *time.Location // of the Timestamp column; nil is UTC
	BOM      bool           // CSV: start with a UTF-8 byte order mark
	// KeepFormulas turns off the CSV's formula neutralisation. XLSX cells
	// are typed strings and never formulas either way.
	KeepFormulas bool
	Facts        Facts
	// Later, when set, completes Facts once the rows are written, before
	// the manifest and an XLSX's About sheet are made of them: with what
	// the caller read while the rows were (the chain they were checked
	// against). An error ends the export.
	Later      func(*Facts) error
	OnProgress func(Progress) // called every window of rows; may be nil
	Now        func() time.Time
	// Report, when set, makes an XLSX a report (report.go).
	Report *Report
	// Signer, when set, signs the manifest (this installation's key).
	Signer *signing.Key
}

// The kinds of failure, for callers that offer a next step.
var (
	ErrBadRequest = errors.New("bad export request")
	ErrNoFolder   = errors.New("folder does not exist")
	ErrPermission = errors.New("no permission")
	ErrNoSpace    = errors.New("disk full")
	ErrCancelled  = errors.New("export cancelled")
)

// window is how many rows are read from the source at a time. It is a
// power of two, and windows start at its multiples, so a whole window is a
// whole subtree of the rows' Merkle tree (merkle.go): its rows can be made
// and hashed apart from the others.
const window = 2048

type job struct {
	ctx    context.Context
	req    Request
	loc    *time.Location
	now    time.Time
	base   string
	tmpDir string

	done, neutralised, sheets int
	altered                   int      // XLSX cells made XML-safe or cut
	reportSheets              []string // a report's sheets before the events
	details                   int      // XLSX: the most cells a row's Details took
	tree                      merkle
}

// eachWindow writes every row in order, a window at a time, in three
// stages that keep every core busy: one goroutine reads the windows from
// the source, in order; on as many goroutines as there are cores, several
// windows at once, prep makes each window what the file will hold (its
// text, its rows' Merkle subtree, its counts) and a Checker source checks
// it as far as it can alone; and write writes the windows in order on the
// caller's goroutine, which ends their checks first, checks ctx and
// reports progress between windows, and at the end has Request.Later
// complete the facts. prep is given the
// window's first row and its rows; it must keep no state between calls,
// and touch nothing that write does.
func eachWindow[T any](j *job, prep func(off int, evs []audit.Event) T, write func(T) error) error {
	// A window on its way, in the order of the file: done is closed once
	// prep made out, or at once for a read that failed or found no rows.
	type slot struct {
		off   int
		n     int // rows read
		evs   []audit.Event
		out   T
		check func() error // the rest of a Checker's check
		err   error
		done  chan struct{}
	}
	workers := runtime.GOMAXPROCS(0)
	// Windows read and not yet written: enough to keep every worker busy
	// while the writer waits for the oldest, or for what the first check
	// needs (the chain, read at the same time). Of them, few are read and
	// not yet made: a window made holds its text, not its rows, which are
	// most of the garbage the collector sees.
	ahead := 16 * workers
	inOrder := make(chan *slot, ahead)
	work := make(chan *slot, ahead+1) // never full: it holds only slots inOrder holds or the writer waits on
	unmade := make(chan struct{}, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(inOrder)
		defer close(work)
		for off := 0; off < j.req.Total; {
			select {
			case unmade <- struct{}{}:
			case <-stop:
				return
			}
			s := &slot{off: off, done: make(chan struct{})}
			s.evs, s.err = readWindow(j.req.Source, off, min(window, j.req.Total-off))
			s.n = len(s.evs)
			select {
			case inOrder <- s:
			case <-stop:
				return
			}
			if s.err != nil || s.n == 0 {
				close(s.done)
				return
			}
			work <- s
			off += s.n
		}
	}()
	checker, _ := j.req.Source.(Checker)
	for range workers {
		go func() {
			for s := range work {
				select {
				case <-stop:
				default:
					s.out = prep(s.off, s.evs)
					if checker != nil {
						s.check = checker.Check(s.off, s.evs)
					}
				}
				s.evs = nil
				<-unmade
				close(s.done)
			}
		}()
	}
	for s := range inOrder {
		select {
		case <-s.done:
		case <-j.ctx.Done():
		}
		if err := j.ctx.Err(); err != nil {
			return err
		}
		if s.err != nil {
			return fmt.Errorf("export: read rows: %w", s.err)
		}
		if s.n == 0 {
			return fmt.Errorf("export: the result ended at row %d of %d", s.off, j.req.Total)
		}
		if s.check != nil {
			if err := s.check(); err != nil {
				return fmt.Errorf("export: check rows: %w", err)
			}
		}
		if err := write(s.out); err != nil {
			return err
		}
		j.done = s.off + s.n
		if j.req.OnProgress != nil {
			j.req.OnProgress(Progress{Rows: j.done, Total: j.req.Total})
		}
	}
	if j.req.Later != nil {
		return j.req.Later(&j.req.Facts)
	}
	return nil
}

// buffers are the byte buffers of windows written, to make others in:
// a window's text is half a megabyte or more, and a new one each time is
// that much memory cleared and collected.
var buffers bufferPool

type bufferPool struct{ p sync.Pool }

// get is an empty buffer of at least size bytes.
func (b *bufferPool) get(size int) []byte {
	if v, ok := b.p.Get().(*[]byte); ok && cap(*v) >= size {
		return (*v)[:0]
	}
	return make([]byte, 0, size)
}

// put gives back a buffer nothing uses any more.
func (b *bufferPool) put(buf []byte) { b.p.Put(&buf) }

// readWindow reads rows [off, off+n) of src, in more than one call if the
// source gives fewer rows than asked before its end: a window holds all
// its rows, so that the next starts where the Merkle tree needs it to.
func readWindow(src Source, off, n int) ([]audit.Event, error) {
	evs, err := src.Rows(off, n)
	for err == nil && len(evs) > 0 && len(evs) < n {
		var more []audit.Event
		if more, err = src.Rows(off+len(evs), n-len(evs)); len(more) == 0 {
			break
		}
		evs = append(evs, more...)
	}
	return evs, err
}

// hashWriter counts and hashes what goes to the file.
type hashWriter struct {
	w io.Writer
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
	n int64
}

func (h *hashWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	_, _ = h.h.Write(p[:n]) // a hash never fails
	h.n += int64(n)
	return n, err
}

// earlySync writes a file and, every earlySyncBytes, syncs what it holds
// so far on another goroutine, one sync at a time, while the export goes
// on: the sync the export waits for at the end has only the rest to write
// (a million rows' CSV is 200 MB, and syncing it whole at the end took a
// tenth of a second). An early sync's error is Sync's.
type earlySync struct {
	f       *os.File
	unsaved int64      // bytes written since the last early sync began
	syncing chan error // the early sync on its way, if any
	err     error      // an early sync's
}

const earlySyncBytes = 32 << 20

func (w *earlySync) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if w.unsaved += int64(n); w.unsaved >= earlySyncBytes && w.idle() {
		w.unsaved = 0
		w.syncing = make(chan error, 1)
		go func(f *os.File, done chan<- error) { done <- f.Sync() }(w.f, w.syncing)
	}
	return n, err
}

// idle says whether no early sync is on its way, keeping the error of one
// that ended.
func (w *earlySync) idle() bool {
	if w.syncing == nil {
		return true
	}
	select {
	case err := <-w.syncing:
		w.syncing = nil
		if w.err == nil {
			w.err = err
		}
		return true
	default:
		return false
	}
}

// Sync waits for the early sync on its way, then syncs the file.
func (w *earlySync) Sync() error {
	if w.syncing != nil {
		if err := <-w.syncing; w.err == nil {
			w.err = err
		}
		w.syncing = nil
	}
	if w.err != nil {
		return w.err
	}
	return w.f.Sync()
}

// Write exports req and returns the manifest written beside the file.
func Write(ctx context.Context, req Request) (m Manifest, err error) {
	format, err := FormatFor(string(req.Format), req.Path)
	if err != nil {
		return m, err
	}
	path, err := filepath.Abs(req.Path)
	if err != nil || req.Path == "" {
		return m, fmt.Errorf("%w: give the file to write", ErrBadRequest)
	}
	if req.Source == nil || req.Total < 0 {
		return m, fmt.Errorf("%w: nothing to export", ErrBadRequest)
	}
	if req.Report != nil && format != XLSX {
		return m, fmt.Errorf("%w: a report is a workbook; name the file .xlsx", ErrBadRequest)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return m, fmt.Errorf("export: %w: %s; create it or choose another folder", ErrNoFolder, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return m, fmt.Errorf("%w: %s is a folder; give a file name", ErrBadRequest, path)
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	// excelize's temp files go in the work folder too, so a crash leaves
	// them where the next export removes them.
	k := workFor(path)
	j := &job{ctx: ctx, req: req, loc: req.Location, now: now().UTC(), base: filepath.Base(path), tmpDir: k.w}
	if j.loc == nil || format == Parquet {
		j.loc = time.UTC // a Parquet timestamp is UTC, an engine shows it in its zone
	}

	// Steps 1 and 2 of pair.go: this FILE's work folder, locked and
	// settled, and the folder's other leftovers gone.
	lock, err := lockWork(ctx, k.w)
	if err != nil {
		return m, fileError(dir, err)
	}
	// keep: the work folder may hold FILE's manifest (a settle or step 5
	// failed): leave it for the next export.
	keep := true
	defer func() {
		if !keep {
			_ = k.clear()
		}
		lock.unlock(!keep)
	}()
	if err = k.settle(); err != nil {
		return m, fileError(dir, err)
	}
	keep = false
	cleanFolder(dir, k.w)

	defer gcpace.Tight()() // an export makes ~3 KB of garbage a row
	// Step 3: the new pair, written and synced in the work folder.
	data, err := os.OpenFile(k.file(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, settings.FileMode)
	if err != nil {
		return m, fileError(dir, err)
	}
	ds := &earlySync{f: data}
	hw := &hashWriter{w: ds, h: sha256.New()}
	switch format {
	case CSV:
		err = writeCSV(j, hw)
	case Parquet:
		err = writeParquet(j, hw)
	default:
		err = writeXLSX(j, hw)
	}
	if err == nil {
		err = ds.Sync()
	}
	if cerr := data.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, fileError(dir, err)
	}

	m = Manifest{
		File: j.base, SHA256: hex.EncodeToString(hw.h.Sum(nil)), Bytes: hw.n, Rows: j.done,
		Format: format, Facts: j.req.Facts, TimeZone: j.loc.String(), Columns: header(j.loc, j.details), ExportedAt: j.now,
		MerkleRoot: j.tree.root(), MerkleLeaves: merkleLeaves,
	}
	switch format {
	case CSV:
		m.CSV = &CSVOptions{BOM: req.BOM, Neutralised: !req.KeepFormulas, NeutralisedCells: j.neutralised}
		m.DetailsRule = csvDetailsRule
	case Parquet:
		m.Columns, m.DetailsRule = parquetColumns, parquetDetailsRule
	default:
		m.Sheets, m.CellsMadeSafe, m.DetailsRule = j.sheets, j.altered, xlsxDetailsRule
	}
	if r := req.Report; r != nil {
		m.Report = &ReportFacts{Sheets: j.reportSheets, Findings: len(r.Findings), MarksSHA256: r.MarksSHA256}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if req.Signer != nil {
		if m.Signature, err = req.Signer.Sign(b); err != nil {
			return m, err
		}
		if b, err = json.MarshalIndent(m, "", "  "); err != nil {
			return m, err
		}
	}
	if err = writeSynced(k.manifest(), append(b, '\n')); err == nil {
		err = syncDir(k.w)
	}
	if err != nil {
		return m, fileError(dir, err)
	}
	// Step 4. Until it succeeds nothing beside FILE changed: a failure
	// (FILE open in a program that locks it) leaves the older pair.
	if err = rename(k.file(), path); err != nil {
		return m, fileError(dir, err)
	}
	// Its move must be on disk before the manifest's, or a power cut could
	// keep the new manifest beside the older file. Errors of a folder sync
	// are not reported from here on: the moves themselves happened.
	_ = syncDir(dir)
	// Step 5.
	if err = rename(k.manifest(), path+ManifestSuffix); err != nil {
		keep = true
		return m, fmt.Errorf("export: %s is written but its manifest could not be put beside it (%w); it waits in %s and the next export to this folder puts it there", path, err, k.w)
	}
	_ = syncDir(dir)
	return m, nil
}

// writeSynced writes a new owner-only file and syncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, settings.FileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// fileError says in one line what went wrong and what to do.
func fileError(dir string, err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("export: %w; nothing was written", ErrCancelled)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("export: %w in %s; free some space or export to another disk (nothing was written)", ErrNoSpace, dir)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("export: %w to write in %s; choose a folder of yours", ErrPermission, dir)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("export: %w: %s; create it or choose another folder", ErrNoFolder, dir)
	}
	return fmt.Errorf("export: %w", err)
}
