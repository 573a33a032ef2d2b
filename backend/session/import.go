package session

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/importer"
	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/internal/gcpace"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/store"
)

// DefaultCase is the case files go to when none is named.
const DefaultCase = "Imported files"

// ImportRequest asks for files to be imported into a case.
type ImportRequest struct {
	Case  string // the case's name; DefaultCase when empty
	Files []string
	// Read says how to read what a file leaves open (zone, encoding);
	// its Reject is the import's own.
	Read importer.Options
	// SkipBad imports a file's good rows and writes its bad ones, with
	// why, to FILE.rejected.csv; without it a file with a bad row is
	// refused whole.
	SkipBad bool
	// Unverified imports an AuditDesk export that its manifest does not
	// vouch for.
	Unverified bool
	// OnFile is called as each file begins (its index in Files).
	OnFile func(i int, path string)
	// Osuser and Version go into the activity log.
	OSUser, Version string
}

// FileResult is what became of one file.
type FileResult struct {
	Path   string
	File   importer.File
	Report importer.Report
	// New events; Duplicates the file's events the case held already.
	New, Duplicates int
	// RejectedFile holds the rows SkipBad left out, with why.
	RejectedFile string
	// Err: the file was refused or failed, and nothing of it is in the
	// case (a failed file is rolled back).
	Err error
}

// ImportResult is an import's outcome: the case, each file's, the cache.
type ImportResult struct {
	Profile settings.Profile
	Files   []FileResult
	Cache   store.Stats
}

// ErrRefused is wrapped by the error of a file refused for its bad rows.
var ErrRefused = errors.New("refused")

// Import imports files into a case, one after the other, each whole or not
// at all: a file is read through first (its rows checked, nothing
// written), then committed page by page, and rolled back if that fails,
// is cancelled, or is found unfinished after a kill (recoverImport). The
// index takes the new events in after each file.
func (d *Desk) Import(ctx context.Context, req ImportRequest) (ImportResult, error) {
	name := req.Case
	if name == "" {
		name = DefaultCase
	}
	p, err := d.settings.CaseProfile(name, d.now())
	if err != nil {
		return ImportResult{}, err
	}
	if err := d.settings.SaveProfile(p); err != nil {
		return ImportResult{}, err
	}
	pr := d.Open(p)
	res := ImportResult{Profile: p}
	defer gcpace.Tight()()
	for i, path := range req.Files {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("session: import: %w", err)
		}
		if req.OnFile != nil {
			req.OnFile(i, path)
		}
		fr := pr.importFile(ctx, path, req)
		res.Files = append(res.Files, fr)
		if errors.Is(fr.Err, context.Canceled) {
			return res, fr.Err
		}
	}
	if cache, done, err := pr.use(); err == nil {
		res.Cache, _ = cache.Stats()
		done()
	}
	return res, nil
}

// importPending is the cache's meta key of a file being imported: where
// the cache stood before it, to roll back to.
const importPending = "import.pending"

type pending struct {
	Seq        uint64           `json:"seq"`
	Hash       string           `json:"hash"`
	Checkpoint store.Checkpoint `json:"checkpoint"`
	File       string           `json:"file"`
}

func (pr *Profile) importFile(ctx context.Context, path string, req ImportRequest) FileResult {
	fr := FileResult{Path: path}
	rej, err := newRejects(path, req.SkipBad)
	if err != nil {
		fr.Err = err
		return fr
	}
	fail := func(err error) FileResult {
		rej.discard()
		fr.Err = err
		return fr
	}
	cache, done, err := pr.use()
	if err != nil {
		return fail(err)
	}
	defer done()
	head, err := cache.Head()
	if err != nil {
		return fail(err)
	}
	cp, _, err := cache.Checkpoint()
	if err != nil {
		return fail(err)
	}
	mark, _ := json.Marshal(pending{Seq: head.Seq, Hash: hex.EncodeToString(head.Hash[:]), Checkpoint: cp, File: filepath.Base(path)})
	if err := cache.SetMeta(importPending, mark); err != nil {
		return fail(err)
	}
	before, _ := cache.Stats()
	var adds *collecting
	sink := ingest.Sink(cache)
	var grow *indexing
	if before.Events > 0 {
		adds = &collecting{Store: cache}
		sink = adds
	} else if sp, err := query.NewSpill(filepath.Join(pr.st.ProfileDir(pr.Info()), spillDir)); err == nil {
		// A first file's index grows as its pages are committed.
		grow = startIndexing(sp)
		defer func() {
			grow.finish() // a failed file's: stopped before its files go
			grow.sp.Close()
		}()
	}
	// One pass: the file is read on one goroutine and committed on this
	// one, a page at a time; its first bad row (unless SkipBad) stops the
	// commits, the rest is read for its problems, and what was committed
	// is rolled back.
	var fi importer.File
	var rep importer.Report
	fr.New, fr.Duplicates, fi, rep, err = commitFile(ctx, sink, grow, path, req, rej)
	fr.File, fr.Report = fi, rep
	if err == nil && rep.Bad > 0 && !req.SkipBad {
		err = refusal(fi.Name, rep)
	}
	if err == nil {
		fr.RejectedFile, err = rej.keep()
	}
	if err != nil {
		rej.discard()
		if rerr := pr.rollBack(cache); rerr != nil {
			err = fmt.Errorf("%w; and rolling it back failed: %w (the next open of the case tries again)", err, rerr)
		}
		fr.New, fr.Duplicates = 0, 0
		fr.Err = err
		return fr
	}
	if err := cache.SetMeta(importPending, nil); err != nil {
		fr.Err = err
		return fr
	}
	newHead, _ := cache.Head()
	stats, _ := cache.Stats()
	p := pr.Info()
	_ = pr.st.AppendActivity(p, settings.Activity{
		Time: pr.now().UTC(), Kind: "import", OSUser: req.OSUser, User: p.Name, File: fi.Name,
		Format: string(rep.Format), Rows: rep.Rows, SHA256: fi.SHA256, Zone: rep.Zone, Version: req.Version,
		Import: &settings.ImportFacts{
			Bytes: fi.Bytes, Encoding: string(rep.Encoding), Separator: rep.Sep, Zone: rep.Zone, ZoneFromFile: rep.ZoneFromFile,
			NoSeconds: rep.NoSeconds, Verified: fi.Verified, New: fr.New, Duplicates: fr.Duplicates, Rejected: rep.Bad,
			RejectedFile: fr.RejectedFile, Chain: newHead.String(),
		},
	})
	pr.log.Info("import", "case", p.Name, "file", fi.Name, "sha256", fi.SHA256, "format", rep.Format,
		"new", fr.New, "duplicates", fr.Duplicates, "rejected", rep.Bad)
	// The index takes the file's events in: a first file's grew as they
	// came (unless the file is in no time order); else from those
	// collected, or from the cache.
	if ix, _ := pr.grown(grow.finish(), stats); ix == nil {
		if _, _, err := pr.index(context.WithoutCancel(ctx), adds); err != nil {
			pr.log.Warn("update the query index after an import", "case", p.Name, "err", err)
		}
	}
	pr.markClean(cache, stats)
	return fr
}

// testImportPage, when set (a test's child process), runs after each page
// an import commits: the test kills the process there.
var testImportPage func(pages int)

// importPage is how many events a commit takes: the API's page.
const importPage = 1000

// batch is a page of a file's events and their hashes, taken on the
// reading goroutine.
type batch struct {
	events []audit.Event
	hashes [][32]byte
}

// commitFile reads the file and commits its events a page at a time, the
// reading (decoding, the events' hashes) on a goroutine of its own, so a
// page is read while the one before is written. Once a row is bad (and
// SkipBad is off) nothing more is committed: the caller rolls back.
func commitFile(ctx context.Context, sink ingest.Sink, grow *indexing, path string, req ImportRequest, rej *rejects) (added, dups int, fi importer.File, rep importer.Report, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan batch, 2)
	var stopped atomic.Bool // a bad row: commit no more
	opt := req.Read
	opt.Reject = func(line int, fields []string, why string) {
		if !req.SkipBad {
			stopped.Store(true)
		}
		rej.add(line, fields, why)
	}
	chained := sink.Chained()
	var readErr error
	go func() {
		defer close(pages)
		page := make([]audit.Event, 0, importPage)
		send := func() error {
			if len(page) == 0 || stopped.Load() {
				page = page[:0]
				return nil
			}
			b := batch{events: page}
			if chained {
				b.hashes = audit.AppendEventHashes(nil, page)
			}
			select {
			case pages <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
			page = make([]audit.Event, 0, importPage)
			return nil
		}
		fi, rep, readErr = importer.ReadFile(ctx, path, opt, req.Unverified, func(e audit.Event, _ int) error {
			if page = append(page, e); len(page) == importPage {
				return send()
			}
			return nil
		})
		if readErr == nil {
			readErr = send()
		}
	}()
	// The chain's records of the file name its digest, taken first (a
	// read at disk speed); the read's own must agree.
	sum, serr := export.FileSHA256(path)
	cp := store.Checkpoint{Cursor: "file:" + sum}
	n := 0
	for b := range pages {
		if err == nil && serr != nil {
			err = serr
			cancel()
		}
		if err == nil && ctx.Err() != nil {
			err = fmt.Errorf("session: import: %w", ctx.Err()) // cancelled: what was committed is rolled back
		}
		if err != nil || stopped.Load() {
			continue // drain: the reader goes on to count the bad rows
		}
		var st store.PageStats
		st, err = sink.CommitHashed(b.events, b.hashes, cp)
		added, dups = added+st.New, dups+st.Duplicates
		if err == nil {
			grow.add(b.events, st.Added)
		}
		if n++; err == nil && testImportPage != nil {
			testImportPage(n)
		}
		if err != nil {
			cancel()
		}
	}
	if err == nil {
		err = readErr
	}
	if err == nil && serr == nil && fi.SHA256 != sum {
		err = fmt.Errorf("%s changed while it was imported: import it again", fi.Name)
	}
	return added, dups, fi, rep, err
}

// rollBack takes the cache back to where the pending import found it, and
// clears the mark; nothing pending, nothing done.
func (pr *Profile) rollBack(cache *store.Store) error {
	b, ok, err := cache.Meta(importPending)
	if err != nil || !ok || len(b) == 0 {
		return err
	}
	var p pending
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("session: the mark of an unfinished import is damaged: %w", err)
	}
	head := store.Head{Seq: p.Seq}
	if h, err := hex.DecodeString(p.Hash); err == nil && len(h) == len(head.Hash) {
		copy(head.Hash[:], h)
	} else if p.Seq > 0 {
		return errors.New("session: the mark of an unfinished import is damaged")
	}
	if err := cache.RollBack(context.Background(), head, p.Checkpoint); err != nil {
		return err
	}
	pr.log.Warn("an unfinished import was rolled back", "case", pr.Info().Name, "file", p.File)
	return cache.SetMeta(importPending, nil)
}

// refusal is the error of a file refused for its bad rows: how many, and
// the first of them as FILE:LINE: what.
func refusal(name string, rep importer.Report) error {
	var b strings.Builder
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "\n%s:%d: %s", name, p.Line, p.What)
	}
	if rep.Bad > len(rep.Problems) {
		fmt.Fprintf(&b, "\n… and %d more", rep.Bad-len(rep.Problems))
	}
	return fmt.Errorf("%w: %d of its rows cannot be read, so none was imported (fix them, or give --skip-bad to import the rest)%s", ErrRefused, rep.Bad, b.String())
}

// rejects writes the rows SkipBad leaves out to FILE.rejected.csv: a
// temporary file, renamed into place once the file was read through.
type rejects struct {
	path string
	f    *os.File
	w    *csv.Writer
	n    int
}

func newRejects(path string, on bool) (*rejects, error) {
	r := &rejects{path: path + ".rejected.csv"}
	if !on {
		return r, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".rejected-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write the rejected rows beside the file: %w", err)
	}
	r.f, r.w = f, csv.NewWriter(f)
	_ = r.w.Write([]string{"line", "reason", "fields"})
	return r, nil
}

func (r *rejects) add(line int, fields []string, why string) {
	if r.w == nil {
		return
	}
	r.n++
	_ = r.w.Write(append([]string{strconv.Itoa(line), why}, fields...))
}

// keep renames the rejected rows into place when there are any.
func (r *rejects) keep() (string, error) {
	if r.f == nil || r.n == 0 {
		r.discard()
		return "", nil
	}
	r.w.Flush()
	err := errors.Join(r.w.Error(), r.f.Sync(), r.f.Close())
	if err == nil {
		err = os.Rename(r.f.Name(), r.path)
	}
	if err != nil {
		_ = os.Remove(r.f.Name())
		return "", fmt.Errorf("write the rejected rows to %s: %w", r.path, err)
	}
	return r.path, nil
}

func (r *rejects) discard() {
	if r.f != nil {
		_ = r.f.Close()
		_ = os.Remove(r.f.Name())
		r.f, r.w = nil, nil
	}
}

// caseName is the profile's name when it is a case, else "".
func caseName(p settings.Profile) string {
	if p.Imported {
		return p.Name
	}
	return ""
}

// sources are the files a case's events were imported from, as its
// activity log recorded them, each once (the last import of a digest);
// nil for a synced profile.
func (pr *Profile) sources() []export.SourceFile {
	if !pr.Info().Imported {
		return nil
	}
	log, err := pr.ActivityLog()
	if err != nil {
		return nil
	}
	var out []export.SourceFile
	seen := map[string]int{}
	for _, a := range log {
		if a.Kind != "import" || a.Import == nil {
			continue
		}
		s := export.SourceFile{File: a.File, SHA256: a.SHA256, Bytes: a.Import.Bytes, Format: a.Format, Rows: a.Rows, ImportedAt: a.Time}
		if k, ok := seen[a.SHA256]; ok {
			out[k] = s
			continue
		}
		seen[a.SHA256] = len(out)
		out = append(out, s)
	}
	return out
}

// Notes say what an import assumed about the file, a sentence each: the
// format read, the zone of its zone-less times, the seconds it lacked,
// the columns not read, what was set aside. The CLI prints them; the
// window shows them under the file.
func (f FileResult) Notes() []string {
	r := f.Report
	out := []string{}
	if r.Format != "" {
		sep := ""
		switch r.Sep {
		case "":
		case "tab":
			sep = ", tab-separated"
		default:
			sep = ", separated by " + r.Sep
		}
		enc := ""
		if r.Encoding != "" { // an XLSX has none of its own
			enc = ", " + string(r.Encoding)
		}
		out = append(out, fmt.Sprintf("read as %s%s%s", r.Format, enc, sep))
	}
	switch {
	case r.Zone != "" && r.ZoneFromFile:
		out = append(out, "times in "+r.Zone+", as the file says")
	case r.Zone != "":
		out = append(out, "times without a zone taken as "+r.Zone)
	}
	if r.NoSeconds > 0 {
		out = append(out, fmt.Sprintf("%d rows had no seconds (as Excel re-saves times): taken as :00", r.NoSeconds))
	}
	if len(r.Ignored) > 0 {
		out = append(out, "columns not read: "+strings.Join(r.Ignored, ", "))
	}
	if f.RejectedFile != "" {
		out = append(out, fmt.Sprintf("the %d rows not read are in %s, with why", r.Bad, f.RejectedFile))
	}
	if (r.Format == importer.AuditDeskCSV || r.Format == importer.AuditDeskXLSX) && !f.File.Verified {
		out = append(out, "not checked against a manifest: imported unverified")
	}
	return out
}

// indexing grows a first file's index (query.Spill) from the events each
// page adds, on a goroutine of its own, beside the commits. A console
// export lists the newest first, and the events of one second in no
// order: those of one instant are held until the next and given in id
// order, the way the file goes (the Spill takes either way).
type indexing struct {
	sp     *query.Spill
	pages  chan []audit.Event
	done   chan struct{}
	err    error
	closed bool
}

func startIndexing(sp *query.Spill) *indexing {
	g := &indexing{sp: sp, pages: make(chan []audit.Event, 4), done: make(chan struct{})}
	go g.run()
	return g
}

// add passes on the events of a page that were new.
func (g *indexing) add(events []audit.Event, added []int) {
	if g == nil || len(added) == 0 {
		return
	}
	if len(added) < len(events) {
		kept := make([]audit.Event, len(added))
		for k, i := range added {
			kept[k] = events[i]
		}
		events = kept
	}
	g.pages <- events
}

func (g *indexing) run() {
	defer close(g.done)
	var run []audit.Event // of one instant
	way := 0              // -1: newest first; 1: oldest first; 0: not known yet
	give := func() {
		slices.SortFunc(run, func(a, b audit.Event) int {
			if way < 0 {
				return strings.Compare(b.ID, a.ID)
			}
			return strings.Compare(a.ID, b.ID)
		})
		for i := range run {
			if g.err == nil {
				g.err = g.sp.Add(&run[i])
			}
		}
		run = run[:0]
	}
	for page := range g.pages {
		for i := range page {
			e := &page[i]
			if len(run) > 0 {
				if c := cmp.Compare(e.Time.UnixNano(), run[0].Time.UnixNano()); c != 0 {
					if way == 0 {
						way = c
					}
					give()
				}
			}
			run = append(run, *e)
		}
	}
	give()
}

// finish waits for the events passed on to be added (once; again, it
// returns the same); what grown takes.
func (g *indexing) finish() *growing {
	if g == nil {
		return nil
	}
	if !g.closed {
		g.closed = true
		close(g.pages)
		<-g.done
	}
	return &growing{s: g.sp, err: g.err}
}
