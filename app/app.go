// Package app is the only Go code bound to the window and the only
// importer of the Wails runtime. It is thin: it validates what the UI asks,
// starts jobs on the backend, emits their progress and maps their errors.
package app

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// Profile is the identity a cache belongs to, as the toolbar shows it.
type Profile struct {
	Name         string     `json:"name"`
	APIURL       string     `json:"apiUrl"`
	Organization string     `json:"organization"`
	User         string     `json:"user"`
	Role         audit.Role `json:"role"`
	Workspaces   []string   `json:"workspaces"`
	Demo         bool       `json:"demo"`
}

// Status is what the toolbar and status bar show.
type Status struct {
	Version string   `json:"version"`
	DataDir string   `json:"dataDir"`
	Profile *Profile `json:"profile"` // nil until a profile exists
	Events  int64    `json:"events"`
	// LastSynced is RFC 3339 in UTC, empty when never synced.
	LastSynced string `json:"lastSynced"`
	// LastSyncError says why the last sync failed, empty when it did not.
	LastSyncError string `json:"lastSyncError"`
	// LastSyncCancelled: the last sync was cancelled by the user.
	LastSyncCancelled bool `json:"lastSyncCancelled"`
	// LastSuccess is when a sync last finished, RFC 3339, "" if never.
	LastSuccess string `json:"lastSuccess"`
	Oldest      string `json:"oldest"`
	Newest      string `json:"newest"`
	Syncing     bool   `json:"syncing"`
	// AutoDemo asks the window to open the demo: there is no profile yet.
	AutoDemo bool `json:"autoDemo"`
	// Notice is something the user should know, such as why the token
	// will be asked for again.
	Notice string `json:"notice"`
	// ChainHead is the cache's hash chain head (docs/EVIDENCE.md), "" when
	// empty; Gaps are periods between the oldest and newest event no sync
	// finished.
	ChainHead string `json:"chainHead"`
	Gaps      []Gap  `json:"gaps"`
}

// ScopeCategories is one Scope option with the categories under it.
type ScopeCategories struct {
	Scope      audit.Scope `json:"scope"`
	Categories []string    `json:"categories"`
}

// SyncProgress is the payload of EventSyncProgress.
type SyncProgress struct {
	Profile string `json:"profile"` // who is synced, for people: "user · organization"
	ingest.Progress
	// Indexing: the run has ended and the index is taking its events in.
	Indexing bool `json:"indexing"`
}

// EventSyncProgress is emitted, throttled, while a sync runs.
const EventSyncProgress = "sync:progress"

// Options are the app's knobs that are not user preferences.
type Options struct {
	// Demo configures the demo platform; Demo.Disabled turns off opening it
	// by itself on a first launch.
	Demo DemoOptions
}

// App is bound to the window. Its exported methods are the UI's API: each
// returns (T, error), and errors reach the UI through FormatError.
type App struct {
	version string
	store   *settings.Store
	log     *slog.Logger
	win     windowRuntime
	dialogs dialogRuntime
	emit    Emitter
	mgr     *session.Manager
	tokens  *Tokens
	demo    *demo
	views   views

	mu           sync.Mutex
	cancel       context.CancelFunc // of the running sync
	cancelExport context.CancelFunc // of the running export
}

// New returns the App over a data dir's store.
func New(version string, store *settings.Store, log *slog.Logger, opts Options) *App {
	return &App{
		version: version,
		store:   store,
		log:     log,
		mgr:     session.New(store, log),
		tokens:  NewTokens(),
		demo:    newDemo(opts.Demo),
		emit:    discard{},
	}
}

type discard struct{}

func (discard) Emit(string, any) {}

// Startup is the Wails OnStartup hook: it binds the runtime to ctx.
func (a *App) Startup(ctx context.Context) {
	a.win = wailsWindow{ctx}
	a.dialogs = wailsWindow{ctx}
	a.emit = NewThrottledEmitter(RuntimeEmitter{ctx}, progressInterval)
}

// Shutdown is the Wails OnShutdown hook: it stops a running sync or export
// and closes the caches.
func (a *App) Shutdown(context.Context) {
	a.CancelRefresh()
	a.CancelExport()
	a.demo.close()
	if err := a.mgr.Close(); err != nil {
		a.log.Error("close caches", "err", err)
	}
}

// current is the profile the window shows: the one chosen last, else the
// most recently synced.
func (a *App) current() (settings.Profile, error) {
	p, err := a.store.FindProfile(a.store.Prefs().Profile)
	if errors.Is(err, settings.ErrNoSuchProfile) {
		return a.store.FindProfile("")
	}
	return p, err
}

// Status reports the current profile and its cache's figures. It reads
// only the local cache, so it answers offline.
func (a *App) Status() (Status, error) {
	st := Status{Version: a.version, DataDir: a.store.Dir(), Notice: a.tokens.NoKeyring}
	a.mu.Lock()
	st.Syncing = a.cancel != nil
	a.mu.Unlock()
	p, err := a.current()
	if errors.Is(err, settings.ErrNoProfile) {
		st.AutoDemo = !a.demo.opts.Disabled
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Profile = toProfile(p)
	st.LastSynced = rfc3339(p.LastSync)
	st.LastSyncError = p.LastSyncError
	st.LastSyncCancelled = p.LastSyncCancelled
	st.LastSuccess = rfc3339(p.LastSuccess)
	cache, err := a.mgr.Cache(p)
	if err != nil {
		return st, err
	}
	stats, err := cache.Stats()
	if err != nil {
		return st, err
	}
	st.Events, st.Oldest, st.Newest = stats.Events, rfc3339(stats.Oldest), rfc3339(stats.Newest)
	head, err := cache.Head()
	if err != nil {
		return st, err
	}
	_, gaps, err := cache.Coverage()
	if err != nil {
		return st, err
	}
	st.ChainHead, st.Gaps = head.String(), gapsOf(gaps, time.Now())
	return st, nil
}

func toProfile(p settings.Profile) *Profile {
	ws := make([]string, 0, len(p.Workspaces))
	for _, w := range p.Workspaces {
		ws = append(ws, w.Name)
	}
	org := p.Organization.Name
	if org == "" {
		org = p.Organization.ID
	}
	return &Profile{Name: p.Name, APIURL: p.APIURL, Organization: org, User: p.User, Role: p.Role, Workspaces: ws, Demo: p.Demo}
}

// label names a profile for people: its user and organization.
func label(p settings.Profile) string {
	return p.User + " · " + toProfile(p).Organization
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Scopes lists the scopes and, under each, its categories, in the
// console's order, for the Scope and Category selects.
func (a *App) Scopes() ([]ScopeCategories, error) {
	out := make([]ScopeCategories, 0, len(audit.Scopes))
	for _, s := range audit.Scopes {
		cats := append([]string(nil), audit.KnownCategories[s]...)
		sort.Strings(cats)
		out = append(out, ScopeCategories{Scope: s, Categories: cats})
	}
	return out, nil
}

// Refresh syncs the current profile's cache from its platform, emitting
// EventSyncProgress, and returns the new status. While a sync runs, another
// fails with ErrBusy.
func (a *App) Refresh() (Status, error) {
	p, err := a.current()
	if err != nil {
		return Status{}, err
	}
	req := session.SyncRequest{APIURL: p.APIURL, Profile: p.Name}
	if p.Demo {
		if req, err = a.demo.request(); err != nil {
			return Status{}, err
		}
	} else if req.Token, err = a.tokens.Get(p.Key()); err != nil {
		return Status{}, err
	}
	return a.sync(req)
}

// OpenDemo syncs the demo profile from a simulated platform on loopback and
// makes it the current profile.
func (a *App) OpenDemo() (Status, error) {
	req, err := a.demo.request()
	if err != nil {
		return Status{}, err
	}
	return a.sync(req)
}

// Connect checks a platform's API URL and token, makes the identity's
// profile current, keeps the token (in the OS keyring when there is one)
// and runs its first sync.
func (a *App) Connect(apiURL, token string) (Status, error) {
	apiURL, token = strings.TrimSpace(apiURL), strings.TrimSpace(token)
	switch {
	case apiURL == "":
		return Status{}, Invalid("enter the platform's API URL, such as https://platform.example/api")
	case token == "":
		return Status{}, Invalid("enter your API token")
	}
	return a.sync(session.SyncRequest{APIURL: apiURL, Token: token})
}

// ProvideToken gives the current profile's token when the keyring does not
// have it, then refreshes.
func (a *App) ProvideToken(token string) (Status, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Status{}, Invalid("enter your API token")
	}
	p, err := a.current()
	if err != nil {
		return Status{}, err
	}
	return a.sync(session.SyncRequest{APIURL: p.APIURL, Profile: p.Name, Token: token})
}

// CancelRefresh stops the running sync; the pages it finished stay.
func (a *App) CancelRefresh() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancel != nil {
		a.cancel()
	}
}

func (a *App) sync(req session.SyncRequest) (Status, error) {
	ctx, cancel := context.WithCancel(context.Background())
	a.mu.Lock()
	if a.cancel != nil {
		a.mu.Unlock()
		cancel()
		return Status{}, ErrBusy
	}
	a.cancel = cancel
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.cancel = nil
		a.mu.Unlock()
		cancel()
	}()

	var name string
	req.OnStart = func(p settings.Profile) {
		name = label(p)
		if err := a.store.Update(func(pr *settings.Prefs) { pr.Profile = p.Name }); err != nil {
			a.log.Error("remember profile", "err", err)
		}
		if req.Token != "" && !req.Demo {
			a.tokens.Save(p.Key(), req.Token)
		}
	}
	var lastMu sync.Mutex // progress may come from the throttle's timer
	var last ingest.Progress
	req.OnProgress = func(p ingest.Progress) {
		lastMu.Lock()
		last = p
		lastMu.Unlock()
		a.emit.Emit(EventSyncProgress, SyncProgress{Profile: name, Progress: p})
	}
	req.OnIndexing = func() {
		lastMu.Lock()
		p := last
		lastMu.Unlock()
		a.emit.Emit(EventSyncProgress, SyncProgress{Profile: name, Progress: p, Indexing: true})
		if t, ok := a.emit.(*ThrottledEmitter); ok {
			t.Flush() // shown now, not after the index is built
		}
	}
	res, err := a.mgr.Sync(ctx, req)
	// What a failed or cancelled run finished is in the index too.
	a.indexSynced(res.Profile, res.Index)
	if t, ok := a.emit.(*ThrottledEmitter); ok {
		t.Flush()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errCancelled
		}
		a.log.Warn("sync failed", "err", err)
		return Status{}, err
	}
	return a.Status()
}
