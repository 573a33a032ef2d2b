package session

import (
	"context"
	"fmt"
	"os/user"
	"path/filepath"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
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
	// The chain and the coverage of the range now, unless another
	// AuditDesk holds the cache: every row is checked against the hash its
	// sync recorded, in the chain whose head the manifest names.
	var head store.Head
	var covered, gaps []export.Span
	var src export.Source = res
	rng := exportRange(req.Filter, ix)
	if cache, err := pr.open(); err == nil {
		rec, err := cache.Recorded(ctx)
		if err != nil {
			return export.Manifest{}, altered(err)
		}
		head = rec.Head
		src = newCheckedRows(res, rec, res.Total)
		c, g, err := cache.Coverage()
		if err != nil {
			return export.Manifest{}, err
		}
		covered, gaps = clip(c, rng), clip(g, rng)
	}
	man, err := export.Write(ctx, export.Request{
		Path: req.Path, Format: format, Source: src, Total: res.Total, Location: loc,
		BOM: req.BOM, KeepFormulas: req.KeepFormulas, OnProgress: req.OnProgress, Now: pr.now,
		Facts: export.Facts{
			Filter: req.Filter, Sort: req.Sort,
			Profile:    export.Profile{APIURL: p.APIURL, Organization: p.Organization, User: p.User, Role: p.Role},
			LastSynced: p.LastSuccess, Newest: ix.Newest(), AppVersion: req.AppVersion,
			ChainHead: head.String(), ChainRecords: int64(head.Seq),
			Range: &rng, Covered: covered, Gaps: gaps,
		},
	})
	if c, ok := src.(*checkedRows); ok && c.failed() != nil {
		// Write stopped at the row and removed what it had written.
		return export.Manifest{}, c.failed()
	}
	if err != nil {
		return man, err
	}
	path, _ := filepath.Abs(req.Path)
	entry := settings.Activity{
		Time: man.ExportedAt, Kind: "export", OSUser: osUser(), User: p.User, File: path,
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
// syncs recorded them; at the first that is not, it gives its error, which
// ends the export, and keeps it. Finding a row's entry in the chain is
// cheap and done in order as the rows are read (Find keeps its place);
// hashing the row is not, and is done on every core (export.Checker).
type checkedRows struct {
	src export.Source
	rec *store.Recorded
	// at is each row's entry in the chain, set by Rows before Check reads
	// it on another goroutine (the export hands the rows over between).
	at []int
	mu sync.Mutex
	// err is the error of the first row that failed, errRow its row.
	err    error
	errRow int
}

func newCheckedRows(src export.Source, rec *store.Recorded, total int) *checkedRows {
	return &checkedRows{src: src, rec: rec, at: make([]int, total)}
}

func (c *checkedRows) Rows(offset, limit int) ([]audit.Event, error) {
	evs, err := c.src.Rows(offset, limit)
	if err != nil {
		return nil, err
	}
	if offset+len(evs) > len(c.at) {
		return nil, fmt.Errorf("rows %d to %d of a result of %d", offset, offset+len(evs), len(c.at))
	}
	for i := range evs {
		if c.at[offset+i], err = c.rec.Find(evs[i].ID); err != nil {
			return nil, c.fail(offset+i, err)
		}
	}
	return evs, nil
}

func (c *checkedRows) Check(offset int, evs []audit.Event) error {
	for i := range evs {
		if err := c.rec.CheckAt(c.at[offset+i], &evs[i]); err != nil {
			return c.fail(offset+i, err)
		}
	}
	return nil
}

// fail keeps err if row is the first to fail: windows are checked at
// once, but the export stops at the first in its order.
func (c *checkedRows) fail(row int, err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil || row < c.errRow {
		c.err, c.errRow = err, row
	}
	return err
}

func (c *checkedRows) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func osUser() string {
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
