package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/marks"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/store"
)

// Profile is one open profile: its identity, its cache (opened once), its
// query index, the results held for the window, the marks of what the last
// sync brought, and the one sync that may run on it. The window and the
// CLI both work through it; nothing on their hot paths reads profile.json.
type Profile struct {
	st  *settings.Store
	log *slog.Logger
	now func() time.Time
	key string

	// building serialises Index: a query during a sync and the sync's end
	// never build the index twice at once, and the index held and saved
	// never goes back to fewer events.
	building sync.Mutex

	mu        sync.Mutex
	info      settings.Profile
	cacheOpts []store.Option // how the cache opens (Desk's)
	held      held
	run       *running
	// The marks file as last read (Marks), and the size and time it had.
	marks      *marks.Set
	marksStamp string

	// The cache, open while in use (use): its lock keeps every other
	// process out, so a window that waits idle closes it after idleClose
	// (0: never, a command that ends soon), and a scheduled export or a
	// verify meanwhile reads it whole (the chain, the coverage) as it would
	// with the window closed.
	cacheMu   sync.Mutex
	cache     *store.Store
	uses      int
	idle      *time.Timer
	idleClose time.Duration
	// lockWait is how long use waits for a cache another process holds;
	// onLockWait is told when it starts to.
	lockWait   time.Duration
	onLockWait func()
}

// The store's types and errors that the front ends meet, so that neither
// imports the store.
type (
	// Interval is a period of the cache's coverage (store.Coverage).
	Interval = store.Interval
	// Head is the cache's hash-chain head.
	Head = store.Head
	// Stats are the cache's count and time range.
	Stats = store.Stats
	// VerifyReport is store.Verify's report.
	VerifyReport = store.VerifyReport
)

// ErrLocked: another AuditDesk holds the cache.
var ErrLocked = store.ErrLocked

func newProfile(st *settings.Store, log *slog.Logger, now func() time.Time, p settings.Profile) *Profile {
	return &Profile{st: st, log: log, now: now, key: p.Key(), info: p}
}

// Info is the profile's identity and sync record, as last saved.
func (pr *Profile) Info() settings.Profile {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.info
}

// Key is the identity the cache belongs to (settings.Profile.Key).
func (pr *Profile) Key() string { return pr.key }

func (pr *Profile) setInfo(p settings.Profile) {
	pr.mu.Lock()
	pr.info = p
	pr.mu.Unlock()
}

// use returns the profile's cache for one use, opening it unless it is
// open, and done, which ends the use (once; later calls do nothing). The
// cache is closed once no use has been made of it for idleClose.
func (pr *Profile) use() (cache *store.Store, done func(), err error) {
	pr.cacheMu.Lock()
	defer pr.cacheMu.Unlock()
	if pr.cache == nil {
		c, err := pr.openWaiting()
		if err != nil {
			return nil, nil, err
		}
		// A case's import that a kill stopped half way is taken back
		// before anything reads the cache.
		if pr.Info().Imported {
			if err := pr.rollBack(c); err != nil {
				_ = c.Close()
				return nil, nil, fmt.Errorf("an unfinished import could not be rolled back: %w", err)
			}
		}
		pr.cache = c
	}
	if pr.idle != nil {
		pr.idle.Stop()
		pr.idle = nil
	}
	pr.uses++
	var once sync.Once
	return pr.cache, func() { once.Do(pr.release) }, nil
}

// lockPoll is how often openWaiting tries a cache another process holds.
const lockPoll = 100 * time.Millisecond

// openWaiting opens the cache, waiting up to lockWait while another
// process holds it.
func (pr *Profile) openWaiting() (*store.Store, error) {
	deadline := time.Now().Add(pr.lockWait)
	told := false
	for {
		c, err := store.Open(pr.st.CacheDir(pr.Info()), pr.cacheOpts...)
		if !errors.Is(err, store.ErrLocked) || time.Now().Add(lockPoll).After(deadline) {
			return c, err
		}
		if !told && pr.onLockWait != nil {
			told = true
			pr.onLockWait()
		}
		time.Sleep(lockPoll)
	}
}

// release ends a use: the last one starts the idle timer.
func (pr *Profile) release() {
	pr.cacheMu.Lock()
	defer pr.cacheMu.Unlock()
	if pr.uses--; pr.uses > 0 || pr.cache == nil || pr.idleClose <= 0 {
		return
	}
	c := pr.cache
	pr.idle = time.AfterFunc(pr.idleClose, func() { pr.closeIdle(c) })
}

// closeIdle closes c, the cache, unless it was taken for a use since.
func (pr *Profile) closeIdle(c *store.Store) {
	pr.cacheMu.Lock()
	defer pr.cacheMu.Unlock()
	if pr.cache != c || pr.uses > 0 {
		return
	}
	pr.cache, pr.idle = nil, nil
	if err := c.Close(); err != nil {
		pr.log.Warn("close the idle cache", "profile", pr.Info().Name, "err", err)
	}
}

// close closes the cache; a sync still running is the caller's to cancel
// first.
func (pr *Profile) close() error {
	pr.cacheMu.Lock()
	defer pr.cacheMu.Unlock()
	if pr.idle != nil {
		pr.idle.Stop()
		pr.idle = nil
	}
	if pr.cache == nil {
		return nil
	}
	err := pr.cache.Close()
	pr.cache = nil
	return err
}

// Status is what the toolbar, the status bar and `auditdesk profiles` show
// of a profile: its record and its cache's figures. It reads only the
// local cache, so it answers offline.
type Status struct {
	Profile        settings.Profile
	Events         int64
	Oldest, Newest time.Time
	Head           Head
	// Gaps are periods between the oldest and newest event that no sync
	// finished.
	Gaps []Interval
}

// Status reads the profile's figures.
func (pr *Profile) Status() (Status, error) {
	st := Status{Profile: pr.Info()}
	cache, done, err := pr.use()
	if err != nil {
		return st, err
	}
	defer done()
	stats, err := cache.Stats()
	if err != nil {
		return st, err
	}
	st.Events, st.Oldest, st.Newest = stats.Events, stats.Oldest, stats.Newest
	if st.Head, err = cache.Head(); err != nil {
		return st, err
	}
	if st.Profile.Imported {
		return st, nil // a case holds what its files held: no sync left gaps in it
	}
	_, st.Gaps, err = cache.Coverage()
	return st, err
}

// Verification is a verify of the cache: every event's hash and the chain,
// then the coverage.
type Verification struct {
	VerifyReport
	Covered, Gaps []Interval
	Marks         MarksCheck
}

// Verify recomputes every event's hash and the chain, and reads the
// coverage and its gaps.
func (pr *Profile) Verify(ctx context.Context) (Verification, error) {
	cache, done, err := pr.use()
	if err != nil {
		return Verification{}, err
	}
	defer done()
	rep, err := cache.Verify(ctx)
	if err != nil {
		return Verification{}, err
	}
	covered, gaps, err := cache.Coverage()
	if err != nil {
		return Verification{}, err
	}
	mc, err := pr.checkMarks()
	if err != nil {
		return Verification{}, err
	}
	return Verification{VerifyReport: rep, Covered: covered, Gaps: gaps, Marks: mc}, nil
}

// ActivityLog is the profile's activity log, oldest first.
func (pr *Profile) ActivityLog() ([]settings.Activity, error) {
	return pr.st.ActivityLog(pr.Info())
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

// Warm readies what a window's first calls read, while its web view
// starts: the cache opened (the status reads it) and the index the first
// query reads, its columns checked (query.Index.Warm), so that neither
// waits on the disk or on a checksum. Failures are left to those calls.
func (pr *Profile) Warm(ctx context.Context) {
	_, done, err := pr.use()
	if err != nil {
		return
	}
	defer done()
	ix, err := pr.snapshot(ctx)
	if err != nil {
		return
	}
	ix.Warm()
}

// snapshot is the index the window reads: the one held, else the saved
// one when the cache says it is current (savedCurrent), else the index
// opened now. Queries never wait on the cache once it is held.
func (pr *Profile) snapshot(ctx context.Context) (*query.Index, error) {
	pr.mu.Lock()
	ix := pr.held.ix
	pr.mu.Unlock()
	if ix != nil {
		return ix, nil
	}
	if ix := pr.savedCurrent(); ix != nil {
		return ix, nil
	}
	return pr.Index(ctx)
}
