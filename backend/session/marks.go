package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/marks"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// Marks are the profile's marks as its file holds them now: read again
// when the file changed (the window and `auditdesk mark` both write it).
func (pr *Profile) Marks() (*marks.Set, error) {
	dir := pr.st.ProfileDir(pr.Info())
	fi, err := os.Stat(marks.Path(dir))
	stamp := ""
	if err == nil {
		stamp = fmt.Sprint(fi.Size(), fi.ModTime().UnixNano()) // a write renames a new file in
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("marks: %w", err)
	}
	pr.mu.Lock()
	if pr.marks != nil && pr.marksStamp == stamp {
		defer pr.mu.Unlock()
		return pr.marks, nil
	}
	pr.mu.Unlock()
	s, err := marks.Read(dir)
	if err != nil {
		return nil, err
	}
	pr.keepMarks(s, stamp)
	return s, nil
}

func (pr *Profile) keepMarks(s *marks.Set, stamp string) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.marks, pr.marksStamp = s, stamp
}

// queryOptions are a query's options in loc, its tags read from the
// profile's marks.
func (pr *Profile) queryOptions(f audit.Filter, loc *time.Location) (query.Options, error) {
	opts := query.Options{Location: loc}
	if len(f.Tags) == 0 {
		return opts, nil
	}
	s, err := pr.Marks()
	if err != nil {
		return opts, err
	}
	opts.Tagged = s.Tagged
	return opts, nil
}

// MarkRequest marks (or, with Unmark, unmarks) events with a tag: those
// of IDs, or with none, every event Filter matches.
type MarkRequest struct {
	Filter audit.Filter
	IDs    []string
	Tag    string
	Note   string
	Unmark bool
	OSUser string
}

// MarkResult is what a mark did.
type MarkResult struct {
	marks.Change
	Tag     string
	Matched int // the events named (IDs) or matched (Filter)
	// Undo puts the marks back as they were (Profile.Undo).
	Undo MarkUndo
}

// MarkUndo is what undoes a mark: the events it named and their marks
// with its tag before it.
type MarkUndo struct {
	ids    []string
	tag    string
	before []marks.Mark
}

// Events is how many events the undo touches.
func (u MarkUndo) Events() int { return len(u.ids) }

// Undo puts the marks of a Mark back as they were before it, in one
// write, recorded in the activity log as an undo.
func (pr *Profile) Undo(ctx context.Context, u MarkUndo, osUser string) (MarkResult, error) {
	if len(u.ids) == 0 {
		return MarkResult{}, nil
	}
	return pr.editMarks(ctx, "undo", audit.Filter{}, u.ids, u.tag, osUser, func(s *marks.Set) (marks.Change, error) {
		return s.Restore(u.ids, u.tag, u.before), nil
	})
}

// ErrNoSuchEvent is an ID to mark that the cache does not hold.
var ErrNoSuchEvent = errors.New("no such event")

// Mark tags (or untags) events in the profile's marks file, in one write,
// and records it in the activity log with the file's new SHA-256, which
// Verify checks the file against.
func (pr *Profile) Mark(ctx context.Context, req MarkRequest) (MarkResult, error) {
	tag, err := marks.CheckTag(req.Tag)
	if err != nil {
		return MarkResult{}, err
	}
	ids, err := pr.markIDs(ctx, req)
	if err != nil {
		return MarkResult{}, err
	}
	kind := "mark"
	if req.Unmark {
		kind = "unmark"
	}
	named := ids
	if len(req.IDs) == 0 {
		named = nil // chosen by the filter: the record says so
	}
	now := pr.now()
	return pr.editMarks(ctx, kind, req.Filter, ids, tag, req.OSUser, func(s *marks.Set) (marks.Change, error) {
		if req.Unmark {
			return s.Unmark(ids, tag)
		}
		return s.Mark(ids, tag, req.Note, req.OSUser, now)
	}, named...)
}

// editMarks changes the marks of ids with tag (change), in one write, and
// records it in the activity log as kind with the file's new SHA-256;
// named are the IDs the request named, if it named them.
func (pr *Profile) editMarks(_ context.Context, kind string, f audit.Filter, ids []string, tag, osUser string, change func(*marks.Set) (marks.Change, error), named ...string) (MarkResult, error) {
	res := MarkResult{Tag: tag, Matched: len(ids)}
	set, err := marks.Edit(pr.st.ProfileDir(pr.Info()), func(s *marks.Set) error {
		before := s.With(ids, tag)
		var err error
		if res.Change, err = change(s); err != nil {
			return err
		}
		res.Undo = MarkUndo{ids: ids, tag: tag, before: before}
		return nil
	})
	if err != nil {
		return MarkResult{}, err
	}
	if res.Change == (marks.Change{}) {
		res.Undo = MarkUndo{}
		return res, nil
	}
	pr.keepMarks(nil, "") // read again
	p := pr.Info()
	if err := pr.st.AppendActivity(p, settings.Activity{
		Time: pr.now().UTC(), Kind: kind, OSUser: osUser, User: p.User, File: marks.FileName,
		Rows: res.Added + res.Changed + res.Removed, SHA256: set.SHA256(), Filter: f,
		Mark: &settings.MarkFacts{Tag: tag, IDs: len(named), Added: res.Added, Changed: res.Changed, Removed: res.Removed},
	}); err != nil {
		return res, fmt.Errorf("the marks are saved, but the activity log could not record them: %w", err)
	}
	return res, nil
}

// markIDs are the events a mark names: its IDs, each held by the cache,
// or the events its filter matches.
func (pr *Profile) markIDs(ctx context.Context, req MarkRequest) ([]string, error) {
	if len(req.IDs) > 0 {
		ix, _, err := pr.ReadIndex(ctx)
		if err != nil {
			return nil, err
		}
		var missing []string
		for _, id := range req.IDs {
			if !ix.Has(id) {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			more := ""
			if len(missing) > 3 {
				more = fmt.Sprintf(" and %d more", len(missing)-3)
				missing = missing[:3]
			}
			return nil, fmt.Errorf("%w: the cache holds no event %s%s: check the IDs with auditdesk query --search ID", ErrNoSuchEvent, strings.Join(missing, ", "), more)
		}
		return req.IDs, nil
	}
	opts, err := pr.queryOptions(req.Filter, nil)
	if err != nil {
		return nil, err
	}
	res, _, err := pr.ReadQuery(ctx, req.Filter, audit.DefaultSort, opts, 0)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, res.Total)
	for off := 0; off < res.Total; off += 4096 {
		evs, err := res.Rows(off, min(4096, res.Total-off))
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			ids = append(ids, e.ID)
		}
	}
	return ids, nil
}

// MarksCheck is what Verify found of the marks file: it is as the
// activity log's last mark recorded it, or not.
type MarksCheck struct {
	Marks    int    // marks the file holds
	OK       bool   // the file's SHA-256 is the one last recorded (or there are neither)
	Problem  string // why not, in words
	Recorded string // the SHA-256 the activity log recorded last
	Found    string // the file's
}

// checkMarks compares the marks file with the last mark the activity log
// recorded: a note changed by hand, a mark added or dropped outside
// AuditDesk, or the file removed, shows.
func (pr *Profile) checkMarks() (MarksCheck, error) {
	log, err := pr.ActivityLog()
	if err != nil {
		return MarksCheck{}, err
	}
	var c MarksCheck
	for _, a := range log {
		if a.Mark != nil {
			c.Recorded = a.SHA256
		}
	}
	path := marks.Path(pr.st.ProfileDir(pr.Info()))
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.OK = c.Recorded == ""
		if !c.OK {
			c.Problem = "the marks file is gone: the activity log records marks made"
		}
		return c, nil
	case err != nil:
		return MarksCheck{}, fmt.Errorf("marks: %w", err)
	}
	sum := sha256.Sum256(b)
	c.Found = hex.EncodeToString(sum[:])
	if s, err := marks.Read(pr.st.ProfileDir(pr.Info())); err == nil {
		c.Marks = s.Len()
	}
	switch {
	case c.Recorded == "":
		c.Problem = "the marks file was not written by AuditDesk: the activity log records no mark"
	case c.Recorded != c.Found:
		c.Problem = "the marks file was changed outside AuditDesk since its last recorded mark"
	default:
		c.OK = true
	}
	return c, nil
}
