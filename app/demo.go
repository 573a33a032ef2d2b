package app

import (
	"context"
	"sync"
	"time"

	"github.com/auditdesk/auditdesk/backend/session"
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

// demo is the simulated platform behind the demo profile, started on first
// use and stopped at shutdown.
type demo struct {
	opts DemoOptions

	mu      sync.Mutex
	running *simulator.Running
}

func newDemo(o DemoOptions) *demo {
	if o.Events <= 0 {
		o.Events = 50_000
	}
	return &demo{opts: o}
}

// request starts the simulator if needed and returns the sync request for
// the demo profile. The simulator's events are a function of their place on
// a timeline counted from 1970, so every launch serves the same events
// under the same ids, and later launches newer ones too.
func (d *demo) request() (session.SyncRequest, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.running == nil {
		r, err := simulator.Start(context.Background(), "127.0.0.1:0", simulator.Config{
			Events: d.opts.Events,
			Seed:   1,
			Faults: simulator.Faults{Slow: d.opts.Slow},
			Gate:   d.opts.Gate,
		})
		if err != nil {
			return session.SyncRequest{}, err
		}
		d.running = r
	}
	return session.SyncRequest{
		APIURL:    DemoURL,
		ClientURL: d.running.URL,
		Token:     d.running.Server.Tokens().Owner,
		Demo:      true,
		PageSize:  500,
	}, nil
}

func (d *demo) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.running != nil {
		_ = d.running.Close()
		d.running = nil
	}
}
