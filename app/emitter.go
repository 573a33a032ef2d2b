package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Emitter sends named events to the frontend. Jobs get one injected, so
// they never import the Wails runtime and tests pass a recording one.
// Progress reaches it through its job's one throttle (progress.Job).
type Emitter interface {
	Emit(name string, data any)
}

// RuntimeEmitter emits through the Wails runtime of a running window.
type RuntimeEmitter struct{ Ctx context.Context }

// Emit implements Emitter.
func (r RuntimeEmitter) Emit(name string, data any) { runtime.EventsEmit(r.Ctx, name, data) }
