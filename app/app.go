// Package app is the only Go code bound to the window and the only
// importer of the Wails runtime. It is thin: a few services named by what
// the auditor does (Query, Sync, Profiles, Export, Preferences, Import,
// Marks), each of which checks what the UI asks, calls the open profile
// (session.Profile) or the settings, and puts the answer into the wire
// types the frontend reads.
package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/auditdesk/auditdesk/backend/credentials"
	"github.com/auditdesk/auditdesk/backend/progress"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// Options are the app's knobs that are not user preferences.
type Options struct {
	// Demo configures the demo platform; Demo.Disabled turns off opening it
	// by itself on a first launch.
	Demo DemoOptions
}

// DemoOptions configure the demo platform (session.Demo).
type DemoOptions = session.DemoOptions

// App is the window's side of the process: the services bound to it and
// the Wails lifecycle hooks. Each service returns (T, error), and errors
// reach the UI through FormatError.
type App struct {
	*core
	Query       *Query
	Sync        *Sync
	Profiles    *Profiles
	Export      *Export
	Preferences *Preferences
	Import      *Import
	Marks       *Marks
}

// core is what the services share: the desk with the open profile, the
// jobs, the settings and the runtime. It has no exported methods, so
// nothing of it is bound.
type core struct {
	version string
	store   *settings.Store
	log     *slog.Logger
	desk    *session.Desk
	tokens  *credentials.Tokens
	demo    *session.Demo
	win     windowRuntime
	dialogs dialogRuntime
	emit    Emitter

	syncs   progress.Job[SyncProgress]
	exports progress.Job[ExportProgress]
	imports progress.Job[ImportProgress]
	// undo takes back the window's marks (Marks.Undo).
	undo undoStack
	// rowsShown: the window has painted its first rows (logged once).
	rowsShown atomic.Bool
	// warmed is the index whose search was last warmed (WarmSearch);
	// toWarm one waiting for the window's first rows to be painted.
	warmed, toWarm atomic.Pointer[query.Index]
}

// New returns the App over a data dir's store.
func New(version string, store *settings.Store, log *slog.Logger, opts Options) *App {
	c := &core{
		version: version,
		store:   store,
		log:     log,
		desk:    newDesk(store, log),
		tokens:  credentials.NewTokens(),
		demo:    session.NewDemo(opts.Demo),
		emit:    discard{},
	}
	return &App{
		core: c, Query: &Query{c}, Sync: &Sync{c}, Profiles: &Profiles{c},
		Export: &Export{c}, Preferences: &Preferences{c}, Import: &Import{c}, Marks: &Marks{c},
	}
}

// cacheIdle is how long the window keeps a profile's cache open unused: a
// burst of calls (a sync's end, its status) finds it open, and an
// `auditdesk export` run meanwhile by a scheduler finds it free. The
// window waits cacheWait for a cache such a command holds.
const (
	cacheIdle = 3 * time.Second
	cacheWait = 5 * time.Second
)

func newDesk(store *settings.Store, log *slog.Logger) *session.Desk {
	d := session.NewDesk(store, log)
	d.CloseIdle(cacheIdle)
	d.WaitForCache(cacheWait, nil)
	return d
}

// Bound is what main gives Wails to bind: the services.
func (a *App) Bound() []any {
	return []any{a.Query, a.Sync, a.Profiles, a.Export, a.Preferences, a.Import, a.Marks}
}

type discard struct{}

func (discard) Emit(string, any) {}

// Startup is the Wails OnStartup hook: it binds the runtime to ctx, and
// readies the current profile's cache and index while the web view
// starts (Profile.Warm): its first status and query then find them open.
func (a *App) Startup(ctx context.Context) {
	a.win = wailsWindow{ctx}
	a.dialogs = wailsWindow{ctx}
	a.emit = RuntimeEmitter{ctx}
	// Files dropped on the window (options.App DragAndDrop.EnableFileDrop)
	// open the Import dialog with them.
	runtime.OnFileDrop(ctx, func(_, _ int, paths []string) { a.dropped(paths) })
	go func() {
		if pr, err := a.current(); err == nil {
			pr.Warm(ctx)
		}
	}()
}

// Shutdown is the Wails OnShutdown hook: it stops a running sync or export
// and closes the caches.
func (a *App) Shutdown(context.Context) {
	a.syncs.Cancel()
	a.exports.Cancel()
	a.demo.Close()
	if err := a.desk.Close(); err != nil {
		a.log.Error("close caches", "err", err)
	}
}

// current is the profile the window shows.
func (c *core) current() (*session.Profile, error) { return c.desk.Current() }
