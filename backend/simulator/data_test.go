package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func allEvents(s *Server) []audit.Event {
	out := make([]audit.Event, s.Len())
	for i := range out {
		out[i] = s.EventAt(i)
	}
	return out
}

func TestEventsAreValidAndRealistic(t *testing.T) {
	s, _, _ := serve(t, Config{Events: 20000, Seed: 7})
	evs := allEvents(s)
	ids := map[string]bool{}
	users := map[string]int{}
	failed, system, withDetails := 0, 0, 0
	span := DefaultSpan
	for i, e := range evs {
		if err := e.Validate(); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if ids[e.ID] {
			t.Fatalf("duplicate id %s", e.ID)
		}
		ids[e.ID] = true
		if !strings.HasPrefix(e.ID, "evt_") || len(e.ID) != 30 {
			t.Errorf("id %q: want evt_ and a 26-char ULID", e.ID)
		}
		if i > 0 {
			p := evs[i-1]
			if e.Time.Before(p.Time) || (e.Time.Equal(p.Time) && e.ID <= p.ID) {
				t.Fatalf("events %d, %d not in (timestamp, id) order: %v %s, %v %s", i-1, i, p.Time, p.ID, e.Time, e.ID)
			}
		}
		if e.Time.After(testNow) || e.Time.Before(testNow.Add(-span-14*24*time.Hour)) {
			t.Errorf("event %d at %v: outside the span ending %v", i, e.Time, testNow)
		}
		if e.Time.Location() != time.UTC || e.Time.Nanosecond()%1e6 != 0 {
			t.Errorf("event %d time %v: want UTC milliseconds", i, e.Time)
		}
		if !e.Scope.Valid() || (e.Status != audit.StatusSuccess && e.Status != audit.StatusFailed) {
			t.Errorf("event %d: scope %q status %q", i, e.Scope, e.Status)
		}
		if e.Category == "" || e.Action == "" || e.User == "" || e.Description == "" {
			t.Errorf("event %d has an empty required field: %+v", i, e)
		}
		inWS := e.Scope == audit.ScopeWorkspace || e.Scope == audit.ScopeService
		if inWS != (e.Workspace != nil) {
			t.Errorf("event %d: scope %s with workspace %v", i, e.Scope, e.Workspace)
		}
		if len(e.Description) > maxDescription || !utf8.ValidString(e.Description) {
			t.Errorf("event %d: description of %d bytes, valid UTF-8 %v", i, len(e.Description), utf8.ValidString(e.Description))
		}
		if e.Details != nil {
			withDetails++
			var obj map[string]any
			if err := json.Unmarshal(e.Details, &obj); err != nil || len(e.Details) > 16<<10 {
				t.Errorf("event %d: details (%d bytes) not a JSON object within 16 KiB: %v", i, len(e.Details), err)
			}
		}
		if e.Status == audit.StatusFailed {
			failed++
		}
		if e.User == "system" {
			system++
			if e.SourceIP != "" {
				t.Errorf("system event %d has source ip %q", i, e.SourceIP)
			}
		} else if !strings.Contains(e.User, "@") || e.SourceIP == "" {
			t.Errorf("event %d: user %q source ip %q", i, e.User, e.SourceIP)
		}
		users[e.User]++
	}
	n := float64(len(evs))
	if r := float64(failed) / n; r < 0.05 || r > 0.10 {
		t.Errorf("FAILED share %.3f, want 5-10%%", r)
	}
	if r := float64(system) / n; r < 0.05 || r > 0.40 {
		t.Errorf("system share %.3f", r)
	}
	if withDetails == 0 || len(users) < 150 {
		t.Errorf("%d events with details, %d distinct users", withDetails, len(users))
	}
	// Zipf: the busiest user does far more than the median one.
	if top := users[s.world.users[0]]; top < 20*users[s.world.users[150]] || top < 100 {
		t.Errorf("no Zipf skew: top user %d events, 150th %d", top, users[s.world.users[150]])
	}
	// Every known category of the portal appears.
	cats := map[audit.Scope]map[string]bool{}
	for _, e := range evs {
		if cats[e.Scope] == nil {
			cats[e.Scope] = map[string]bool{}
		}
		cats[e.Scope][e.Category] = true
	}
	for scope, known := range audit.KnownCategories {
		for _, c := range known {
			if !cats[scope][c] {
				t.Errorf("no %s/%s event in 20000", scope, c)
			}
		}
	}
}

func TestHostileDescriptionsPresent(t *testing.T) {
	s, _, _ := serve(t, Config{Events: 20000})
	checks := map[string]func(string) bool{
		"comma":        func(d string) bool { return strings.Contains(d, ",") },
		"double quote": func(d string) bool { return strings.Contains(d, `"`) },
		"LF":           func(d string) bool { return strings.Contains(d, "\n") },
		"CRLF":         func(d string) bool { return strings.Contains(d, "\r\n") },
		"tab":          func(d string) bool { return strings.Contains(d, "\t") },
		"starts =":     func(d string) bool { return strings.HasPrefix(d, "=") },
		"starts +":     func(d string) bool { return strings.HasPrefix(d, "+") },
		"starts -":     func(d string) bool { return strings.HasPrefix(d, "-") },
		"starts @":     func(d string) bool { return strings.HasPrefix(d, "@") },
		"Japanese":     func(d string) bool { return strings.Contains(d, "しました") },
		"Vietnamese":   func(d string) bool { return strings.Contains(d, "Đã ") },
		"emoji":        func(d string) bool { return strings.Contains(d, "🚀") },
		"escape":       func(d string) bool { return strings.Contains(d, "\x1b") },
		"U+2028":       func(d string) bool { return strings.Contains(d, "\u2028") },
		"4 KiB":        func(d string) bool { return len(d) >= maxDescription-3 },
	}
	found := map[string]int{}
	bigDetails := 0
	for i := range s.Len() {
		e := s.EventAt(i)
		for name, f := range checks {
			if f(e.Description) {
				found[name]++
			}
		}
		if len(e.Details) >= 8<<10 {
			bigDetails++
		}
	}
	for name := range checks {
		if found[name] == 0 {
			t.Errorf("no description with %s in 20000 events", name)
		}
	}
	if bigDetails == 0 {
		t.Error("no details of 8 KiB or more in 20000 events")
	}
	t.Logf("hostile: %v; details >= 8 KiB: %d", found, bigDetails)
}

func TestDeterministicBySeed(t *testing.T) {
	fetch := func(seed int64) []byte {
		s, ts, _ := serve(t, Config{Events: 3000, Seed: seed})
		var all bytes.Buffer
		cursor := ""
		for {
			q := url.Values{"limit": {"1000"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			r := get(t, ts.URL, "/v1/audit-logs", s.Tokens().Owner, q)
			p := decodePage(t, r)
			// The cursor is the only part allowed to differ (it is opaque);
			// compare the events' bytes.
			all.Write(r.body[:bytes.LastIndex(r.body, []byte(`],"next_cursor"`))])
			if p.NextCursor == nil {
				return all.Bytes()
			}
			cursor = *p.NextCursor
		}
	}
	a, b, c := fetch(42), fetch(42), fetch(43)
	if !bytes.Equal(a, b) {
		t.Error("same seed served different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds served the same bytes")
	}
	s1, _ := New(Config{Seed: 42, Clock: func() time.Time { return testNow }})
	s2, _ := New(Config{Seed: 42, Clock: func() time.Time { return testNow }})
	if s1.Tokens() != s2.Tokens() || s1.Tokens().Owner == s1.Tokens().WorkspaceAdmin {
		t.Errorf("tokens: %+v vs %+v", s1.Tokens(), s2.Tokens())
	}
	s3, _ := New(Config{Seed: 43, Clock: func() time.Time { return testNow }})
	if s3.Tokens() == s1.Tokens() {
		t.Error("tokens do not depend on the seed")
	}
}

// A later start of the same Config shows the same events under the same ids:
// a demo restarted tomorrow does not hand the cache a second copy of history.
func TestRestartKeepsIdentity(t *testing.T) {
	cfg := Config{Events: 5000, Seed: 9, Clock: func() time.Time { return testNow }}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Clock = func() time.Time { return testNow.Add(36 * time.Hour) }
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]audit.Event{}
	for _, e := range allEvents(a) {
		byID[e.ID] = e
	}
	shared := 0
	for _, e := range allEvents(b) {
		if old, ok := byID[e.ID]; ok {
			shared++
			if err := sameEvent(e, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if shared < 4500 {
		t.Errorf("only %d of 5000 events survive a restart 36h later", shared)
	}
}

func TestNewIsCheapForMillions(t *testing.T) {
	for _, n := range []int{1_000_000, 5_000_000} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		s, err := New(Config{Events: n, Clock: func() time.Time { return testNow }})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
			t.Errorf("New(%d) allocated %d bytes: not O(workspaces+users)", n, grew)
		}
		if took > 500*time.Millisecond {
			t.Errorf("New(%d) took %v", n, took)
		}
		last := s.EventAt(n - 1)
		if last.Time.After(testNow) || testNow.Sub(last.Time) > time.Hour {
			t.Errorf("last of %d events at %v, now %v", n, last.Time, testNow)
		}
		t.Logf("New(%d events): %v", n, took)
	}
}

func TestConfigValidation(t *testing.T) {
	now := func() time.Time { return testNow }
	for _, cfg := range []Config{
		{Events: -1, Clock: now},
		{Events: MaxEvents + 1, Clock: now},
		{Span: -time.Hour, Clock: now},
		{Span: time.Microsecond, Clock: now},
		{Events: 1_000_000, Span: time.Millisecond, Clock: now},
		{Faults: Faults{RateLimit: 1.5}, Clock: now},
		{Clock: func() time.Time { return time.Unix(0, 0) }},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) = nil error", cfg)
		}
	}
}

// Many events per millisecond: ids break the ties in index order, so
// (timestamp, id) order is still the serving order.
func TestDenseTimestampsOrderByID(t *testing.T) {
	s, ts, _ := serve(t, Config{Events: 20000, Span: 2 * time.Second})
	evs := allEvents(s)
	ties := 0
	for i := 1; i < len(evs); i++ {
		p, e := evs[i-1], evs[i]
		if e.Time.Equal(p.Time) {
			ties++
		}
		if e.Time.Before(p.Time) || (e.Time.Equal(p.Time) && e.ID <= p.ID) {
			t.Fatalf("events %d, %d out of order: %v %s / %v %s", i-1, i, p.Time, p.ID, e.Time, e.ID)
		}
	}
	if ties < 5000 {
		t.Fatalf("only %d ties in 20000 events over 2s", ties)
	}
	owner := s.Tokens().Owner
	if err := sameEvents(syncAll(t, ts.URL, owner, nil, 999).events, evs); err != nil {
		t.Fatal(err)
	}
	// since on a shared millisecond starts at its first event.
	i := 10000
	for evs[i-1].Time.Equal(evs[i].Time) {
		i--
	}
	p := decodePage(t, get(t, ts.URL, "/v1/audit-logs", owner, url.Values{
		"since": {evs[i+1].Time.Format(time.RFC3339Nano)}, "limit": {"1"},
	}))
	if p.Events[0].ID != evs[i].ID {
		t.Errorf("since %v starts at %s, want %s", evs[i].Time, p.Events[0].ID, evs[i].ID)
	}
}

func TestHistoryShape(t *testing.T) {
	// A long span follows JST office hours and spans about Span.
	s, _, _ := serve(t, Config{Events: 20000})
	jst := time.FixedZone("JST", 9*3600)
	office := 0
	for i := range s.Len() {
		lt := s.EventAt(i).Time.In(jst)
		if wd := lt.Weekday(); wd != time.Saturday && wd != time.Sunday && lt.Hour() >= 9 && lt.Hour() < 18 {
			office++
		}
	}
	// Office hours are 27% of the week; they should hold most events.
	if share := float64(office) / float64(s.Len()); share < 0.5 {
		t.Errorf("%.2f of events in JST office hours", share)
	}
	first := s.EventAt(0).Time
	if d := testNow.Sub(first) - DefaultSpan; d < -4*24*time.Hour || d > 4*24*time.Hour {
		t.Errorf("history starts %v, %v off a span of %v", first, d, DefaultSpan)
	}
	// A short span is flat: its history is as long as Span says.
	s, _, _ = serve(t, Config{Events: 7200, Span: 2 * time.Hour})
	if d := testNow.Sub(s.EventAt(0).Time) - 2*time.Hour; d < -time.Second || d > time.Second {
		t.Errorf("2h span starts %v off", d)
	}
}

// A Rich server gives every event details, valid JSON objects, the same
// events otherwise (ids, times, actions), and the same bytes for the same
// seed.
func TestRichEventsAllCarryDetails(t *testing.T) {
	fixedClock := func() time.Time { return testNow }
	plain, err := New(Config{Events: 3000, Seed: 11, Clock: fixedClock})
	if err != nil {
		t.Fatal(err)
	}
	rich, err := New(Config{Events: 3000, Seed: 11, Clock: fixedClock, Rich: true})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := New(Config{Events: 3000, Seed: 11, Clock: fixedClock, Rich: true})
	withDetails := 0
	for i := range plain.Len() {
		p, r := plain.EventAt(i), rich.EventAt(i)
		if len(p.Details) > 0 {
			withDetails++
		}
		if len(r.Details) == 0 || !json.Valid(r.Details) || r.Details[0] != '{' {
			t.Fatalf("rich event %d has details %q", i, r.Details)
		}
		if r.ID != p.ID || !r.Time.Equal(p.Time) || r.Action != p.Action || r.User != p.User {
			t.Fatalf("rich event %d is another event: %+v, plain %+v", i, r, p)
		}
		if a := again.EventAt(i); !bytes.Equal(a.Details, r.Details) {
			t.Fatalf("rich event %d differs between two servers of one seed", i)
		}
	}
	if withDetails == 0 || withDetails > plain.Len()/2 {
		t.Errorf("%d of %d plain events carry details: the test shows nothing", withDetails, plain.Len())
	}
}

// An event's details say what its description says: the failure's reason
// as its error code, the amount, the GPUs; and a payment is never blamed
// on GPU quota.
func TestDetailsAgreeWithTheDescription(t *testing.T) {
	s, err := New(Config{Events: 20000, Seed: 5, Clock: func() time.Time { return testNow }, Rich: true})
	if err != nil {
		t.Fatal(err)
	}
	amountRe := regexp.MustCompile(`¥([0-9,]+)`)
	checked := map[string]int{}
	for i := range s.Len() {
		e := s.EventAt(i)
		var d struct {
			Amount   *int64 `json:"amount"`
			GPUType  string `json:"gpu_type"`
			GPUCount int    `json:"gpu_count"`
			Error    *struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal(e.Details, &d); err != nil {
			t.Fatalf("event %d: details %q: %v", i, e.Details, err)
		}
		for lang := range failReasons {
			for k, reason := range failReasons[lang] {
				if !strings.Contains(e.Description, reason) {
					continue
				}
				checked["reason"]++
				if d.Error == nil || d.Error.Code != reasonCodes[k] {
					t.Fatalf("event %d says %q, its details %s", i, e.Description, e.Details)
				}
				if e.Scope == audit.ScopeBilling && k == 0 {
					t.Fatalf("a billing event blamed on GPU quota: %q", e.Description)
				}
			}
		}
		if m := amountRe.FindStringSubmatch(e.Description); m != nil && d.Amount != nil {
			checked["amount"]++
			if want, _ := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64); *d.Amount != want {
				t.Fatalf("event %d says ¥%s, its details amount %d", i, m[1], *d.Amount)
			}
		}
		if d.GPUType != "" && strings.Contains(e.Description, " × ") {
			checked["gpu"]++
			if !strings.Contains(e.Description, fmt.Sprintf("%d × %s", d.GPUCount, d.GPUType)) {
				t.Fatalf("event %d says %q, its details %s × %d", i, e.Description, d.GPUType, d.GPUCount)
			}
		}
	}
	for _, what := range []string{"reason", "amount", "gpu"} {
		if checked[what] < 20 {
			t.Errorf("only %d events checked for their %s: the test shows little", checked[what], what)
		}
	}
}
