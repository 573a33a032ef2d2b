package simulator

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Paging limits of the contract.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// scanBudget bounds the indexes one request may look at, so a narrow filter
// over a long span cannot make one page slow; the page then ends early with
// a cursor, as the contract allows.
const scanBudget = 1 << 21

// totalBudget bounds the indexes counted for `total`; above it the first
// page leaves `total` out (it is optional).
const totalBudget = 4 << 20

// pageBuf is the scratch of one request, pooled.
type pageBuf struct {
	b   []byte
	ks  []int64
	rec record
}

// Handler serves GET /v1/me and GET /v1/audit-logs.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	f := s.Faults()
	if f.Slow > 0 {
		t := time.NewTimer(f.Slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	path := r.URL.Path
	if s.gate != nil && path == "/v1/audit-logs" && !s.pass(r) {
		return // a cancelled request takes no page from the gate
	}
	if path != "/v1/me" && path != "/v1/audit-logs" {
		s.writeError(w, http.StatusNotFound, "not_found", "no such path: "+path)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.writeError(w, http.StatusMethodNotAllowed, "invalid_request", "method "+r.Method+" not allowed")
		return
	}
	p, msg := s.authenticate(r)
	if p == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="audit"`)
		s.writeError(w, http.StatusUnauthorized, "unauthenticated", msg)
		return
	}
	if s.roll(f.RateLimit) {
		s.stats.rateLimited.Add(1)
		w.Header().Set("Retry-After", s.retryAfter)
		s.writeError(w, http.StatusTooManyRequests, "rate_limited", "too many requests; retry after "+s.retryAfter+"s")
		return
	}
	if s.roll(f.ServerError) {
		s.serverError(w)
		return
	}
	pb := s.getBuf()
	defer s.putBuf(pb)
	if path == "/v1/me" {
		pb.b = appendIdentity(pb.b[:0], s.world.identity(p))
		pb.b = append(pb.b, '\n')
		s.writeBody(w, pb.b, f, false, 0)
		return
	}
	s.list(w, r, p, f, pb)
}

// pass waits at the gate; false when the request was cancelled first.
func (s *Server) pass(r *http.Request) bool {
	s.stats.held.Add(1)
	defer s.stats.held.Add(-1)
	select {
	case <-s.gate:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) authenticate(r *http.Request) (*person, string) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, "missing bearer token"
	}
	p := s.world.person(strings.TrimSpace(tok))
	if p == nil {
		return nil, "unknown or expired token"
	}
	return p, ""
}

func (s *Server) serverError(w http.ResponseWriter) {
	s.stats.serverErrors.Add(1)
	switch s.intn(4) {
	case 0:
		s.writeError(w, http.StatusInternalServerError, "internal", "internal error")
	case 1:
		s.writeError(w, http.StatusBadGateway, "unavailable", "bad gateway")
	case 2:
		if s.intn(2) == 0 {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		s.writeError(w, http.StatusServiceUnavailable, "unavailable", "service unavailable, try again")
	default:
		s.writeError(w, http.StatusGatewayTimeout, "unavailable", "gateway timeout")
	}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, p *person, f Faults, pb *pageBuf) {
	if p.role == audit.RoleWorkspaceMember {
		s.writeError(w, http.StatusForbidden, "forbidden", "a workspace member may not read the audit log")
		return
	}
	params := r.URL.Query()
	limit := DefaultLimit
	if v := params.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			s.writeError(w, http.StatusBadRequest, "invalid_request", "limit must be an integer from 1 to 1000")
			return
		}
		limit = n
	}
	nowMs := s.clock().UnixMilli()
	q := query{since: math.MinInt64, until: math.MaxInt64, ws: -1}
	first := true
	if c := params.Get("cursor"); c != "" {
		var err error
		if q, err = s.decodeCursor(c); err != nil {
			// A cursor of another life fails its MAC like a garbled one.
			s.writeError(w, http.StatusBadRequest, "invalid_request", "unknown or malformed cursor")
			return
		}
		first = false
		if nowMs-q.issued > s.cursorTTL.Milliseconds() {
			s.stats.expiredClock.Add(1)
			s.writeError(w, http.StatusGone, "cursor_expired", "cursor expired; restart the query")
			return
		}
		if s.roll(f.ExpireCursor) {
			s.stats.expiredFault.Add(1)
			s.writeError(w, http.StatusGone, "cursor_expired", "cursor expired; restart the query")
			return
		}
	} else {
		for _, b := range []struct {
			name string
			dst  *int64
		}{{"since", &q.since}, {"until", &q.until}} {
			v := params.Get(b.name)
			if v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				s.writeError(w, http.StatusBadRequest, "invalid_request", b.name+" must be an RFC 3339 time")
				return
			}
			*b.dst = ceilMs(t)
		}
		if q.since != math.MinInt64 && q.until != math.MaxInt64 && q.since > q.until {
			s.writeError(w, http.StatusBadRequest, "invalid_request", "since is after until")
			return
		}
		if v := params.Get("workspace_id"); v != "" {
			if q.ws = s.world.workspaceIndex(v); q.ws < 0 {
				s.writeError(w, http.StatusNotFound, "not_found", "no workspace "+v)
				return
			}
		}
	}
	if q.ws >= 0 && p.role != audit.RoleOrganizationOwner && !p.admin[q.ws] {
		s.writeError(w, http.StatusForbidden, "forbidden", "not an admin of workspace "+s.world.wsRefs[q.ws].ID)
		return
	}
	s.page(w, p, f, pb, q, limit, nowMs, first)
}

// ceilMs is the first whole millisecond at or after t.
func ceilMs(t time.Time) int64 {
	ms := t.Unix()*1000 + int64(t.Nanosecond()/1e6)
	if t.Nanosecond()%1e6 != 0 {
		ms++
	}
	return ms
}

func (s *Server) page(w http.ResponseWriter, p *person, f Faults, pb *pageBuf, q query, limit int, nowMs int64, first bool) {
	lo, hi, tail := s.bounds(q, nowMs)
	match := func(k int64) bool {
		return s.matches(p, q.ws, k) && s.visible(k, nowMs, tail, f.LateEvents)
	}

	want := limit
	short := false
	if f.ShortPages && limit > 1 && s.roll(0.5) {
		want, short = 1+s.intn(limit-1), true
	}
	ks := pb.ks[:0]
	k, scanned := lo, 0
	for ; k < hi && len(ks) < want && scanned < scanBudget; k++ {
		scanned++
		if match(k) {
			ks = append(ks, k)
		}
	}
	// Look ahead, so next_cursor is null exactly when nothing follows.
	more := false
	for ; k < hi; k++ {
		if scanned >= scanBudget || match(k) {
			more = true
			break
		}
		scanned++
	}
	next := k

	dup := -1 // index in ks of an event written twice
	if len(ks) > 0 && s.roll(f.Duplicates) {
		switch {
		case more && len(ks) >= 2 && s.intn(2) == 0:
			// The next page starts a few events back.
			d := 1 + s.intn(min(3, len(ks)-1))
			next = ks[len(ks)-d]
			s.stats.duplicates.Add(int64(d))
		case len(ks) < limit:
			dup = s.intn(len(ks))
		case len(ks) >= 2:
			// Keep the page within limit: hand the last event to the next page.
			next, more = ks[len(ks)-1], true
			ks = ks[:len(ks)-1]
			dup = s.intn(len(ks))
		}
		if dup >= 0 {
			s.stats.duplicates.Add(1)
		}
	}
	if short && more && len(ks) < limit {
		s.stats.shortPages.Add(1)
	}

	b := append(pb.b[:0], `{"events":[`...)
	for i, k := range ks {
		if i > 0 {
			b = append(b, ',')
		}
		s.generate(k, &pb.rec)
		start := len(b)
		b = appendEvent(b, &pb.rec, s.world)
		if i == dup {
			b = append(b, ',')
			b = append(b, b[start:len(b)-1]...)
		}
	}
	b = append(b, `],"next_cursor":`...)
	if more {
		q.pos, q.issued = next, nowMs
		b = append(b, '"')
		b = append(b, s.encodeCursor(q)...)
		b = append(b, '"')
	} else {
		b = append(b, "null"...)
	}
	if first {
		if total, ok := s.total(p, f, q, lo, hi, tail, nowMs); ok {
			b = append(b, `,"total":`...)
			b = strconv.AppendInt(b, total, 10)
		}
	}
	b = append(b, "}\n"...)
	pb.b, pb.ks = b, ks
	n := len(ks)
	if dup >= 0 {
		n++
	}
	s.writeBody(w, b, f, true, n)
}

// total counts the window's visible events. It is left out for one query
// in ten (decided by the query, so it is stable) and when counting would
// cost too much: a client must not depend on it.
func (s *Server) total(p *person, f Faults, q query, lo, hi, tail, nowMs int64) (int64, bool) {
	if mix(s.seed^uint64(q.since)^mix(uint64(q.until)^uint64(q.ws+7)))%10 == 0 {
		return 0, false
	}
	var n int64
	if p.role == audit.RoleOrganizationOwner && q.ws < 0 {
		n = hi - lo
		if f.LateEvents {
			for k := max(lo, tail); k < hi; k++ {
				if !s.visible(k, nowMs, tail, true) {
					n--
				}
			}
		}
		return n, true
	}
	if hi-lo > totalBudget {
		return 0, false
	}
	for k := lo; k < hi; k++ {
		if s.matches(p, q.ws, k) && s.visible(k, nowMs, tail, f.LateEvents) {
			n++
		}
	}
	return n, true
}

// writeBody writes a 200 response, or under DropConnection its status and
// a part of the body before the connection is cut.
func (s *Server) writeBody(w http.ResponseWriter, body []byte, f Faults, page bool, events int) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if s.roll(f.DropConnection) {
		s.stats.dropped.Add(1)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		// Abort the response: net/http closes the connection without
		// completing the body and without logging a panic.
		panic(http.ErrAbortHandler)
	}
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(body); err != nil {
		return // the client went away; nothing was served
	}
	if page {
		s.stats.pages.Add(1)
		s.stats.events.Add(int64(events))
	}
}

func (s *Server) writeError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(appendError(nil, code, msg))
}

func (s *Server) getBuf() *pageBuf {
	if pb, ok := s.pool.Get().(*pageBuf); ok {
		return pb
	}
	return &pageBuf{}
}

func (s *Server) putBuf(pb *pageBuf) {
	if cap(pb.b) > 16<<20 {
		return // one giant page should not pin its buffer
	}
	s.pool.Put(pb)
}
