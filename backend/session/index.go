package session

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/store"
)

// indexFile holds a profile's query index beside its cache, so opening a
// profile reads it (0.1-0.2 s at 1M events) instead of rebuilding it from
// the cache (2+ s).
const indexFile = "index.bin"

// catchUp is how far before the index's newest event a catch-up reads the
// cache again: syncs reach back by the ingestion delay; this is wider.
const catchUp = 24 * time.Hour

// Index returns the profile's query index, current with its cache: the
// one held in memory, else the saved one brought up to date, else one
// built from the cache. The index must hold as many events as the cache,
// up to the same newest one, or it is rebuilt. A sync may be writing
// meanwhile: events are never removed, so a scan that began after the
// count holds at least as many. Calls for one profile take turns: the
// second finds the first's index and only catches it up.
func (m *Manager) Index(ctx context.Context, p settings.Profile) (*query.Index, error) {
	unlock := m.lockIndex(p.Key())
	defer unlock()
	cache, err := m.Cache(p)
	if err != nil {
		return nil, err
	}
	stats, err := cache.Stats()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	ix := m.indexes[p.Key()]
	m.mu.Unlock()
	if ix == nil {
		ix = m.loadIndex(p)
	}
	before := ix // what is held or saved already
	current := func(ix *query.Index) bool {
		return int64(ix.Len()) == stats.Events && ix.Newest().Equal(stats.Newest)
	}
	if ix != nil && !current(ix) {
		if ix, err = catchUpIndex(ctx, ix, cache); err != nil {
			return nil, altered(err)
		}
	}
	if ix == nil || !current(ix) {
		m.log.Info("building the query index from the cache", "profile", p.Name, "events", stats.Events)
		if ix, err = query.Build(ctx, scanAll(ctx, cache, time.Time{})); err != nil {
			return nil, altered(err)
		}
		if int64(ix.Len()) < stats.Events {
			return nil, fmt.Errorf("%w: %d of its %d events can be read: run auditdesk verify", ErrUnreadable, ix.Len(), stats.Events)
		}
	}
	m.mu.Lock()
	m.indexes[p.Key()] = ix
	m.mu.Unlock()
	if ix != before {
		if err := m.saveIndex(p, ix); err != nil {
			// The index in memory is right; the next open rebuilds it.
			m.log.Warn("save the query index", "profile", p.Name, "err", err)
		}
	}
	return ix, nil
}

// ErrUnreadable: the cache holds fewer events that can be read than it
// counts (its files were damaged).
var ErrUnreadable = errors.New("the cache cannot be read whole")

// altered is err, or the *store.AlteredError in it as it is: its one line
// names the event and the next step, which the wrapping would bury.
func altered(err error) error {
	if ae, ok := errors.AsType[*store.AlteredError](err); ok {
		return ae
	}
	return err
}

// lockIndex takes the profile's index turn and returns its release.
func (m *Manager) lockIndex(key string) func() {
	m.mu.Lock()
	l := m.building[key]
	if l == nil {
		l = &sync.Mutex{}
		m.building[key] = l
	}
	m.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// ReadIndex is Index for readers such as auditdesk query: when another
// AuditDesk holds the cache (the window is open), it reads the index that
// process saved after its last sync instead of failing, and says so with
// saved. A writer (a sync) still gets the lock error.
func (m *Manager) ReadIndex(ctx context.Context, p settings.Profile) (ix *query.Index, saved bool, err error) {
	ix, err = m.Index(ctx, p)
	if errors.Is(err, store.ErrLocked) {
		if held := m.loadIndex(p); held != nil {
			return held, true, nil
		}
	}
	return ix, false, err
}

func scanAll(ctx context.Context, cache *store.Store, from time.Time) func(func(audit.Event) error) error {
	return func(fn func(audit.Event) error) error { return cache.Scan(ctx, from, time.Time{}, fn) }
}

// catchUpIndex appends what the cache gained since the index was made.
func catchUpIndex(ctx context.Context, ix *query.Index, cache *store.Store) (*query.Index, error) {
	var from time.Time
	if n := ix.Newest(); !n.IsZero() {
		from = n.Add(-catchUp)
	}
	var batch []audit.Event
	if err := scanAll(ctx, cache, from)(func(e audit.Event) error {
		batch = append(batch, e)
		return nil
	}); err != nil {
		return nil, err
	}
	return ix.Append(batch)
}

func (m *Manager) indexPath(p settings.Profile) string {
	return filepath.Join(m.settings.ProfileDir(p), indexFile)
}

// loadIndex reads the saved index; a missing, unreadable or foreign one is
// nil, and the caller builds a new one.
func (m *Manager) loadIndex(p settings.Profile) *query.Index {
	f, err := os.Open(m.indexPath(p))
	if err != nil {
		return nil
	}
	defer func() { _ = f.Close() }()
	ix, err := query.ReadIndex(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		if !errors.Is(err, query.ErrIndexFormat) {
			m.log.Warn("read the query index", "profile", p.Name, "err", err)
		}
		return nil
	}
	return ix
}

// saveIndex writes the index beside the cache, atomically.
func (m *Manager) saveIndex(p settings.Profile, ix *query.Index) error {
	return settings.WriteAtomic(m.indexPath(p), func(w io.Writer) error {
		_, err := ix.WriteTo(w)
		return err
	})
}
