// Package progress holds the throttle that long jobs (sync, export) report
// through, so a job can report every page or row while its listener hears
// at most a few updates a second and always hears the last one, and the
// Job that runs one of a kind at a time.
package progress

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Throttle passes values to a function at most once per interval. The first
// value goes through at once; later values within the interval are held,
// and the newest held one goes through when the interval ends, so the
// listener always ends on the latest value. Safe for concurrent use; the
// function is never called concurrently with itself.
type Throttle[T any] struct {
	fn    func(T)
	every time.Duration

	mu      sync.Mutex
	last    time.Time // when fn last ran
	pending *T
	timer   *time.Timer
	stopped bool

	call sync.Mutex // serialises fn
}

// NewThrottle returns a Throttle that calls fn at most once per every.
func NewThrottle[T any](every time.Duration, fn func(T)) *Throttle[T] {
	return &Throttle[T]{fn: fn, every: every}
}

// Report offers v. It is delivered now, or held until the interval ends,
// replacing any value held before it.
func (t *Throttle[T]) Report(v T) {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	wait := t.every - time.Since(t.last)
	if wait <= 0 && t.pending == nil {
		t.last = time.Now()
		t.call.Lock() // taken before mu is released, so deliveries keep their order
		t.mu.Unlock()
		defer t.call.Unlock()
		t.fn(v)
		return
	}
	t.pending = &v
	if t.timer == nil {
		t.timer = time.AfterFunc(max(wait, 0), t.fire)
	}
	t.mu.Unlock()
}

func (t *Throttle[T]) fire() {
	t.mu.Lock()
	t.timer = nil
	t.deliverLocked()
}

// deliverLocked is called with mu held and releases it.
func (t *Throttle[T]) deliverLocked() {
	v := t.pending
	t.pending = nil
	if v == nil || t.stopped {
		t.mu.Unlock()
		return
	}
	t.last = time.Now()
	t.call.Lock()
	t.mu.Unlock()
	defer t.call.Unlock()
	t.fn(*v)
}

// Flush delivers a held value at once. Call it when the job ends, so the
// listener sees the final figures without waiting for the interval.
func (t *Throttle[T]) Flush() {
	t.mu.Lock()
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.deliverLocked()
}

// Stop drops any held value and delivers nothing more.
func (t *Throttle[T]) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	t.pending = nil
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

// ErrBusy is a job started while one of its kind runs.
var ErrBusy = errors.New("another job is already running; wait for it or cancel it")

// Job is one kind of long work (a sync, an export, an import) of which one
// runs at a time: it knows whether one runs, cancels it, and passes its
// progress to a listener through one Throttle, flushed when the run ends.
// The zero value is ready; it is safe for concurrent use.
type Job[P any] struct {
	mu     sync.Mutex
	cancel context.CancelFunc
}

// Run is one run of a Job.
type Run[P any] struct {
	// Ctx ends when the run is cancelled or ended.
	Ctx      context.Context
	job      *Job[P]
	cancel   context.CancelFunc
	throttle *Throttle[P]
}

// Start begins a run whose progress reaches listen at most once per every,
// always ending on the last; ErrBusy when a run is under way. The caller
// ends it with End.
func (j *Job[P]) Start(every time.Duration, listen func(P)) (*Run[P], error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cancel != nil {
		return nil, ErrBusy
	}
	ctx, cancel := context.WithCancel(context.Background())
	j.cancel = cancel
	return &Run[P]{Ctx: ctx, job: j, cancel: cancel, throttle: NewThrottle(every, listen)}, nil
}

// Running reports whether a run is under way.
func (j *Job[P]) Running() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.cancel != nil
}

// Cancel cancels the run under way, if any.
func (j *Job[P]) Cancel() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cancel != nil {
		j.cancel()
	}
}

// Report passes p on, throttled.
func (r *Run[P]) Report(p P) { r.throttle.Report(p) }

// Flush delivers the progress held now, as at a step the listener must see
// at once (the index taking a sync's events in).
func (r *Run[P]) Flush() { r.throttle.Flush() }

// End delivers the last progress held and frees the job for the next run.
func (r *Run[P]) End() {
	r.throttle.Flush()
	r.job.mu.Lock()
	r.job.cancel = nil
	r.job.mu.Unlock()
	r.cancel()
}
