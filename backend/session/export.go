package session

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/signing"
	"github.com/auditdesk/auditdesk/backend/store"
)

// ExportRequest is an export of the profile's events through a filter and
// a sort: what the window shows, or what `auditdesk export` is asked.
type ExportRequest struct {
	Path         string
	Format       export.Format
	Filter       audit.Filter
	Sort         audit.Sort
	Location     *time.Location
	BOM          bool
	KeepFormulas bool
	AppVersion   string
	OnProgress   func(export.Progress)
	// OnQuery, when set, is told the query's total before writing starts.
	OnQuery func(total int)
	// Report, when set, makes the export a report (an XLSX).
	Report *ReportRequest
}

// Export queries the profile's index (the saved one when another AuditDesk
// holds the cache) and writes the result with its manifest; a finished
// export is recorded in the profile's activity log.
func (pr *Profile) Export(ctx context.Context, req ExportRequest) (export.Manifest, error) {
	p := pr.Info()
	if req.Sort.Field == "" {
		req.Sort = audit.DefaultSort
	}
	loc := req.Location
	if loc == nil {
		loc = time.UTC
	}
	format, err := export.FormatFor(string(req.Format), req.Path)
	if err != nil {
		return export.Manifest{}, err
	}
	res, _, err := pr.ReadQuery(ctx, req.Filter, req.Sort, query.Options{Location: loc}, 0)
	if err != nil {
		return export.Manifest{}, err
	}
	ix := res.Index()
	if req.OnQuery != nil {
		req.OnQuery(res.Total)
	}
	// The chain and the coverage of the range: every row is checked
	// against the hash its sync recorded, in the chain whose head the
	// manifest names. The chain is read while the first rows are
	// (checkedRows). Without the cache (another AuditDesk holds it past
	// the desk's wait, or it is damaged) no export is written: it would be
	// evidence whose rows nothing checked and whose manifest names no
	// chain.
	rng := exportRange(req.Filter, ix)
	cache, done, err := pr.use()
	if err != nil {
		return export.Manifest{}, fmt.Errorf("the rows cannot be checked against the cache's hash chain, so no export was written: %w", err)
	}
	var rep *export.Report
	if req.Report != nil {
		if rep, err = pr.report(res, ix, req.Filter, loc, req.Report); err != nil {
			done()
			return export.Manifest{}, err
		}
	}
	key, err := signing.Installation()
	if err != nil {
		done()
		return export.Manifest{}, err
	}
	if !key.Persisted {
		pr.log.Warn("export", "signing", key.NoKeyring)
	}
	checked := newCheckedRows(res)
	go checked.readChain(ctx, cache, rng)
	// The cache stays open until the chain is read; its error is the
	// export's, read below.
	defer func() {
		_ = checked.chainRead()
		done()
	}()
	man, err := export.Write(ctx, export.Request{
		Path: req.Path, Format: format, Source: checked, Total: res.Total, Location: loc,
		BOM: req.BOM, KeepFormulas: req.KeepFormulas, OnProgress: req.OnProgress, Now: pr.now, Later: checked.facts, Report: rep, Signer: key,
		Facts: export.Facts{
			Filter: req.Filter, Sort: req.Sort,
			Profile:    export.Profile{APIURL: p.APIURL, Organization: p.Organization, User: p.User, Role: p.Role},
			LastSynced: p.LastSuccess, Newest: ix.Newest(), AppVersion: req.AppVersion,
			ChainHead: store.Head{}.String(), Range: &rng,
			Case: caseName(p), Sources: pr.sources(),
		},
	})
	// Write stopped at the row, or at the chain, and removed what it had
	// written.
	if err := checked.chainRead(); err != nil {
		return export.Manifest{}, err
	}
	if checked.err != nil {
		return export.Manifest{}, checked.err
	}
	if err != nil {
		return man, err
	}
	path, _ := filepath.Abs(req.Path)
	kind := "export"
	if rep != nil {
		kind = "report"
	}
	entry := settings.Activity{
		Time: man.ExportedAt, Kind: kind, OSUser: OSUser(), User: p.User, File: path,
		Format: string(man.Format), Rows: man.Rows, SHA256: man.SHA256, Filter: req.Filter, Sort: req.Sort,
		Zone: man.TimeZone, Version: req.AppVersion,
	}
	if err := pr.st.AppendActivity(p, entry); err != nil {
		// The file and its manifest are whole; say what was not recorded.
		return man, fmt.Errorf("the export is written, but recording it in the activity log failed: %w", err)
	}
	pr.log.Info("exported", "profile", p.Name, "file", path, "format", man.Format, "rows", man.Rows, "sha256", man.SHA256)
	return man, nil
}

// checkedRows gives the rows of src and checks that they are as their
// syncs recorded them; at the first that is not, the export ends with its
// error, which checkedRows keeps. The chain is read on a goroutine of its
// own (readChain) while the export reads and makes its first rows. A
// row's hash is made on every core as the rows are made (Check); finding
// its entry in the chain and comparing is cheap, and done in the rows'
// order (Find keeps its place) as the export writes them (export.Checker).
type checkedRows struct {
	export.Source

	// read is closed once the chain is read: rec, or chainErr, and the
	// facts it gives.
	read     chan struct{}
	rec      *store.Recorded
	chainErr error
	head     store.Head
	covered  []export.Span
	gaps     []export.Span

	err error // of the first row that failed; set on the export's writing goroutine
}

func newCheckedRows(src export.Source) *checkedRows {
	return &checkedRows{Source: src, read: make(chan struct{})}
}

// readChain reads the chain and the coverage of rng, then closes read.
func (c *checkedRows) readChain(ctx context.Context, cache *store.Store, rng export.Span) {
	defer close(c.read)
	rec, err := cache.Recorded(ctx)
	if err != nil {
		c.chainErr = altered(err)
		return
	}
	cov, gaps, err := cache.Coverage()
	if err != nil {
		c.chainErr = err
		return
	}
	c.rec, c.head, c.covered, c.gaps = rec, rec.Head, clip(cov, rng), clip(gaps, rng)
}

// chainRead waits for the chain and says whether it could not be read.
func (c *checkedRows) chainRead() error {
	<-c.read
	return c.chainErr
}

// facts completes the manifest's facts with the chain's (export.Request's
// Later).
func (c *checkedRows) facts(f *export.Facts) error {
	if err := c.chainRead(); err != nil {
		return err
	}
	f.ChainHead, f.ChainRecords = c.head.String(), int64(c.head.Seq)
	if f.Case == "" { // a case has no sync: nothing it was complete for
		f.Covered, f.Gaps = c.covered, c.gaps
	}
	return nil
}

// Check hashes the rows, and returns the rest of their check: each row's
// entry in the chain, and its hash compared with the one recorded there.
func (c *checkedRows) Check(_ int, evs []audit.Event) func() error {
	hashes := make([][sha256.Size]byte, len(evs))
	// The ids are copied, so that the rows' own memory can go.
	ids := make([]string, len(evs))
	var text strings.Builder
	text.Grow(len(evs) * 32)
	for i := range evs {
		hashes[i] = audit.EventHash(&evs[i])
		text.WriteString(evs[i].ID)
	}
	all := text.String()
	for i := range evs {
		ids[i], all = all[:len(evs[i].ID)], all[len(evs[i].ID):]
	}
	return func() error {
		if err := c.chainRead(); err != nil {
			return c.fail(err)
		}
		for i, id := range ids {
			at, err := c.rec.Find(id)
			if err == nil {
				err = c.rec.CheckHash(at, id, hashes[i])
			}
			if err != nil {
				return c.fail(err)
			}
		}
		return nil
	}
}

// fail keeps the first error.
func (c *checkedRows) fail(err error) error {
	if c.err == nil {
		c.err = err
	}
	return err
}

// OSUser is the account on this machine, for the activity log.
func OSUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// exportRange is the filter's time range, its open ends the cache's
// oldest and newest events.
func exportRange(f audit.Filter, ix *query.Index) export.Span {
	r := export.Span{Start: f.From, End: f.To}
	if r.Start.IsZero() {
		r.Start = ix.Oldest()
	}
	if r.End.IsZero() {
		r.End = ix.Newest().Add(time.Millisecond)
	}
	return r
}

// clip is the parts of the intervals inside r.
func clip(in []store.Interval, r export.Span) []export.Span {
	out := []export.Span{}
	for _, iv := range in {
		s, e := iv.Start, iv.End
		if s.Before(r.Start) {
			s = r.Start
		}
		if e.After(r.End) {
			e = r.End
		}
		if s.Before(e) {
			out = append(out, export.Span{Start: s, End: e})
		}
	}
	return out
}
