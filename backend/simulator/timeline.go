package simulator

import (
	"errors"
	"math"
	"math/bits"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The timeline. Event k (an absolute index, counted from the Unix epoch at
// the configured rate) sits at a virtual position that grows with k; the
// virtual clock runs faster in JST office hours and slower at night and at
// weekends, so the histogram looks like people at work. Because positions
// are absolute, a later start of the same Config shows the same events, with
// the same ids, shifted by the new ones that happened since.

const (
	hourMs   = int64(time.Hour / time.Millisecond)
	weekMs   = 168 * hourMs
	weekBase = 9*hourMs + 3*24*hourMs // UTC ms -> JST wall clock, weeks from Monday 00:00
	fracBits = 16
	maxK     = 1 << 46 // k<<fracBits stays in 63 bits
	lateMax  = int64(audit.IngestionDelay / time.Millisecond)
)

// rhythm is the virtual clock: the relative activity of each hour of a JST
// week. Spans of two weeks or more follow office hours; shorter ones (tests)
// are flat, so their history is as long as Span says.
type rhythm struct {
	weight [168]uint64
	cum    [169]uint64 // virtual units before each hour: sum of weight*hourMs
	week   uint64
	sum    uint64
}

var officeHours, flat = newRhythm(officeWeight), newRhythm(func(int, int) uint64 { return 1 })

// rhythmMinSpan is the shortest span that follows office hours.
const rhythmMinSpan = 14 * 24 * time.Hour

func officeWeight(day, hr int) uint64 {
	switch {
	case day >= 5: // weekend
		if hr >= 10 && hr <= 20 {
			return 2
		}
		return 1
	case hr < 7:
		return 1
	case hr < 9, hr >= 20:
		return 4
	case hr == 12, hr >= 18:
		return 7
	default:
		return 12
	}
}

func newRhythm(weight func(day, hr int) uint64) *rhythm {
	r := &rhythm{}
	for h := range 168 {
		w := weight(h/24, h%24)
		r.weight[h] = w
		r.sum += w
		r.cum[h+1] = r.cum[h] + w*uint64(hourMs)
	}
	r.week = r.cum[168]
	return r
}

// mix is the splitmix64 finalizer: a cheap, well-spread 64-bit hash.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Salts keep the hashes of one event independent of each other.
const (
	saltFrac = iota + 1
	saltMeta
	saltContent
	saltLate
	saltIDLow
	saltIDHigh
)

func (s *Server) hash(k int64, salt uint64) uint64 {
	return mix(s.seed*0x9e3779b97f4a7c15 ^ mix(uint64(k)+salt*0xd1b54a32d192ed03))
}

func (rh *rhythm) virtToMs(v uint64) int64 {
	week, r := v/rh.week, v%rh.week
	lo, hi := 0, 167 // the last hour with cum <= r
	for lo < hi {
		m := (lo + hi + 1) / 2
		if rh.cum[m] <= r {
			lo = m
		} else {
			hi = m - 1
		}
	}
	within := (r - rh.cum[lo]) / rh.weight[lo]
	return int64(week)*weekMs + int64(lo)*hourMs + int64(within) - weekBase
}

func (rh *rhythm) msToVirt(ms int64) uint64 {
	l := ms + weekBase
	week, p := l/weekMs, l%weekMs
	h := p / hourMs
	return uint64(week)*rh.week + rh.cum[h] + uint64(p%hourMs)*rh.weight[h]
}

// initTimeline places the window: the Events events whose last one is the
// newest at or before now.
func (s *Server) initTimeline(span time.Duration, now time.Time) error {
	spanMs := uint64(span / time.Millisecond)
	if spanMs > 1<<40 {
		return errors.New("simulator: span too long")
	}
	s.rhythm = flat
	if span >= rhythmMinSpan {
		s.rhythm = officeHours
	}
	// Virtual units per event, times 2^fracBits: posMul/posDiv.
	s.posMul = spanMs * s.rhythm.sum
	s.posDiv = 168 * uint64(s.n) << fracBits
	nowMs := now.UnixMilli()
	if nowMs <= 0 {
		return errors.New("simulator: clock before 1970")
	}
	hi, lo := bits.Mul64(s.rhythm.msToVirt(nowMs+1), s.posDiv)
	if hi >= s.posMul {
		return errors.New("simulator: too many events for so short a span")
	}
	q, _ := bits.Div64(hi, lo, s.posMul)
	k := int64(q >> fracBits)
	if k >= maxK-2 {
		return errors.New("simulator: too many events for so short a span")
	}
	for s.tMs(k+1) <= nowMs {
		k++
	}
	for k > 0 && s.tMs(k) > nowMs {
		k--
	}
	s.k0 = k - s.n + 1
	if s.k0 < 1 {
		return errors.New("simulator: span reaches before 1970")
	}
	return nil
}

// tMs is the timestamp of event k in Unix milliseconds; non-decreasing in k.
func (s *Server) tMs(k int64) int64 {
	x := uint64(k)<<fracBits | s.hash(k, saltFrac)&(1<<fracBits-1)
	hi, lo := bits.Mul64(x, s.posMul)
	v, _ := bits.Div64(hi, lo, s.posDiv)
	return s.rhythm.virtToMs(v)
}

// delayMs is event k's ingestion delay under LateEvents: mostly seconds,
// sometimes the full 15 minutes.
func (s *Server) delayMs(k int64) int64 {
	u := float64(s.hash(k, saltLate)>>11) / (1 << 53)
	return int64(u * u * u * float64(lateMax+1))
}

// firstAt returns the first index in [k0, k0+n] whose timestamp is >= ms.
func (s *Server) firstAt(ms int64) int64 {
	return s.firstAtIn(s.k0, s.k0+s.n, ms)
}

// firstAtIn returns the first index in [lo, hi] whose timestamp is >= ms,
// timestamps being ordered by index; hi if none before it is.
func (s *Server) firstAtIn(lo, hi, ms int64) int64 {
	for lo < hi {
		m := lo + (hi-lo)/2
		if s.tMs(m) < ms {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// bounds turns a query at now into the index range [lo, hi) that may hold
// visible events, and tail: from there on LateEvents can hide an event.
func (s *Server) bounds(q query, nowMs int64) (lo, hi, tail int64) {
	lo = s.k0
	if q.since != math.MinInt64 {
		lo = s.firstAt(q.since)
	}
	lo = max(lo, q.pos)
	end := min(q.until, nowMs+1)
	hi = s.firstAt(end)
	tail = s.firstAt(nowMs - lateMax + 1)
	return lo, hi, tail
}

// visible reports whether event k (known to be at or before now) can be
// seen at now.
func (s *Server) visible(k, nowMs, tail int64, late bool) bool {
	if !late || k < tail {
		return true
	}
	return s.tMs(k)+s.delayMs(k) <= nowMs
}

// meta is the part of an event that filtering needs: its action and, for
// Workspace and Service events, its workspace (else -1).
func (s *Server) meta(k int64) (act *action, ws int) {
	h := s.hash(k, saltMeta)
	act = &actions[actionTable[h&(actionTableSize-1)]]
	if !act.inWorkspace() {
		return act, -1
	}
	return act, int(s.world.wsTable[(h>>16)&(wsTableSize-1)])
}

// matches reports whether p may read event k and it passes the workspace
// filter ws (-1 for none).
func (s *Server) matches(p *person, ws int, k int64) bool {
	if p.role == audit.RoleOrganizationOwner && ws < 0 {
		return true
	}
	_, w := s.meta(k)
	if w < 0 || (ws >= 0 && w != ws) {
		return false
	}
	return p.role == audit.RoleOrganizationOwner || p.admin[w]
}

// rank is how many events before k share its millisecond: it orders ids
// within a millisecond the way indexes are ordered.
func (s *Server) rank(k, ms int64) uint64 {
	if k == 0 || s.tMs(k-1) < ms {
		return 0
	}
	// Gallop back to an index before the millisecond, then bisect.
	d := int64(2)
	for k-d > 0 && s.tMs(k-d) == ms {
		d *= 2
	}
	lo := s.firstAtIn(max(k-d, 0), k-1, ms) // tMs(k-1) == ms
	return uint64(k - lo)
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// appendID writes "evt_" and a ULID: 48 bits of milliseconds, then 40 bits
// that order events within the millisecond, then 40 random bits. Ids of
// distinct events differ; their string order is the (timestamp, index) order.
func (s *Server) appendID(dst []byte, k, ms int64) []byte {
	mid := s.hash(ms, saltIDHigh)>>25 + s.rank(k, ms) // < 2^40
	low := s.hash(k, saltIDLow) >> 24                 // 40 bits
	hi := uint64(ms)<<16 | mid>>24
	lo := mid<<40 | low
	dst = append(dst, "evt_"...)
	for j := range 26 {
		pos := uint((25 - j) * 5)
		var c uint64
		switch {
		case pos >= 64:
			c = hi >> (pos - 64)
		case pos+5 <= 64:
			c = lo >> pos
		default:
			c = lo>>pos | hi<<(64-pos)
		}
		dst = append(dst, crockford[c&31])
	}
	return dst
}
