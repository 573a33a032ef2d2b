//go:build desktop || dev || bindings

package window

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/auditdesk/auditdesk/app"
	"github.com/auditdesk/auditdesk/backend/cli"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// Open opens the window and returns when it is closed.
func Open(cfg Config) error {
	version := cfg.Version
	dir, err := settings.ResolveDir(cfg.DataFlag)
	if err != nil {
		return err
	}
	store, err := settings.Open(dir)
	if err != nil {
		return err
	}
	logFile, err := store.OpenLog()
	if err != nil {
		return err
	}
	defer func() { _ = logFile.Close() }()
	log := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))
	log.Info("auditdesk starting", "version", cli.VersionLine(version))
	log.Info("system", "os", runtime.GOOS, "arch", runtime.GOARCH, "pid", os.Getpid())
	log.Info("paths", "data", store.Dir(), "settings", store.SettingsPath(), "log", store.LogPath())

	a := app.New(version, store, log, app.Options{Demo: demoOptions()})
	width, height := app.InitialSize(store.Prefs().Window)
	r, g, b := app.Background(store.Prefs().Theme)
	err = wails.Run(&options.App{
		Title:            "AuditDesk",
		Width:            width,
		Height:           height,
		MinWidth:         app.MinWidth,
		MinHeight:        app.MinHeight,
		StartHidden:      true,
		BackgroundColour: &options.RGBA{R: r, G: g, B: b, A: 255},
		AssetServer:      &assetserver.Options{Assets: cfg.Assets, Handler: a.BootHandler()},
		OnStartup:        startup(a),
		OnDomReady:       a.DomReady,
		OnBeforeClose:    a.BeforeClose,
		OnShutdown:       a.Shutdown,
		Bind:             a.Bound(),
		EnumBind:         app.Enums(),
		ErrorFormatter:   app.FormatError,
		Logger:           app.WailsLogger{Log: log},
		LogLevel:         logger.INFO,
		Linux: &linux.Options{
			ProgramName:      "auditdesk",
			Icon:             cfg.Icon,
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
		// Files dropped on the window reach Go with their paths (App.Startup
		// hands them to the Import dialog). DisableWebViewDrop stays off:
		// in Wails v2.16.0 on Linux it unsets the web view as a GTK drop
		// target before Wails connects its own drop handlers, so no drop
		// would arrive at all, and the page would get no dragenter for its
		// drop overlay. The page cancels a file drop's default instead, so
		// WebKit never opens a dropped file in place of the app.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true},
	})
	if err != nil {
		log.Error("window failed", "err", err)
		return fmt.Errorf("open window: %w", err)
	}
	log.Info("auditdesk stopped")
	return nil
}

// startup is the app's Startup hook, run once the web view exists and
// before its page loads. WebKitGTK installs handlers for SIGSEGV, SIGBUS
// and SIGFPE without SA_ONSTACK when it makes the view; a signal on a Go
// thread then ends the process ("non-Go code set up signal handler without
// SA_ONSTACK flag") instead of reaching Go. Wails puts the flag back when
// the page has loaded; this does it at once (as wailsapp/wails#5542 does
// in Wails itself).
func startup(a *app.App) func(context.Context) {
	return func(ctx context.Context) {
		wailsruntime.ResetSignalHandlers()
		a.Startup(ctx)
	}
}

// demoOptions reads the demo's knobs: AUDITDESK_DEMO=off keeps a first
// launch from opening the demo; AUDITDESK_DEMO_EVENTS sizes its history;
// AUDITDESK_DEMO_SLOW (a duration) slows its server; AUDITDESK_DEMO_GATE,
// a named pipe, paces its pages, a byte written a page released, for tests
// of progress and Cancel that must not race the clock.
func demoOptions() app.DemoOptions {
	o := app.DemoOptions{Disabled: os.Getenv("AUDITDESK_DEMO") == "off"}
	if n, err := strconv.Atoi(os.Getenv("AUDITDESK_DEMO_EVENTS")); err == nil {
		o.Events = n
	}
	if d, err := time.ParseDuration(os.Getenv("AUDITDESK_DEMO_SLOW")); err == nil {
		o.Slow = d
	}
	if path := os.Getenv("AUDITDESK_DEMO_GATE"); path != "" {
		o.Gate = simulator.FileGate(path)
	}
	return o
}
