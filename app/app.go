// Package app is the only Go code bound to the window and the only
// importer of the Wails runtime. It is thin: it validates what the UI asks,
// starts jobs on the backend, emits their progress and maps their errors.
package app

import (
	"context"
	"log/slog"
	"sort"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// Profile is the identity a cache belongs to, as the toolbar shows it.
type Profile struct {
	Name         string     `json:"name"`
	APIURL       string     `json:"apiUrl"`
	Organization string     `json:"organization"`
	User         string     `json:"user"`
	Role         audit.Role `json:"role"`
}

// Status is what the toolbar and status bar show.
type Status struct {
	Version string   `json:"version"`
	DataDir string   `json:"dataDir"`
	Profile *Profile `json:"profile"` // nil until a profile exists
	Events  int      `json:"events"`
	// LastSynced is RFC 3339 in UTC, empty when never synced.
	LastSynced string `json:"lastSynced"`
}

// ScopeCategories is one Scope option with the categories under it.
type ScopeCategories struct {
	Scope      audit.Scope `json:"scope"`
	Categories []string    `json:"categories"`
}

// App is bound to the window. Its exported methods are the UI's API: each
// returns (T, error), and errors reach the UI through FormatError.
type App struct {
	version string
	store   *settings.Store
	log     *slog.Logger
	win     windowRuntime
	emit    Emitter
}

// New returns the App over a data dir's store.
func New(version string, store *settings.Store, log *slog.Logger) *App {
	return &App{version: version, store: store, log: log}
}

// Startup is the Wails OnStartup hook: it binds the runtime to ctx.
func (a *App) Startup(ctx context.Context) {
	a.win = wailsWindow{ctx}
	a.emit = NewThrottledEmitter(RuntimeEmitter{ctx}, progressInterval)
}

// Status reports the current profile and cache figures.
func (a *App) Status() (Status, error) {
	return Status{Version: a.version, DataDir: a.store.Dir()}, nil
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

// Refresh syncs the current profile's cache from the platform.
func (a *App) Refresh() (Status, error) {
	return a.needProfile("refresh")
}

// Export writes the current view to a file.
func (a *App) Export() (string, error) {
	_, err := a.needProfile("export")
	return "", err
}

// needProfile fails with ErrNoProfile while no profile exists.
func (a *App) needProfile(what string) (Status, error) {
	st, err := a.Status()
	if err != nil {
		return st, err
	}
	if st.Profile == nil {
		a.log.Info("refused: no profile", "action", what)
		return st, settings.ErrNoProfile
	}
	return st, nil
}
