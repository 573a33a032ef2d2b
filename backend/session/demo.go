package session

import (
	"context"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/simulator"
)

// DemoURL is the demo profile's API URL. The simulator listens on a new
// loopback port at each launch; the profile stays one.
const DemoURL = "demo://simulator"

// DemoOptions configure the demo platform.
type DemoOptions struct {
	Disabled bool          // do not open the demo by itself on a first launch
	Events   int           // events in the demo's history; default 50,000
	Slow     time.Duration // added latency per request
	// Gate paces the demo's pages (simulator.Config.Gate): tests that watch
	// a sync's progress and Cancel it release its pages one by one.
	Gate <-chan struct{}
}

// Demo is the simulated platform behind the demo profile, started on first
// use and stopped by Close.
type Demo struct {
	Options DemoOptions

	mu      sync.Mutex
	running *simulator.Running
}

// NewDemo returns the demo platform, not started yet.
func NewDemo(o DemoOptions) *Demo {
	if o.Events <= 0 {
		o.Events = 50_000
	}
	return &Demo{Options: o}
}

// Request starts the simulator if needed and returns the sync request for
// the demo profile. The simulator's events are a function of their place on
// a timeline counted from 1970, so every launch serves the same events
// under the same ids, and later launches newer ones too.
func (d *Demo) Request() (SyncRequest, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.running == nil {
		r, err := simulator.Start(context.Background(), "127.0.0.1:0", simulator.Config{
			Events: d.Options.Events,
			Seed:   1,
			Faults: simulator.Faults{Slow: d.Options.Slow},
			Gate:   d.Options.Gate,
		})
		if err != nil {
			return SyncRequest{}, err
		}
		d.running = r
	}
	return SyncRequest{
		APIURL:    DemoURL,
		ClientURL: d.running.URL,
		Token:     d.running.Server.Tokens().Owner,
		Demo:      true,
		PageSize:  500,
	}, nil
}

// Close stops the simulator.
func (d *Demo) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.running != nil {
		_ = d.running.Close()
		d.running = nil
	}
}
