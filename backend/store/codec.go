package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// An event value is
//
//	header byte: bits 0-2 scope code, bits 3-4 status code,
//	             bit 5 workspace present, bit 6 details present (non-nil),
//	             bit 7 reserved (0)
//	then uvarint-length-prefixed strings, in order:
//	  user, [scope if code 0], category, action, target, [status if code 0],
//	  description, [workspace id, workspace name], source ip, [details]
//
// Code 0 is the escape for a scope or status outside the known sets, so
// unknown values round-trip exactly. ID and Time live in the key. The
// decoder accepts only what the encoder produces (canonical varints, no
// escaped known values, no trailing bytes), so encode(decode(x)) == x.
const (
	scopeMask     = 0x07
	statusShift   = 3
	statusMask    = 0x03 << statusShift
	flagWorkspace = 1 << 5
	flagDetails   = 1 << 6
	flagReserved  = 1 << 7
)

var (
	scopeCodes  = [...]audit.Scope{1: audit.ScopeOrganization, 2: audit.ScopeBilling, 3: audit.ScopeWorkspace, 4: audit.ScopeService}
	statusCodes = [...]audit.Status{1: audit.StatusSuccess, 2: audit.StatusFailed}
)

// errBadValue is wrapped by every decoding error.
var errBadValue = errors.New("store: undecodable value")

func scopeCode(s audit.Scope) byte {
	for i := 1; i < len(scopeCodes); i++ {
		if scopeCodes[i] == s {
			return byte(i)
		}
	}
	return 0
}

func statusCode(s audit.Status) byte {
	for i := 1; i < len(statusCodes); i++ {
		if statusCodes[i] == s {
			return byte(i)
		}
	}
	return 0
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendEventValue appends the compact encoding of e (without ID and Time).
func appendEventValue(dst []byte, e *audit.Event) []byte {
	sc, st := scopeCode(e.Scope), statusCode(e.Status)
	h := sc | st<<statusShift
	if e.Workspace != nil {
		h |= flagWorkspace
	}
	if e.Details != nil {
		h |= flagDetails
	}
	dst = append(dst, h)
	dst = appendString(dst, e.User)
	if sc == 0 {
		dst = appendString(dst, string(e.Scope))
	}
	dst = appendString(dst, e.Category)
	dst = appendString(dst, e.Action)
	dst = appendString(dst, e.Target)
	if st == 0 {
		dst = appendString(dst, string(e.Status))
	}
	dst = appendString(dst, e.Description)
	if e.Workspace != nil {
		dst = appendString(dst, e.Workspace.ID)
		dst = appendString(dst, e.Workspace.Name)
	}
	dst = appendString(dst, e.SourceIP)
	if e.Details != nil {
		dst = binary.AppendUvarint(dst, uint64(len(e.Details)))
		dst = append(dst, e.Details...)
	}
	return dst
}

// valueReader walks an encoded value. Strings are cut from one string copy
// of the whole value, so decoding an event costs one allocation for all its
// text instead of one per field.
type valueReader struct {
	b   []byte
	s   string
	off int
	err error
}

func (r *valueReader) span() (int, int) {
	if r.err != nil {
		return 0, 0
	}
	n, w := binary.Uvarint(r.b[r.off:])
	switch {
	case w <= 0:
		r.err = fmt.Errorf("%w: bad length at byte %d", errBadValue, r.off)
	case w != uvarintLen(n):
		r.err = fmt.Errorf("%w: non-canonical length at byte %d", errBadValue, r.off)
	case n > uint64(len(r.b)-r.off-w):
		r.err = fmt.Errorf("%w: length %d past the end at byte %d", errBadValue, n, r.off)
	}
	if r.err != nil {
		return 0, 0
	}
	start := r.off + w
	r.off = start + int(n)
	return start, r.off
}

func (r *valueReader) str() string {
	a, b := r.span()
	return r.s[a:b]
}

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// decodeEventValue fills every field of e but ID and Time from v. Nothing in
// e aliases v.
func decodeEventValue(v []byte, e *audit.Event) error {
	if len(v) == 0 {
		return fmt.Errorf("%w: empty", errBadValue)
	}
	h := v[0]
	sc, st := h&scopeMask, (h&statusMask)>>statusShift
	if h&flagReserved != 0 || int(sc) >= len(scopeCodes) || int(st) >= len(statusCodes) {
		return fmt.Errorf("%w: bad header %#x", errBadValue, h)
	}
	r := valueReader{b: v, s: string(v), off: 1}
	e.User = r.str()
	e.Scope = scopeCodes[sc]
	if sc == 0 {
		e.Scope = audit.Scope(r.str())
		if r.err == nil && scopeCode(e.Scope) != 0 {
			return fmt.Errorf("%w: escaped known scope", errBadValue)
		}
	}
	e.Category = r.str()
	e.Action = r.str()
	e.Target = r.str()
	e.Status = statusCodes[st]
	if st == 0 {
		e.Status = audit.Status(r.str())
		if r.err == nil && statusCode(e.Status) != 0 {
			return fmt.Errorf("%w: escaped known status", errBadValue)
		}
	}
	e.Description = r.str()
	e.Workspace = nil
	if h&flagWorkspace != 0 {
		id := r.str()
		e.Workspace = &audit.Ref{ID: id, Name: r.str()}
	}
	e.SourceIP = r.str()
	e.Details = nil
	if h&flagDetails != 0 {
		a, b := r.span()
		if r.err == nil {
			e.Details = append(make([]byte, 0, b-a), v[a:b]...)
		}
	}
	if r.err != nil {
		return r.err
	}
	if r.off != len(v) {
		return fmt.Errorf("%w: %d trailing bytes", errBadValue, len(v)-r.off)
	}
	return nil
}

// checkpointVersion leads an encoded checkpoint, so its layout can change.
const checkpointVersion = 1

func appendTime(dst []byte, t time.Time) []byte {
	if t.IsZero() || !timeInRange(t) {
		return append(dst, 0)
	}
	dst = append(dst, 1)
	return binary.AppendVarint(dst, t.UnixNano())
}

func encodeCheckpoint(cp Checkpoint) []byte {
	b := []byte{checkpointVersion, 0}
	if cp.Complete {
		b[1] = 1
	}
	for _, t := range []time.Time{cp.WindowStart, cp.WindowEnd, cp.Newest, cp.SyncedAt, cp.RunStarted} {
		b = appendTime(b, t)
	}
	b = appendString(b, cp.Cursor)
	b = binary.AppendVarint(b, cp.Pages)
	return binary.AppendVarint(b, cp.Events)
}

func decodeCheckpoint(b []byte) (Checkpoint, error) {
	var cp Checkpoint
	bad := func(what string) (Checkpoint, error) {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint: %s", errBadValue, what)
	}
	if len(b) < 2 || b[0] != checkpointVersion || b[1] > 1 {
		return bad("bad header")
	}
	cp.Complete = b[1] == 1
	b = b[2:]
	varint := func() (int64, bool) {
		x, n := binary.Varint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return x, true
	}
	for _, t := range []*time.Time{&cp.WindowStart, &cp.WindowEnd, &cp.Newest, &cp.SyncedAt, &cp.RunStarted} {
		if len(b) == 0 || b[0] > 1 {
			return bad("bad time")
		}
		present := b[0] == 1
		b = b[1:]
		if present {
			ns, ok := varint()
			if !ok {
				return bad("bad time")
			}
			*t = time.Unix(0, ns).UTC()
		}
	}
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return bad("bad cursor")
	}
	cp.Cursor = string(b[w : w+int(n)])
	b = b[w+int(n):]
	var ok1, ok2 bool
	cp.Pages, ok1 = varint()
	cp.Events, ok2 = varint()
	if !ok1 || !ok2 || len(b) != 0 {
		return bad("bad counts")
	}
	return cp, nil
}

// counters is the 'n' record, rewritten by every commit that adds events.
type counters struct {
	events         int64
	oldest, newest uint64 // encoded times; meaningless while events == 0
}

func (c counters) encode() []byte {
	b := make([]byte, 0, 24)
	b = binary.BigEndian.AppendUint64(b, uint64(c.events))
	b = binary.BigEndian.AppendUint64(b, c.oldest)
	return binary.BigEndian.AppendUint64(b, c.newest)
}

func decodeCounters(b []byte) (counters, error) {
	if len(b) != 24 {
		return counters{}, fmt.Errorf("%w: counters of %d bytes", errBadValue, len(b))
	}
	return counters{
		events: int64(binary.BigEndian.Uint64(b)),
		oldest: binary.BigEndian.Uint64(b[8:]),
		newest: binary.BigEndian.Uint64(b[16:]),
	}, nil
}
