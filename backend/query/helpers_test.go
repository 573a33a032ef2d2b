package query

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

var seedFlag = flag.Uint64("seed", 0, "seed of the random filters (0: from the clock; printed on failure)")

func testSeed(t testing.TB) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("random filters seeded with -seed=%d", s)
		}
	})
	return s
}

var simNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

var (
	simMu    sync.Mutex
	simCache = map[int][]audit.Event{}
)

// simEvents are n simulator events in (time, id) order, the same on every
// call.
func simEvents(t testing.TB, n int) []audit.Event {
	t.Helper()
	simMu.Lock()
	defer simMu.Unlock()
	if evs, ok := simCache[n]; ok {
		return evs
	}
	s, err := simulator.New(simulator.Config{Events: n, Seed: 7, Clock: func() time.Time { return simNow }})
	if err != nil {
		t.Fatal(err)
	}
	evs := make([]audit.Event, s.Len())
	for i := range evs {
		evs[i] = s.EventAt(i)
	}
	simCache[n] = evs
	return evs
}

// handEvents are the edges: equal timestamps, NFD and NFC, ß, Turkish
// dotted I, emoji, Japanese, values outside the known sets, nil and empty
// workspaces, equal workspace names under other ids, bad UTF-8.
func handEvents() []audit.Event {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ws1, ws2, ws3, wsEmpty := &audit.Ref{ID: "ws-1", Name: "Alpha"}, &audit.Ref{ID: "ws-2", Name: "Alpha"}, &audit.Ref{ID: "ws-3", Name: "Рабочая"}, &audit.Ref{}
	nfc := "Đã dừng máy chủ"
	ev := func(id string, at time.Time, user string, scope audit.Scope, cat, act, target string, st audit.Status, desc string, ws *audit.Ref) audit.Event {
		return audit.Event{ID: id, Time: at, User: user, Scope: scope, Category: cat, Action: act, Target: target, Status: st, Description: desc, Workspace: ws}
	}
	evs := []audit.Event{
		ev("h-01", t0, "an@example.vn", audit.ScopeService, "AI Notebook", "Stop Notebook", "nb-1", audit.StatusSuccess, nfc, ws1),
		ev("h-02", t0, "an@example.vn", audit.ScopeService, "AI Notebook", "Stop Notebook", "nb-2", audit.StatusSuccess, norm.NFD.String(nfc), ws1),
		ev("h-03", t0, "bo@example.de", audit.ScopeBilling, "Payment", "Pay", "Straße 5", audit.StatusFailed, "Zahlung für STRASSE fehlgeschlagen", nil),
		ev("h-04", t0, "cem@example.tr", audit.ScopeWorkspace, "Member", "Invite", "İstanbul", audit.StatusSuccess, "ıi İI davet edildi", ws2),
		ev("h-05", t0.Add(time.Millisecond), "system", audit.ScopeService, "GPU Container", "Start", "", audit.StatusSuccess, "停止しました 🚀👩‍👩‍👧 ok", ws3),
		ev("h-06", t0.Add(time.Millisecond), "дима@example.ru", audit.ScopeOrganization, "Policy", "Update", "ΣΊΣΥΦΟΣ", audit.StatusFailed, "Политика ОБНОВЛЕНА σίσυφος", nil),
		ev("h-07", t0.Add(-time.Hour), "zoe@example.com", "Galaxy", "", "=cmd|' /C calc'!A0", "", "PENDING", "\x00\xff not utf-8", wsEmpty),
		ev("h-08", time.Date(1960, 1, 1, 0, 0, 0, 1, time.UTC), "+@-", audit.ScopeBilling, "Wallet", "Top up", "wallet-main", audit.StatusFailed, "", nil),
		ev("h-09", t0, "an@example.vn", audit.ScopeService, "ai notebook", "stop notebook", "NB-1", audit.StatusSuccess, strings.ToUpper(nfc), ws2),
	}
	evs[0].SourceIP, evs[0].Details = "2001:db8::1", []byte(`{"gpu":"A100"}`)
	evs[2].Details = []byte{}
	return evs
}

func buildSlice(t testing.TB, evs []audit.Event) *Index {
	t.Helper()
	ix, err := Build(context.Background(), Events(evs))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func sameEvent(a, b audit.Event) bool {
	wsEq := a.Workspace == nil && b.Workspace == nil || a.Workspace != nil && b.Workspace != nil && *a.Workspace == *b.Workspace
	return a.ID == b.ID && a.Time.Equal(b.Time) && a.User == b.User && a.Scope == b.Scope && a.Category == b.Category &&
		a.Action == b.Action && a.Target == b.Target && a.Status == b.Status && a.Description == b.Description &&
		a.SourceIP == b.SourceIP && bytes.Equal(a.Details, b.Details) && wsEq
}

func ids(evs []audit.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

// filterGen draws filters from the data's own values and text.
type filterGen struct {
	r   *rand.Rand
	evs []audit.Event
	lo  time.Time
	hi  time.Time
}

func newFilterGen(seed uint64, evs []audit.Event) *filterGen {
	g := &filterGen{r: rand.New(rand.NewPCG(seed, 3)), evs: evs, lo: evs[0].Time, hi: evs[0].Time}
	for _, e := range evs {
		g.lo, g.hi = minT(g.lo, e.Time), maxT(g.hi, e.Time)
	}
	return g
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (g *filterGen) event() audit.Event { return g.evs[g.r.IntN(len(g.evs))] }

var fixedTerms = []string{"", "   ", "ß", "SS", "STRASSE", "straße", "İ", "i̇", "ı", "ĐÃ DỪNG", "đã dừng", "停止", "🚀", "👩‍👩‍👧", "ΣΊΣΥΦΟΣ", "σισυφος", "ОБНОВЛЕНА", "zzq-no-match", "\xff", "a", "e"}

// term is a piece of some event's searchable text, often in another case
// or normal form.
func (g *filterGen) term() string {
	if g.r.IntN(4) == 0 {
		return fixedTerms[g.r.IntN(len(fixedTerms))]
	}
	e := g.event()
	if g.r.IntN(12) == 0 {
		return e.ID // a whole event ID finds its event
	}
	fields := []string{e.User, string(e.Scope), e.Category, e.Action, e.Target, e.Description, e.SourceIP}
	s := fields[g.r.IntN(len(fields))]
	runes := []rune(s)
	if !utf8.ValidString(s) || len(runes) == 0 {
		return s
	}
	a := g.r.IntN(len(runes))
	b := min(len(runes), a+1+g.r.IntN(10))
	s = string(runes[a:b])
	switch g.r.IntN(5) {
	case 0:
		s = strings.ToUpper(s)
	case 1:
		s = norm.NFD.String(s)
	case 2:
		s = norm.NFD.String(strings.ToUpper(s))
	case 3:
		s = strings.ToLower(s)
	}
	return s
}

func (g *filterGen) pick(n int, val func(e audit.Event) string, missing string) []string {
	var out []string
	for range 1 + g.r.IntN(n) {
		out = append(out, val(g.event()))
	}
	if g.r.IntN(5) == 0 {
		out = append(out, missing)
	}
	return out
}

func (g *filterGen) when() time.Time {
	span := g.hi.Sub(g.lo) + 2*time.Hour
	t := g.lo.Add(-time.Hour + time.Duration(g.r.Int64N(int64(span))))
	if g.r.IntN(3) == 0 {
		t = g.event().Time // exactly on an event: the bounds' edges
	}
	return t
}

// documentedOr returns one of the documented values, but one time in six
// the value of a random event (held) and one time in six none, a value no
// event holds.
func documentedOr[T any](g *filterGen, documented []T, held func(audit.Event) T, none T) T {
	v := documented[g.r.IntN(len(documented))]
	switch g.r.IntN(6) {
	case 0:
		v = held(g.event())
	case 1:
		v = none
	}
	return v
}

// filter returns a random filter and whether Validate must reject it.
func (g *filterGen) filter() (audit.Filter, bool) {
	var f audit.Filter
	r := g.r
	if r.IntN(2) == 0 {
		f.Search = g.term()
	}
	// Scopes and statuses also come from the events, which may hold
	// values outside the documented sets, or are ones no event holds.
	if r.IntN(3) == 0 {
		f.Scope = documentedOr(g, audit.Scopes, func(e audit.Event) audit.Scope { return e.Scope }, "Compliance")
	}
	if r.IntN(3) == 0 {
		f.Categories = g.pick(3, func(e audit.Event) string { return e.Category }, "No Such Category")
	}
	if r.IntN(4) == 0 {
		f.Actions = g.pick(3, func(e audit.Event) string { return e.Action }, "No Such Action")
	}
	if r.IntN(4) == 0 {
		f.Status = documentedOr(g, audit.Statuses[:2], func(e audit.Event) audit.Status { return e.Status }, "IN_PROGRESS")
	}
	if r.IntN(5) == 0 {
		f.Users = g.pick(3, func(e audit.Event) string { return e.User }, "nobody@example.com")
	}
	if r.IntN(6) == 0 {
		f.Targets = g.pick(2, func(e audit.Event) string { return e.Target }, "no-such-target")
	}
	if r.IntN(5) == 0 {
		if e := g.event(); e.Workspace != nil && r.IntN(4) > 0 {
			f.Workspace = e.Workspace.ID
		} else {
			f.Workspace = "ws-none"
		}
	}
	bad := false
	switch r.IntN(6) {
	case 0:
		f.From = g.when()
	case 1:
		f.To = g.when()
	case 2, 3:
		f.From, f.To = g.when(), g.when()
		bad = !f.To.After(f.From)
	}
	return f, bad
}

// checkHistogram compares h with the matched events counted bucket by
// bucket, and checks the buckets are aligned, contiguous and few.
func checkHistogram(h []Bucket, matched []audit.Event, loc *time.Location) error {
	if len(matched) == 0 {
		if len(h) != 0 {
			return fmt.Errorf("histogram of nothing has %d buckets", len(h))
		}
		return nil
	}
	lo, hi := matched[0].Time, matched[0].Time
	for _, e := range matched {
		lo, hi = minT(lo, e.Time), maxT(hi, e.Time)
	}
	u := pickUnit(lo, hi)
	if len(h) > maxBuckets+1 {
		return fmt.Errorf("%d buckets", len(h))
	}
	for i, b := range h {
		if !u.floor(b.Start, loc).Equal(b.Start) {
			return fmt.Errorf("bucket %d starts at %s, not on a %v boundary", i, b.Start, u)
		}
		if i > 0 && !u.next(h[i-1].Start, loc).Equal(b.Start) {
			return fmt.Errorf("bucket %d at %s does not follow %s", i, b.Start, h[i-1].Start)
		}
		if end := u.next(b.Start, loc); !b.End.Equal(end) {
			return fmt.Errorf("bucket %d at %s ends at %s, want %s", i, b.Start, b.End, end)
		}
	}
	want := make([]int, len(h))
	for _, e := range matched {
		k := -1
		for i := range h {
			if !e.Time.Before(h[i].Start) {
				k = i
			}
		}
		if k < 0 || k == len(h)-1 && !e.Time.Before(u.next(h[k].Start, loc)) {
			return fmt.Errorf("event at %s outside the histogram", e.Time)
		}
		want[k]++
	}
	for i := range h {
		if h[i].Count != want[i] {
			return fmt.Errorf("bucket %d (%s) counts %d, want %d", i, h[i].Start, h[i].Count, want[i])
		}
	}
	return nil
}

// idsBySort returns, for each sort field, the ids of ix's rows that match f
// in that field's ascending order.
func idsBySort(ix *Index, f audit.Filter) map[audit.SortField][]string {
	want := map[audit.SortField][]string{}
	for _, field := range audit.SortFields {
		r, _ := ix.Query(f, audit.Sort{Field: field}, Options{})
		evs, _ := r.Rows(0, r.Total)
		want[field] = ids(evs)
	}
	return want
}

// idsChanged queries ix for f in field's ascending order with opt and says
// what went wrong: the query's error, or changed (a format of the field's
// name) if the ids are not want[field]. It is "" if nothing did.
func idsChanged(ix *Index, f audit.Filter, field audit.SortField, opt Options, want map[audit.SortField][]string, changed string) string {
	r, err := ix.Query(f, audit.Sort{Field: field}, opt)
	if err != nil {
		return err.Error()
	}
	evs, err := r.Rows(0, r.Total)
	if err != nil {
		return err.Error()
	}
	if !slices.Equal(ids(evs), want[field]) {
		return fmt.Sprintf(changed, field)
	}
	return ""
}

// mustRows is r.Rows(offset, limit), failing the test on an error.
func mustRows(t testing.TB, r *Result, offset, limit int) []audit.Event {
	t.Helper()
	evs, err := r.Rows(offset, limit)
	if err != nil {
		t.Fatalf("Rows(%d, %d): %v", offset, limit, err)
	}
	return evs
}
