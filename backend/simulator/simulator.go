// Package simulator is the demo platform: it serves the Audit Log API
// (shared/api) on loopback, over events it computes from (seed, index)
// instead of storing them, so a million events cost no memory. Faults that a
// real platform shows (rate limits, 5xx, dropped connections, expired
// cursors, duplicates, short pages, late events) can be switched on while it
// serves; they never change the data, only how it is delivered.
package simulator

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Defaults of Config.
const (
	DefaultEvents     = 20000
	DefaultSeed       = 1
	DefaultSpan       = 396 * 24 * time.Hour // ~13 months: beyond the platform's 12-month retention
	DefaultRetryAfter = time.Second
	DefaultCursorTTL  = 10 * time.Minute
	// MaxEvents bounds Config.Events so index arithmetic stays in 64 bits.
	MaxEvents = 1 << 30
)

// Config sets up a simulated platform. The zero value is a usable demo.
type Config struct {
	Events int           // total events over the whole span (default 20000)
	Seed   int64         // same seed (and clock) => byte-identical data (0 means 1)
	Span   time.Duration // history length ending at the clock's now at New (default ~13 months)
	Clock  func() time.Time
	Faults Faults
	// RetryAfter is sent in Retry-After, rounded up to whole seconds. 0 means
	// the default 1s; a negative value sends "0" (tests that must not wait).
	RetryAfter time.Duration
	CursorTTL  time.Duration // default 10m
	// Epoch is one life of the server. Cursors are signed with it, so a
	// server built again with another Epoch no longer knows the cursors of
	// the one before (400 invalid_request), as a real server after a deploy
	// or a failover. Events do not depend on it. The same Epoch (0 by
	// default) keeps accepting them.
	Epoch uint64
	// Gate, when set, holds each request for a page of audit logs until it
	// receives from Gate, and a closed Gate holds none: a test that watches
	// a sync's progress releases its pages one by one instead of racing
	// the clock (see FileGate).
	Gate <-chan struct{}
	// Rich gives every event a details object, as a real platform's
	// events carry (about 490 bytes of JSON an event on average, against
	// about 400 without): for benchmarks that must read and store as much
	// as a real server sends (make bench-e2e).
	Rich bool
}

// Faults are how the simulated platform misbehaves. Probabilities are per
// request, drawn from an RNG seeded by Config.Seed.
type Faults struct {
	RateLimit      float64 // 429 rate_limited with Retry-After
	ServerError    float64 // 500, 502, 503 (sometimes with Retry-After) or 504
	DropConnection float64 // status and part of the body, then the connection closes
	ExpireCursor   float64 // a valid cursor answered with 410 cursor_expired
	Duplicates     float64 // a page repeats events, or the next page restarts a few back
	ShortPages     bool    // pages shorter than the limit although more follow
	LateEvents     bool    // an event becomes visible at timestamp + a per-event delay in [0, 15m]
	Slow           time.Duration
}

// AllFaults turns every fault on at a moderate rate.
func AllFaults() Faults {
	return Faults{
		RateLimit:      0.10,
		ServerError:    0.10,
		DropConnection: 0.05,
		ExpireCursor:   0.05,
		Duplicates:     0.10,
		ShortPages:     true,
		LateEvents:     true,
	}
}

// Tokens are the bearer tokens of the three people the simulator knows.
type Tokens struct {
	Owner          string // ORGANIZATION_OWNER: every event
	WorkspaceAdmin string // WORKSPACE_ADMIN of 2-3 workspaces
	Member         string // WORKSPACE_MEMBER: 403 on the audit log
}

// Stats counts what the server did. EventsServed counts events in pages
// that were written whole, duplicates included.
type Stats struct {
	Requests       int64
	Pages          int64
	EventsServed   int64
	RateLimited    int64
	ServerErrors   int64
	Dropped        int64
	ExpiredByFault int64 // cursors answered 410 by the ExpireCursor fault
	ExpiredByClock int64 // cursors older than CursorTTL
	Duplicates     int64 // events served again on purpose
	ShortPages     int64
	Held           int64 // requests waiting at the Gate now
}

type counters struct {
	requests, pages, events, rateLimited, serverErrors, dropped atomic.Int64
	expiredFault, expiredClock, duplicates, shortPages          atomic.Int64
	held                                                        atomic.Int64
}

// Server is one simulated platform. All methods are safe for concurrent use.
type Server struct {
	seed       uint64
	n          int64
	k0         int64 // absolute index of event 0
	posMul     uint64
	posDiv     uint64
	rhythm     *rhythm
	clock      func() time.Time
	retryAfter string
	cursorTTL  time.Duration
	macKey     [32]byte

	world *world
	gate  <-chan struct{}
	rich  bool

	faults atomic.Pointer[Faults]
	rngMu  sync.Mutex
	rng    *rand.Rand

	stats counters
	pool  sync.Pool
}

// New builds the platform. It does no per-event work: the cost is the
// world of users and workspaces.
func New(cfg Config) (*Server, error) {
	if cfg.Events < 0 || cfg.Events > MaxEvents {
		return nil, fmt.Errorf("simulator: events %d out of range [0, %d]", cfg.Events, MaxEvents)
	}
	if cfg.Events == 0 {
		cfg.Events = DefaultEvents
	}
	if cfg.Seed == 0 {
		cfg.Seed = DefaultSeed
	}
	if cfg.Span < 0 || cfg.CursorTTL < 0 {
		return nil, errors.New("simulator: negative span or cursor TTL")
	}
	if cfg.Span == 0 {
		cfg.Span = DefaultSpan
	}
	if cfg.Span < time.Millisecond {
		return nil, errors.New("simulator: span under a millisecond")
	}
	if cfg.CursorTTL == 0 {
		cfg.CursorTTL = DefaultCursorTTL
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if err := checkFaults(cfg.Faults); err != nil {
		return nil, err
	}
	s := &Server{
		seed:       uint64(cfg.Seed),
		n:          int64(cfg.Events),
		clock:      cfg.Clock,
		retryAfter: retryAfterHeader(cfg.RetryAfter),
		cursorTTL:  cfg.CursorTTL,
		rng:        rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed_fa17)),
		gate:       cfg.Gate,
		rich:       cfg.Rich,
	}
	f := cfg.Faults
	s.faults.Store(&f)
	if err := s.initTimeline(cfg.Span, cfg.Clock()); err != nil {
		return nil, err
	}
	s.world = newWorld(s.seed)
	// The cursor key covers the window too, so a cursor of another world
	// (same seed, other size or start) or of another life is unknown, not
	// silently wrong.
	key := mix(s.seed^0xc0ffee) ^ mix(uint64(s.k0)) ^ mix(uint64(s.n)<<1) ^ mix(cfg.Epoch^0xe90c4)
	for i := range s.macKey {
		key = mix(key + uint64(i))
		s.macKey[i] = byte(key)
	}
	return s, nil
}

func checkFaults(f Faults) error {
	for _, p := range []float64{f.RateLimit, f.ServerError, f.DropConnection, f.ExpireCursor, f.Duplicates} {
		if !(p >= 0 && p <= 1) {
			return fmt.Errorf("simulator: fault probability %v outside [0, 1]", p)
		}
	}
	if f.Slow < 0 {
		return errors.New("simulator: negative Slow")
	}
	return nil
}

func retryAfterHeader(d time.Duration) string {
	switch {
	case d < 0:
		return "0"
	case d == 0:
		d = DefaultRetryAfter
	}
	return fmt.Sprint(int64(math.Ceil(d.Seconds())))
}

// SetFaults switches faults while serving. Probabilities are clamped to
// [0, 1] and a negative Slow counts as none.
func (s *Server) SetFaults(f Faults) {
	for _, p := range []*float64{&f.RateLimit, &f.ServerError, &f.DropConnection, &f.ExpireCursor, &f.Duplicates} {
		if !(*p > 0) { // also NaN
			*p = 0
		}
		*p = min(*p, 1)
	}
	f.Slow = max(f.Slow, 0)
	s.faults.Store(&f)
}

// Faults returns the faults in force.
func (s *Server) Faults() Faults { return *s.faults.Load() }

// Tokens returns the bearer tokens of the owner, the workspace admin and the
// member.
func (s *Server) Tokens() Tokens {
	w := s.world
	return Tokens{Owner: w.people[0].token, WorkspaceAdmin: w.people[1].token, Member: w.people[2].token}
}

// Identity is what GET /v1/me answers for token.
func (s *Server) Identity(token string) (audit.Identity, bool) {
	p := s.world.person(token)
	if p == nil {
		return audit.Identity{}, false
	}
	return s.world.identity(p), true
}

// Workspaces lists every workspace of the organization.
func (s *Server) Workspaces() []audit.Ref {
	return append([]audit.Ref(nil), s.world.wsRefs...)
}

// Len is the number of events over the whole span, visible or not.
func (s *Server) Len() int { return int(s.n) }

// EventAt returns event i of the span, 0 <= i < Len(), in (timestamp, id)
// order. It panics when i is out of range, as a slice would.
func (s *Server) EventAt(i int) audit.Event {
	if i < 0 || int64(i) >= s.n {
		panic(fmt.Sprintf("simulator: EventAt(%d) out of range [0, %d)", i, s.n))
	}
	var r record
	s.generate(s.k0+int64(i), &r)
	return r.event(s.world)
}

// Visible is the ground truth a finished sync must equal: every event token
// may read that is visible at now (with the LateEvents fault in force), in
// (timestamp, id) order. Nil for a token that may not read the audit log.
func (s *Server) Visible(token string, now time.Time) []audit.Event {
	p := s.world.person(token)
	if p == nil || p.role == audit.RoleWorkspaceMember {
		return nil
	}
	late := s.Faults().LateEvents
	nowMs := now.UnixMilli()
	q := query{since: math.MinInt64, until: math.MaxInt64, ws: -1}
	lo, hi, tail := s.bounds(q, nowMs)
	var out []audit.Event
	var r record
	for k := lo; k < hi; k++ {
		if !s.matches(p, q.ws, k) || !s.visible(k, nowMs, tail, late) {
			continue
		}
		s.generate(k, &r)
		out = append(out, r.event(s.world))
	}
	return out
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		Requests:       c.requests.Load(),
		Pages:          c.pages.Load(),
		EventsServed:   c.events.Load(),
		RateLimited:    c.rateLimited.Load(),
		ServerErrors:   c.serverErrors.Load(),
		Dropped:        c.dropped.Load(),
		ExpiredByFault: c.expiredFault.Load(),
		ExpiredByClock: c.expiredClock.Load(),
		Duplicates:     c.duplicates.Load(),
		ShortPages:     c.shortPages.Load(),
		Held:           c.held.Load(),
	}
}

// roll draws from the fault RNG: true with probability p.
func (s *Server) roll(p float64) bool {
	if p <= 0 {
		return false
	}
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Float64() < p
}

// intn draws from the fault RNG in [0, n).
func (s *Server) intn(n int) int {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.IntN(n)
}
