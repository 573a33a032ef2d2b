// Command auditdesk is the desktop app for reviewing an organization's
// audit log. With a subcommand it runs headless (see shared/cli.md);
// without one it opens the window.
//
// It is built twice (the Makefile's build): auditdesk, pure Go, for the
// command line and scripts, which hands the window to its sibling; and
// auditdesk-window, linked with GTK and WebKitGTK, which opens it (see
// app/window).
package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // --tz and the window's zones work where the OS has no zoneinfo

	"github.com/auditdesk/auditdesk/app/window"
	"github.com/auditdesk/auditdesk/backend/cli"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(settings.SoftMemoryLimit)
	}
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	env := cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Version: version}
	if cli.IsSubcommand(args) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return cli.Run(ctx, args, env)
	}
	dataFlag, code, ok := cli.WindowFlags(args, env)
	if !ok {
		return code
	}
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		fmt.Fprintf(os.Stderr, "auditdesk: %v\n", err)
		return cli.ExitError
	}
	cfg := window.Config{Version: version, DataFlag: dataFlag, Args: args, Assets: dist, Icon: icon}
	if err := window.Open(cfg); err != nil {
		fmt.Fprintf(os.Stderr, "auditdesk: %v\n", err)
		return cli.ExitError
	}
	return cli.ExitOK
}
