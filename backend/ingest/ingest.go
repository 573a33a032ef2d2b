// Package ingest runs one sync: pages of the platform's audit events from
// the API into the local cache, each page committed with its checkpoint in
// one transaction, so a sync that fails or is cancelled at any instant keeps
// every page it finished and the next one resumes without gaps or
// duplicates.
//
// Windows. The first sync asks for everything the server serves. A later
// sync asks from min(newest event held, start of the previous run) minus
// the 15-minute ingestion delay, and drops what the cache already has by
// id, so events that became visible late still arrive. (The newest event
// alone is not enough: a run slowed by rate limits may pass the recent end
// of the log long after it started.) An interrupted run resumes from its
// cursor; when the server will not go on from a cursor, because it expired
// it (410) or no longer knows it (a restart or a failover: a 400 or 404
// that names the cursor, or any refusal of a resumed run's first request),
// the window restarts from the newest timestamp already fetched, which the
// server's (timestamp, id) order makes safe.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/store"
)

// Source is the part of the API client a sync uses.
type Source interface {
	List(ctx context.Context, q auditapi.Query) (*auditapi.Page, error)
}

// Sink is the part of the cache a sync uses.
type Sink interface {
	Checkpoint() (store.Checkpoint, bool, error)
	// Chained says whether CommitHashed wants the events' hashes.
	Chained() bool
	// CommitHashed stores a page; hashes are audit.EventHash of each event,
	// or nil when not Chained.
	CommitHashed(events []audit.Event, hashes [][32]byte, cp store.Checkpoint) (store.PageStats, error)
}

// Progress is what a running sync reports.
type Progress struct {
	Pages      int64     `json:"pages"`
	Events     int64     `json:"events"`     // served by the API this run
	New        int64     `json:"new"`        // added to the cache
	Duplicates int64     `json:"duplicates"` // served again, dropped by id
	Total      int64     `json:"total"`      // the server's count for the window, when it gave one
	HasTotal   bool      `json:"hasTotal"`
	Waits      int       `json:"waits"` // rate-limit and retry waits so far
	Waiting    string    `json:"waiting,omitempty"`
	WaitUntil  time.Time `json:"waitUntil,omitzero"`
	Restarts   int       `json:"restarts"` // windows restarted after an expired or unknown cursor
	Newest     time.Time `json:"newest,omitzero"`
	Done       bool      `json:"done"`
}

// Options tune a run.
type Options struct {
	PageSize int              // events per request, 1..1000; default 1000
	Now      func() time.Time // default time.Now
	// OnProgress is told every change of the figures, the final one last;
	// a listener that shows them throttles (progress.Job, progress.Throttle).
	OnProgress func(Progress)
	MaxRestart int // window restarts allowed per run, default 20
}

// Result is a finished run.
type Result struct {
	Progress
	Started, Finished time.Time
}

const defaultPageSize = 1000

// ErrTooManyRestarts stops a run whose cursors keep expiring.
var ErrTooManyRestarts = errors.New("ingest: the server expired or forgot the paging cursor again and again; try again later")

// ErrRestartRefused is a server that would not go on from a cursor and then
// refused the window restarted from the checkpoint too. Its text says what
// to do about a sync, not about the request's options, which a sync does
// not take; it does not match the API error's kind for the same reason.
var ErrRestartRefused = errors.New("ingest: the server refused the restarted window")

// Sync is one sync run over a cache. Create it, give its OnWait to the API
// client's Config, then Run it once.
type Sync struct {
	sink Sink
	opts Options

	mu     sync.Mutex
	report sync.Mutex // serialises OnProgress
	p      Progress
}

// New prepares a run into sink.
func New(sink Sink, opts Options) *Sync {
	opts = withDefaults(opts)
	return &Sync{sink: sink, opts: opts}
}

// OnWait is the API client's hook: each rate-limit or retry wait shows in
// the progress.
func (s *Sync) OnWait(w auditapi.Wait) {
	s.update(func(p *Progress) {
		p.Waits++
		p.Waiting = string(w.Reason)
		p.WaitUntil = s.opts.Now().Add(w.Delay).UTC()
	})
}

func (s *Sync) update(fn func(*Progress)) {
	s.mu.Lock()
	fn(&s.p)
	p := s.p
	s.report.Lock() // taken before mu is released, so reports keep their order
	s.mu.Unlock()
	defer s.report.Unlock()
	if s.opts.OnProgress != nil {
		s.opts.OnProgress(p)
	}
}

// Run syncs once from src. It returns the figures so far together with any
// error: what was committed stays committed.
func (s *Sync) Run(ctx context.Context, src Source) (Result, error) {
	started := s.opts.Now().UTC()
	err := s.run(ctx, src, started)
	s.update(func(p *Progress) {
		p.Done = err == nil
		p.Waiting, p.WaitUntil = "", time.Time{}
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return Result{Progress: s.p, Started: started, Finished: s.opts.Now().UTC()}, err
}

func withDefaults(o Options) Options {
	if o.PageSize <= 0 || o.PageSize > 1000 {
		o.PageSize = defaultPageSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxRestart <= 0 {
		o.MaxRestart = 20
	}
	return o
}

// NextWindowStart is where a sync after a finished one begins: the
// ingestion delay before the earlier of the newest event held and the start
// of the run that fetched it. Zero means "everything".
func NextWindowStart(newest, runStarted time.Time) time.Time {
	if newest.IsZero() {
		return time.Time{}
	}
	from := newest
	if !runStarted.IsZero() && runStarted.Before(from) {
		from = runStarted
	}
	return from.Add(-audit.IngestionDelay)
}

// plan decides the checkpoint to build on and the first request.
func (s *Sync) plan(started time.Time) (store.Checkpoint, auditapi.Query, error) {
	cp, ok, err := s.sink.Checkpoint()
	if err != nil {
		return cp, auditapi.Query{}, fmt.Errorf("ingest: read checkpoint: %w", err)
	}
	limit := s.opts.PageSize
	if ok && !cp.Complete {
		// An interrupted run: go on where it stopped, keeping its start, so
		// the next window still reaches back far enough.
		if cp.RunStarted.IsZero() || started.Before(cp.RunStarted) {
			cp.RunStarted = started
		}
		if cp.Cursor != "" {
			return cp, auditapi.Query{Cursor: cp.Cursor, Limit: limit}, nil
		}
		return cp, auditapi.Query{Since: resumePoint(cp), Limit: limit}, nil
	}
	var since time.Time
	if ok {
		since = NextWindowStart(cp.Newest, cp.RunStarted)
	}
	next := store.Checkpoint{WindowStart: since, Newest: cp.Newest, RunStarted: started}
	return next, auditapi.Query{Since: since, Limit: limit}, nil
}

// resumePoint is where a window restarts when its cursor is gone: the
// newest event already held (since is inclusive, and ids dedupe the
// overlap), or the window's start when nothing of it arrived yet.
func resumePoint(cp store.Checkpoint) time.Time {
	if cp.Newest.After(cp.WindowStart) {
		return cp.Newest
	}
	return cp.WindowStart
}

// fetched is one page on its way from the fetcher to the committer.
type fetched struct {
	page        *auditapi.Page
	hashes      [][32]byte // of page.Events, for the hash chain
	windowStart time.Time
	err         error
}

func (s *Sync) run(ctx context.Context, src Source, started time.Time) error {
	cp, q, err := s.plan(started)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Fetch and decode the next page while this one is committed.
	pages := make(chan fetched, 2)
	go s.fetch(ctx, src, q, cp, pages)
	defer func() {
		cancel()
		for range pages { // let the fetcher finish before returning
		}
	}()

	for f := range pages {
		if f.err != nil {
			return f.err
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		page := f.page
		cp.WindowStart = f.windowStart
		cp.Cursor = page.NextCursor
		cp.Complete = page.NextCursor == ""
		cp.Pages++
		cp.Events += int64(len(page.Events))
		cp.Newest = newestOf(cp.Newest, page.Events)
		cp.SyncedAt = s.opts.Now().UTC()
		st, err := s.sink.CommitHashed(page.Events, f.hashes, cp)
		if err != nil {
			return fmt.Errorf("ingest: save page %d: %w", cp.Pages, err)
		}
		s.update(func(p *Progress) {
			p.Pages++
			p.Events += int64(len(page.Events))
			p.New += int64(st.New)
			p.Duplicates += int64(st.Duplicates)
			p.Newest = cp.Newest
			p.Waiting, p.WaitUntil = "", time.Time{}
			if page.HasTotal && !p.HasTotal {
				p.Total, p.HasTotal = page.Total, true
			}
		})
		if cp.Complete {
			return nil
		}
	}
	// The fetcher stops before the last page only when cancelled.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	return errors.New("ingest: the page stream ended before the last page")
}

// fetch pages through the window, restarting it from the newest event
// fetched when the server will not go on from the cursor.
func (s *Sync) fetch(ctx context.Context, src Source, q auditapi.Query, cp store.Checkpoint, out chan<- fetched) {
	defer close(out)
	windowStart := cp.WindowStart
	newest := cp.Newest
	restarts := 0
	resumed := q.Cursor != "" // the request goes on from a saved cursor
	restarted := false        // the request is the first of a restarted window
	chained := s.sink.Chained()
	send := func(f fetched) bool {
		select {
		case out <- f:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		page, err := src.List(ctx, q)
		if err != nil && ctx.Err() == nil && cursorGone(err, q, resumed) {
			restarts++
			if restarts > s.opts.MaxRestart {
				send(fetched{err: ErrTooManyRestarts})
				return
			}
			windowStart = resumePoint(store.Checkpoint{WindowStart: windowStart, Newest: newest})
			q = auditapi.Query{Since: windowStart, Limit: s.opts.PageSize}
			resumed, restarted = false, true
			s.update(func(p *Progress) { p.Restarts++ })
			continue
		}
		if err != nil {
			switch {
			case ctx.Err() != nil:
				err = fmt.Errorf("ingest: %w", ctx.Err())
			case restarted:
				err = restartRefused(err)
			}
			send(fetched{err: err})
			return
		}
		resumed, restarted = false, false
		newest = newestOf(newest, page.Events)
		// The page is hashed here, while the one before it is written: a
		// sync is bound by its writer.
		var hashes [][32]byte
		if chained {
			hashes = audit.AppendEventHashes(make([][32]byte, 0, len(page.Events)), page.Events)
		}
		if !send(fetched{page: page, hashes: hashes, windowStart: windowStart}) || page.NextCursor == "" {
			return
		}
		q = auditapi.Query{Cursor: page.NextCursor, Limit: s.opts.PageSize}
	}
}

// cursorGone says whether err means the server will not go on from q's
// cursor, so the window restarts from the checkpoint: it expired the cursor
// (410), or names the cursor in a 400 or 404, or refused the first request
// of a resumed run in any way, as a restarted server may answer anything to
// a cursor from its earlier life. Failures that a fresh request would meet
// too (token, role, rate limit, network, TLS) are not.
func cursorGone(err error, q auditapi.Query, resumed bool) bool {
	switch {
	case errors.Is(err, auditapi.ErrCursorExpired):
		return true
	case q.Cursor == "":
		return false
	case errors.Is(err, auditapi.ErrCursorUnknown):
		return true
	case !resumed:
		return false
	}
	var ae *auditapi.Error
	if !errors.As(err, &ae) {
		return false
	}
	for _, k := range []error{auditapi.ErrUnauthenticated, auditapi.ErrForbidden, auditapi.ErrRateLimited, auditapi.ErrUnreachable, auditapi.ErrTLS} {
		if errors.Is(err, k) {
			return false
		}
	}
	return true
}

// restartError is ErrRestartRefused with the server's side of the refusal.
type restartError struct{ host, detail string }

func (e *restartError) Error() string {
	d := ""
	if e.detail != "" {
		d = " (" + e.detail + ")"
	}
	return fmt.Sprintf("ingest: %s would not go on from the paging cursor and refused the window restarted from the cache's checkpoint too%s: sync again later; if it keeps failing, report this to the platform", e.host, d)
}

func (e *restartError) Is(target error) bool { return target == ErrRestartRefused }

// restartRefused is the failure of a restarted window's first request. A
// refusal whose advice is about the request's options (time range,
// workspace, page limit) becomes ErrRestartRefused: the sync chose those,
// not the user. Any other failure (token, network...) says what to do
// already.
func restartRefused(err error) error {
	var ae *auditapi.Error
	if !errors.As(err, &ae) {
		return err
	}
	for _, k := range []error{auditapi.ErrInvalidRequest, auditapi.ErrNotFound, auditapi.ErrCursorUnknown} {
		if errors.Is(err, k) {
			return &restartError{host: ae.Host, detail: ae.Detail()}
		}
	}
	return err
}

func newestOf(t time.Time, events []audit.Event) time.Time {
	for i := range events {
		if events[i].Time.After(t) {
			t = events[i].Time
		}
	}
	return t
}
