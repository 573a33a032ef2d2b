package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/auditdesk/auditdesk/backend/settings"
)

// Window sizes: the default, and the bounds a remembered size is held to.
const (
	DefaultWidth  = 1280
	DefaultHeight = 820
	MinWidth      = 960
	MinHeight     = 600
	maxDimension  = 16384
)

// windowRuntime is the part of the Wails runtime the window's geometry
// uses; tests give a recording one, the app the real one.
type windowRuntime interface {
	Size() (w, h int)
	Position() (x, y int)
	IsMaximised() bool
	SetPosition(x, y int)
	Maximise()
	Show()
}

// dialogRuntime is the native dialogs' part of the runtime.
type dialogRuntime interface {
	SaveFile(runtime.SaveDialogOptions) (string, error)
	OpenFiles(runtime.OpenDialogOptions) ([]string, error)
}

type wailsWindow struct{ ctx context.Context }

func (w wailsWindow) SaveFile(o runtime.SaveDialogOptions) (string, error) {
	return runtime.SaveFileDialog(w.ctx, o)
}

func (w wailsWindow) OpenFiles(o runtime.OpenDialogOptions) ([]string, error) {
	return runtime.OpenMultipleFilesDialog(w.ctx, o)
}

func (w wailsWindow) Size() (int, int)     { return runtime.WindowGetSize(w.ctx) }
func (w wailsWindow) Position() (int, int) { return runtime.WindowGetPosition(w.ctx) }
func (w wailsWindow) IsMaximised() bool    { return runtime.WindowIsMaximised(w.ctx) }
func (w wailsWindow) SetPosition(x, y int) { runtime.WindowSetPosition(w.ctx, x, y) }
func (w wailsWindow) Maximise()            { runtime.WindowMaximise(w.ctx) }
func (w wailsWindow) Show()                { runtime.WindowShow(w.ctx) }

// InitialSize is the size to open the window at: the remembered one when it
// is sane, else the default.
func InitialSize(p settings.Window) (w, h int) {
	w, h = p.Width, p.Height
	if w < MinWidth || w > maxDimension || h < MinHeight || h > maxDimension {
		return DefaultWidth, DefaultHeight
	}
	return w, h
}

// DomReady is the Wails OnDomReady hook. The window starts hidden; it is
// placed where it was and shown only now that the page has loaded, in
// its background colour (Background), so the user never sees a flash.
func (a *App) DomReady(context.Context) { a.showWindow() }

// Background is the window's colour before its page paints: the theme's
// background (app.css --bg), so that opening never flashes another colour.
// The system's theme is read by the page; until then it is the light one.
func Background(theme string) (r, g, b uint8) {
	if Theme(theme) == ThemeDark {
		return 0x1c, 0x1e, 0x22
	}
	return 0xf6, 0xf7, 0xf9
}

// showWindow places the window where it was and shows it.
func (a *App) showWindow() {
	p := a.store.Prefs().Window
	if p.Placed && p.X > -maxDimension && p.X < maxDimension && p.Y > -maxDimension && p.Y < maxDimension {
		a.win.SetPosition(p.X, p.Y)
	}
	if p.Maximised {
		a.win.Maximise()
	}
	a.win.Show()
	a.log.Info("window shown")
}

// BeforeClose is the Wails OnBeforeClose hook: it remembers the window's
// geometry. It never prevents closing.
func (a *App) BeforeClose(context.Context) bool {
	a.saveGeometry()
	return false
}

func (a *App) saveGeometry() {
	if a.win == nil {
		return
	}
	maximised := a.win.IsMaximised()
	w, h := a.win.Size()
	x, y := a.win.Position()
	err := a.store.Update(func(p *settings.Prefs) {
		p.Window.Maximised = maximised
		if maximised {
			return // keep the normal size and place for when it is restored
		}
		p.Window.Width, p.Window.Height = w, h
		p.Window.X, p.Window.Y, p.Window.Placed = x, y, true
	})
	if err != nil {
		a.log.Error("save window geometry", "err", err)
		return
	}
	a.log.Info("window geometry saved", "width", w, "height", h, "x", x, "y", y, "maximised", maximised)
}
