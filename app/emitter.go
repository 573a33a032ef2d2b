package app

import (
	"context"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/auditdesk/auditdesk/backend/progress"
)

// Emitter sends named events to the frontend. Jobs get one injected, so
// they never import the Wails runtime and tests pass a recording one.
type Emitter interface {
	Emit(name string, data any)
}

// RuntimeEmitter emits through the Wails runtime of a running window.
type RuntimeEmitter struct{ Ctx context.Context }

// Emit implements Emitter.
func (r RuntimeEmitter) Emit(name string, data any) { runtime.EventsEmit(r.Ctx, name, data) }

// ThrottledEmitter passes each event name through at most once per
// interval, always ending on the newest payload, so a job may report every
// page without flooding the UI.
type ThrottledEmitter struct {
	next  Emitter
	every time.Duration

	mu    sync.Mutex
	names map[string]*progress.Throttle[any]
}

// NewThrottledEmitter wraps next.
func NewThrottledEmitter(next Emitter, every time.Duration) *ThrottledEmitter {
	return &ThrottledEmitter{next: next, every: every, names: map[string]*progress.Throttle[any]{}}
}

// Emit implements Emitter.
func (t *ThrottledEmitter) Emit(name string, data any) {
	t.mu.Lock()
	th, ok := t.names[name]
	if !ok {
		th = progress.NewThrottle(t.every, func(v any) { t.next.Emit(name, v) })
		t.names[name] = th
	}
	t.mu.Unlock()
	th.Report(data)
}

// Flush delivers every held event now; call it when a job ends.
func (t *ThrottledEmitter) Flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, th := range t.names {
		th.Flush()
	}
}
