// Package session holds what one AuditDesk process has open: the profiles
// (session.Profile: a cache, its query index, the results held for the
// window, one sync at a time) and, for the window, which one it shows.
// The window and the CLI both work through it.
package session

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/store"
)

// Desk is the profiles of one process, each opened once, and the current
// one: the profile the window shows.
type Desk struct {
	settings *settings.Store
	log      *slog.Logger
	now      func() time.Time
	// cacheOpts are how its profiles' caches open (NewReadingDesk).
	cacheOpts []store.Option
	// idleClose is how long a profile's cache stays open unused (0:
	// until Close); see CloseIdle.
	idleClose time.Duration
	// lockWait and onLockWait: see WaitForCache.
	lockWait   time.Duration
	onLockWait func()

	mu      sync.Mutex
	open    map[string]*Profile // by profile key
	current *Profile
}

// NewDesk returns a Desk over a data dir.
func NewDesk(st *settings.Store, log *slog.Logger) *Desk {
	return &Desk{settings: st, log: log, now: time.Now, open: map[string]*Profile{}}
}

// NewReadingDesk is NewDesk for a command that reads its profiles (query,
// export, verify): their caches open store.ForReading.
func NewReadingDesk(st *settings.Store, log *slog.Logger) *Desk {
	d := NewDesk(st, log)
	d.cacheOpts = []store.Option{store.ForReading()}
	return d
}

// CloseIdle has each profile's cache closed once it has not been used for
// after: a window that waits idle then holds no cache, and another
// AuditDesk (`auditdesk export` run by a scheduler, a verify) opens it and
// reads it whole, the chain included, as it would with the window closed.
// Set before the first profile opens.
func (d *Desk) CloseIdle(after time.Duration) { d.idleClose = after }

// WaitForCache has a cache another process holds waited for, up to wait,
// before its use fails with ErrLocked; onWait (if set) is called once
// when a wait begins, to say so. Set before the first profile opens.
func (d *Desk) WaitForCache(wait time.Duration, onWait func()) {
	d.lockWait, d.onLockWait = wait, onWait
}

// Settings is the data dir the desk works in.
func (d *Desk) Settings() *settings.Store { return d.settings }

// Open is the open Profile of p's identity, opening it the first time
// (its cache opens at first use).
func (d *Desk) Open(p settings.Profile) *Profile {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.openLocked(p)
}

func (d *Desk) openLocked(p settings.Profile) *Profile {
	if pr, ok := d.open[p.Key()]; ok {
		return pr
	}
	pr := newProfile(d.settings, d.log, d.now, p)
	pr.cacheOpts, pr.idleClose, pr.lockWait, pr.onLockWait = d.cacheOpts, d.idleClose, d.lockWait, d.onLockWait
	d.open[p.Key()] = pr
	return pr
}

// Find opens the named profile (its name or key), else the most recently
// synced when name is "".
func (d *Desk) Find(name string) (*Profile, error) {
	p, err := d.settings.FindProfile(name)
	if err != nil {
		return nil, err
	}
	return d.Open(p), nil
}

// Current is the profile the window shows: the one shown last (the
// preference), else the most recently synced. It is found once and then
// held: later calls read no file.
func (d *Desk) Current() (*Profile, error) {
	d.mu.Lock()
	cur := d.current
	d.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	p, err := d.settings.FindProfile(d.settings.Prefs().Profile)
	if errors.Is(err, settings.ErrNoSuchProfile) {
		p, err = d.settings.FindProfile("")
	}
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.current == nil {
		d.current = d.openLocked(p)
	}
	return d.current, nil
}

// Show makes p the profile the window shows, and remembers it for the
// next launch.
func (d *Desk) Show(p settings.Profile) (*Profile, error) {
	d.mu.Lock()
	pr := d.openLocked(p)
	d.current = pr
	d.mu.Unlock()
	err := d.settings.Update(func(pref *settings.Prefs) { pref.Profile = p.Name })
	return pr, err
}

// Close closes every open cache. Syncs still running are the caller's to
// cancel first.
func (d *Desk) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for _, pr := range d.open {
		errs = append(errs, pr.close())
	}
	return errors.Join(errs...)
}
