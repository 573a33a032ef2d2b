// Package session holds the open profiles of one AuditDesk process: each
// profile's cache, opened once and shared by reads and syncs, and the one
// sync that may run on it at a time (a second request joins the running
// one). The window and the CLI both work through it.
package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/store"
)

// Manager opens profiles and runs their syncs.
type Manager struct {
	settings *settings.Store
	log      *slog.Logger
	now      func() time.Time

	mu      sync.Mutex
	caches  map[string]*store.Store // by profile key
	runs    map[string]*running     // by profile key
	indexes map[string]*query.Index // by profile key: the last made or saved
	// building serialises Index per profile key: a query during a sync and
	// the sync's end never build the same index twice at once, and the
	// index held and saved never goes back to fewer events.
	building map[string]*sync.Mutex
}

type running struct {
	done chan struct{}
	res  SyncResult
	err  error
}

// New returns a Manager over a data dir.
func New(st *settings.Store, log *slog.Logger) *Manager {
	return &Manager{settings: st, log: log, now: time.Now, caches: map[string]*store.Store{}, runs: map[string]*running{}, indexes: map[string]*query.Index{}, building: map[string]*sync.Mutex{}}
}

// Settings is the data dir the manager works in.
func (m *Manager) Settings() *settings.Store { return m.settings }

// Cache opens the profile's cache, or returns the one already open.
func (m *Manager) Cache(p settings.Profile) (*store.Store, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cacheLocked(p)
}

func (m *Manager) cacheLocked(p settings.Profile) (*store.Store, error) {
	if c, ok := m.caches[p.Key()]; ok {
		return c, nil
	}
	c, err := store.Open(m.settings.CacheDir(p))
	if err != nil {
		return nil, err
	}
	m.caches[p.Key()] = c
	return c, nil
}

// Close closes every open cache. Syncs still running are the caller's to
// cancel first.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for k, c := range m.caches {
		errs = append(errs, c.Close())
		delete(m.caches, k)
	}
	return errors.Join(errs...)
}

// SyncRequest says what to sync from where.
type SyncRequest struct {
	// APIURL is the platform's base URL: the profile's identity.
	APIURL string
	// ClientURL, when set, is where requests go instead (the demo's
	// simulator listens on a new loopback port each launch, yet is one
	// profile).
	ClientURL  string
	Token      string
	CAFile     string
	Profile    string // when set, the token must belong to this profile
	Demo       bool
	OnProgress func(ingest.Progress)
	OnStart    func(settings.Profile) // told the profile once the identity is known
	// OnIndexing is told when the run has ended and the query index takes
	// its events in (seconds for a first sync of a million).
	OnIndexing func()
	PageSize   int
}

// SyncResult is a finished sync.
type SyncResult struct {
	Profile settings.Profile
	Run     ingest.Result
	Cache   store.Stats
	// Index is the profile's query index with what the run saved, nil when
	// it could not be brought up to date (the next open builds it).
	Index *query.Index
	// IndexErr is why Index is nil: the cache could not be read whole, or
	// was altered (store.ErrAltered).
	IndexErr error
	Joined   bool // this request joined a sync already running
}

// ErrMemberRole is returned for a token that may not read the audit log.
var ErrMemberRole = errors.New("this token belongs to a Workspace Member, who may not read the audit log; use an Organization Owner's or a Workspace Admin's token")

// Sync resolves the token's identity, picks that identity's profile (made
// on the first sync) and syncs its cache.
func (m *Manager) Sync(ctx context.Context, req SyncRequest) (SyncResult, error) {
	var sink atomic.Pointer[ingest.Sync]
	url := req.APIURL
	if req.ClientURL != "" {
		url = req.ClientURL
	}
	client, err := auditapi.New(auditapi.Config{
		BaseURL: url,
		Token:   req.Token,
		CAFile:  req.CAFile,
		OnWait: func(w auditapi.Wait) {
			if s := sink.Load(); s != nil {
				s.OnWait(w)
			}
		},
	})
	if err != nil {
		return SyncResult{}, err
	}
	id, err := client.Me(ctx)
	if err != nil {
		return SyncResult{}, err
	}
	if id.Role == audit.RoleWorkspaceMember {
		return SyncResult{}, ErrMemberRole
	}
	p, err := m.settings.ProfileFor(req.APIURL, id, m.now())
	if err != nil {
		return SyncResult{}, err
	}
	if req.Profile != "" && req.Profile != p.Name && req.Profile != p.Key() {
		return SyncResult{}, fmt.Errorf("the token belongs to %s, not to profile %q; use that profile's token or drop --profile", p.Name, req.Profile)
	}
	p.Demo = req.Demo

	m.mu.Lock()
	if r, ok := m.runs[p.Key()]; ok {
		m.mu.Unlock()
		select {
		case <-r.done:
		case <-ctx.Done():
			return SyncResult{}, fmt.Errorf("session: %w", ctx.Err())
		}
		res := r.res
		res.Joined = true
		return res, r.err
	}
	r := &running{done: make(chan struct{})}
	m.runs[p.Key()] = r
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.runs, p.Key())
		m.mu.Unlock()
		close(r.done)
	}()

	r.res, r.err = m.sync(ctx, client, p, req, &sink)
	return r.res, r.err
}

func (m *Manager) sync(ctx context.Context, client *auditapi.Client, p settings.Profile, req SyncRequest, sink *atomic.Pointer[ingest.Sync]) (SyncResult, error) {
	if err := m.settings.SaveProfile(p); err != nil {
		return SyncResult{Profile: p}, err
	}
	if req.OnStart != nil {
		req.OnStart(p)
	}
	cache, err := m.Cache(p)
	if err != nil {
		return SyncResult{Profile: p}, err
	}
	s := ingest.New(cache, ingest.Options{OnProgress: req.OnProgress, PageSize: req.PageSize, Now: m.now})
	sink.Store(s)
	m.log.Info("sync started", "profile", p.Name, "api", p.APIURL, "role", p.Role)
	run, runErr := s.Run(ctx, client)

	p.LastSync = m.now().UTC()
	p.LastSyncError = ""
	p.LastSyncCancelled = errors.Is(runErr, context.Canceled)
	if runErr != nil {
		p.LastSyncError = OneLine(runErr)
	} else {
		p.LastSuccess = p.LastSync
	}
	if err := m.settings.SaveProfile(p); err != nil && runErr == nil {
		runErr = err
	}
	stats, err := cache.Stats()
	if err != nil && runErr == nil {
		runErr = err
	}
	m.log.Info("sync ended", "profile", p.Name, "pages", run.Pages, "events", run.Events,
		"new", run.New, "duplicates", run.Duplicates, "waits", run.Waits, "restarts", run.Restarts,
		"cached", stats.Events, "err", p.LastSyncError)
	// The pages a failed or cancelled run finished are in the cache too:
	// the index takes them in now (appending, not rebuilding), and is saved,
	// so the next open, in the window or by `auditdesk query`, is quick.
	if req.OnIndexing != nil {
		req.OnIndexing()
	}
	ix, err := m.Index(context.WithoutCancel(ctx), p)
	if err != nil {
		m.log.Warn("update the query index after a sync", "profile", p.Name, "err", err)
	}
	return SyncResult{Profile: p, Run: run, Cache: stats, Index: ix, IndexErr: err}, runErr
}

// OneLine is an error's message on one line.
func OneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
