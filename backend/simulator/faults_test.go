package simulator

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestRateLimitCarriesRetryAfter(t *testing.T) {
	for _, c := range []struct {
		retry time.Duration
		want  string
	}{{0, "1"}, {-1, "0"}, {2500 * time.Millisecond, "3"}, {4 * time.Second, "4"}} {
		s, ts, _ := serve(t, Config{Events: 100, RetryAfter: c.retry, Faults: Faults{RateLimit: 1}})
		for _, path := range []string{"/v1/audit-logs", "/v1/me"} {
			r := get(t, ts.URL, path, s.Tokens().Owner, nil)
			if code := errorCode(t, r, http.StatusTooManyRequests); code != "rate_limited" {
				t.Errorf("code %q", code)
			}
			if got := r.header.Get("Retry-After"); got != c.want {
				t.Errorf("RetryAfter %v: header %q, want %q", c.retry, got, c.want)
			}
		}
		if st := s.Stats(); st.RateLimited != 2 || st.Requests != 2 {
			t.Errorf("stats %+v", st)
		}
	}
}

func TestServerErrors(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 100, Faults: Faults{ServerError: 1}})
	seen := map[int]bool{}
	retryAfter := false
	for range 60 {
		r := get(t, ts.URL, "/v1/audit-logs", s.Tokens().Owner, nil)
		if r.status < 500 || r.status > 504 || r.status == 501 {
			t.Fatalf("status %d", r.status)
		}
		code := errorCode(t, r, r.status)
		if (r.status == 500) != (code == "internal") || (r.status != 500 && code != "unavailable") {
			t.Errorf("status %d with code %q", r.status, code)
		}
		seen[r.status] = true
		if r.status == 503 && r.header.Get("Retry-After") == "1" {
			retryAfter = true
		}
	}
	if len(seen) != 4 || !retryAfter {
		t.Errorf("in 60 tries saw %v, 503 with Retry-After %v", seen, retryAfter)
	}
	if st := s.Stats(); st.ServerErrors != 60 {
		t.Errorf("stats %+v", st)
	}
}

func TestDroppedConnectionFailsTheRead(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 1000, Faults: Faults{DropConnection: 1}})
	r := get(t, ts.URL, "/v1/audit-logs", s.Tokens().Owner, url.Values{"limit": {"500"}})
	if r.err == nil && r.status == http.StatusOK {
		t.Fatalf("read a whole body of %d bytes through a dropped connection", len(r.body))
	}
	if r.status != 0 && len(r.body) == 0 {
		t.Error("no part of the body arrived before the cut")
	}
	if st := s.Stats(); st.Dropped != 1 || st.Pages != 0 || st.EventsServed != 0 {
		t.Errorf("stats %+v", st)
	}
	// Switched off while serving, the same request succeeds.
	s.SetFaults(Faults{})
	decodePage(t, get(t, ts.URL, "/v1/audit-logs", s.Tokens().Owner, url.Values{"limit": {"500"}}))
}

func TestExpireCursorFault(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 1000, Faults: Faults{ExpireCursor: 1}})
	owner := s.Tokens().Owner
	p := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"limit": {"10"}}))
	r := get(t, ts.URL, "/v1/audit-logs", owner, url.Values{"cursor": {*p.NextCursor}})
	if code := errorCode(t, r, http.StatusGone); code != "cursor_expired" {
		t.Errorf("code %q", code)
	}
	if st := s.Stats(); st.ExpiredByFault != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestDuplicatesAreServedAndHarmless(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 5000, Faults: Faults{Duplicates: 1}})
	owner := s.Tokens().Owner
	for _, limit := range []int{1000, 7, 2} {
		res := syncAll(t, ts.URL, owner, nil, limit)
		if res.raw <= len(res.events) {
			t.Errorf("limit %d: no duplicates served (%d events)", limit, res.raw)
		}
		withinPage := false
		for _, p := range res.pages {
			if len(p.Events) > limit {
				t.Fatalf("page of %d events over limit %d", len(p.Events), limit)
			}
			for i := 1; i < len(p.Events); i++ {
				withinPage = withinPage || p.Events[i].ID == p.Events[i-1].ID
			}
		}
		if !withinPage {
			t.Errorf("limit %d: no duplicate within a page", limit)
		}
		if err := sameEvents(res.events, s.Visible(owner, testNow)); err != nil {
			t.Fatalf("limit %d after dedupe: %v", limit, err)
		}
	}
	if s.Stats().Duplicates == 0 {
		t.Error("stats count no duplicates")
	}
}

func TestShortPages(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 5000, Faults: Faults{ShortPages: true}})
	owner := s.Tokens().Owner
	res := syncAll(t, ts.URL, owner, nil, 500)
	short := 0
	for _, p := range res.pages {
		if len(p.Events) < 500 && p.NextCursor != nil {
			short++
		}
	}
	if short == 0 || s.Stats().ShortPages == 0 {
		t.Errorf("no short page among %d", len(res.pages))
	}
	if err := sameEvents(res.events, s.Visible(owner, testNow)); err != nil {
		t.Fatal(err)
	}
}

func TestSlow(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 10, Faults: Faults{Slow: 150 * time.Millisecond}})
	start := time.Now()
	decodePage(t, get(t, ts.URL, "/v1/audit-logs", s.Tokens().Owner, nil))
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("answered in %v under Slow 150ms", took)
	}
}

func TestLateEvents(t *testing.T) {
	s, ts, clk := serve(t, Config{Events: 20000, Span: 72 * time.Hour, Faults: Faults{LateEvents: true}})
	owner := s.Tokens().Owner
	now := testNow.UnixMilli()
	// The newest event whose delay has not passed yet.
	late := -1
	for i := s.Len() - 1; i >= 0; i-- {
		k := s.k0 + int64(i)
		if s.tMs(k)+s.delayMs(k) > now {
			late = i
			break
		}
	}
	if late < 0 {
		t.Fatal("no event is still late")
	}
	e := s.EventAt(late)
	delay := time.Duration(s.delayMs(s.k0+int64(late))) * time.Millisecond
	if delay <= 0 || delay > 15*time.Minute {
		t.Fatalf("delay %v outside (0, 15m]", delay)
	}
	window := url.Values{"since": {e.Time.Add(-time.Minute).Format(time.RFC3339Nano)}}
	has := func(res syncResult) bool {
		for _, x := range res.events {
			if x.ID == e.ID {
				return true
			}
		}
		return false
	}
	res := syncAll(t, ts.URL, owner, window, 1000)
	if has(res) {
		t.Fatalf("event %s (at %v, delay %v) served before now %v", e.ID, e.Time, delay, testNow)
	}
	all := s.Visible(owner, testNow)
	if len(all) >= s.Len() {
		t.Error("Visible ignores the late events")
	}
	if err := sameEvents(syncAll(t, ts.URL, owner, nil, 1000).events, all); err != nil {
		t.Fatal(err)
	}

	clk.Advance(15 * time.Minute)
	if res := syncAll(t, ts.URL, owner, window, 1000); !has(res) {
		t.Fatalf("event %s still missing 15 minutes later", e.ID)
	}
	if n := len(s.Visible(owner, clk.Now())); n != s.Len() {
		t.Errorf("15 minutes after the last event, %d of %d visible", n, s.Len())
	}
	// Without the fault, the same event is visible at once.
	s.SetFaults(Faults{})
	if n := len(s.Visible(owner, testNow)); n != s.Len() {
		t.Errorf("without LateEvents, %d of %d visible", n, s.Len())
	}
}

// With every fault on, a client that retries, restarts on 410 and dedupes
// by id ends with exactly the ground truth, and every fault was seen.
func TestAllFaultsSyncConverges(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 20000, Seed: 21, RetryAfter: -1, Faults: AllFaults()})
	fired := func(st Stats) bool {
		return st.RateLimited > 0 && st.ServerErrors > 0 && st.Dropped > 0 && st.ExpiredByFault > 0 &&
			st.Duplicates > 0 && st.ShortPages > 0
	}
	// The faults are random: sync until each has fired at least once, every
	// sync ending exactly right.
	for round := 0; round < 6 && (round < 2 || !fired(s.Stats())); round++ {
		token := s.Tokens().Owner
		if round%2 == 1 {
			token = s.Tokens().WorkspaceAdmin
		}
		res := syncAll(t, ts.URL, token, nil, 1000)
		if err := sameEvents(sortedByTimeID(res.events), s.Visible(token, testNow)); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		t.Logf("round %d: failures seen: %v", round, res.failures)
	}
	if st := s.Stats(); !fired(st) {
		t.Errorf("a fault never fired: %+v", st)
	}
}
