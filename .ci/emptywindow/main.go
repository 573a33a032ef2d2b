// Command emptywindow is the window's peer in make bench-e2e: the least a
// Wails v2 window can do on this machine. It opens a window with the
// options AuditDesk's has (hidden until the page loads, shown then,
// WebKitGTK without GPU), loads a page of one line whose script, once the
// window is shown, paints a frame and then makes one call to Go (as
// AuditDesk's page says it has painted its first rows), and exits when
// that call arrives. Its start to exit is the floor under the window's
// start to first rows: loading the WebKitGTK libraries, GTK, the web
// process, showing the window, one frame and one round trip, with no app
// in it.
//
//	go build -tags desktop,production,webkit2_41 -o emptywindow ./.ci/emptywindow
package main

import (
	"context"
	"embed"
	"fmt"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

//go:embed index.html
var assets embed.FS

// Probe is bound: the page calls Ready once it has painted a frame in
// the window shown.
type Probe struct{ ctx context.Context }

// Ready ends the process: the page painted and reached Go.
func (p *Probe) Ready() {
	fmt.Println("ready")
	os.Exit(0)
}

func main() {
	p := &Probe{}
	err := wails.Run(&options.App{
		Title:       "emptywindow",
		Width:       1280,
		Height:      800,
		StartHidden: true,
		AssetServer: &assetserver.Options{Assets: assets},
		OnStartup:   func(ctx context.Context) { p.ctx = ctx },
		OnDomReady:  func(ctx context.Context) { runtime.WindowShow(ctx) },
		Bind:        []any{p},
		Linux:       &linux.Options{WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "emptywindow:", err)
		os.Exit(1)
	}
}
