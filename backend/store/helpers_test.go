package store

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

var t0 = time.Date(2026, 11, 20, 10, 31, 2, 123_000_000, time.UTC)

func openT(t testing.TB, dir string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(dir, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// hostileEvents are what the API allows at its edges.
func hostileEvents() []audit.Event {
	details := []byte(`{"k":"` + strings.Repeat("é\"\\x", 16*1024/7) + `"}`)
	return []audit.Event{
		{
			ID: "evt-1", Time: t0, User: "ünïcødé@例え.jp", Scope: audit.ScopeService, Category: "AI Notebook",
			Action: "Stop Notebook", Target: "nb-1", Status: audit.StatusSuccess,
			Description: "停止しました 🚀👩‍👩‍👧 — Ünïcode, \"quotes\", tabs\tand\r\nCRLF",
			Workspace:   &audit.Ref{ID: "ws-1", Name: "Рабочая область"}, SourceIP: "2001:db8::1",
			Details: []byte(`{"gpu":"A100","n":8}`),
		},
		{
			ID: "evt-2", Time: t0, User: "system", Scope: "Galaxy", Category: "", Action: "=cmd|' /C calc'!A0",
			Target: "", Status: "PENDING", Description: strings.Repeat("x", 4096), Details: details,
		},
		{
			ID: "evt-3", Time: t0.Add(-time.Hour), User: "a@b.c", Scope: "", Status: "",
			Workspace: &audit.Ref{}, Details: []byte{},
		},
		{
			ID: strings.Repeat("İ", audit.MaxIDLen/2), Time: time.Date(1960, 1, 1, 0, 0, 0, 1, time.UTC),
			User: "+@-", Scope: audit.ScopeBilling, Status: audit.StatusFailed, Description: "\x00\xff not utf-8",
		},
	}
}

var (
	scopes     = []audit.Scope{audit.ScopeOrganization, audit.ScopeBilling, audit.ScopeWorkspace, audit.ScopeService}
	categories = []string{
		"Member", "Policy", "Workspace", "GPU Quota", "Wallet", "Voucher", "Payment", "Plan",
		"Settings", "AI Notebook", "GPU Container", "AI Inference", "Key", "Network", "Storage", "Image",
		"Registry", "Alert", "Token", "Role",
	}
	verbs = []string{"Create", "Delete", "Update", "Start", "Stop"}
)

// realistic generates n events like the platform's (PERF-NOTES): ~2000
// users with a Zipf skew, 4 scopes, 20 categories, ~80 actions, 5% FAILED,
// 40-120 character descriptions, ~200-byte details.
type realistic struct {
	r    *rand.Rand
	zipf *rand.Zipf
	seq  int
	t    time.Time
}

func newRealistic(seed uint64) *realistic {
	r := rand.New(rand.NewPCG(seed, 1))
	return &realistic{r: r, zipf: rand.NewZipf(r, 1.1, 1, 1999), t: t0}
}

func (g *realistic) page(n int) []audit.Event {
	evs := make([]audit.Event, n)
	for i := range evs {
		g.seq++
		g.t = g.t.Add(time.Duration(g.r.IntN(2000)) * time.Millisecond)
		sc := scopes[g.r.IntN(4)]
		cat := categories[g.r.IntN(len(categories))]
		st := audit.StatusSuccess
		if g.r.IntN(20) == 0 {
			st = audit.StatusFailed
		}
		e := audit.Event{
			ID: fmt.Sprintf("evt_%016x%04x", g.r.Uint64(), g.seq&0xffff), Time: g.t,
			User: fmt.Sprintf("user%04d@example.com", g.zipf.Uint64()), Scope: sc, Category: cat,
			Action: verbs[g.r.IntN(len(verbs))] + " " + categories[g.r.IntN(16)], Status: st,
			Target:      fmt.Sprintf("res-%06d", g.r.IntN(100000)),
			Description: strings.Repeat("word ", 24)[:40+g.r.IntN(80)],
			SourceIP:    fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256)),
			Details: fmt.Appendf(nil, `{"request_id":"%016x","region":"eu-%d","params":{"size":%d,"image":"pytorch:2.%d","flags":["a","b"]},"trace":"%032x"}`,
				g.r.Uint64(), g.r.IntN(4), g.r.IntN(100), g.r.IntN(9), g.r.Uint64()),
		}
		if sc == audit.ScopeWorkspace || sc == audit.ScopeService {
			w := g.r.IntN(30)
			e.Workspace = &audit.Ref{ID: fmt.Sprintf("ws-%04d", w), Name: fmt.Sprintf("Team %d", w)}
		}
		evs[i] = e
	}
	return evs
}

// keyCount counts keys under prefix without reading values.
func keyCount(t testing.TB, s *Store, prefix byte) int64 {
	t.Helper()
	var n int64
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefix}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// writeIDKeys gives every cached event the id key caches kept before
// 2026-12 ('i' + id -> time), as such a cache holds them.
func writeIDKeys(t testing.TB, s *Store) {
	t.Helper()
	var keys [][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixEvent}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			keys = append(keys, it.Item().KeyCopy(nil))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wb := s.db.NewWriteBatch()
	for _, k := range keys {
		ts, id, _ := parseEventKey(k)
		if err := wb.Set(idKey(nil, string(id)), binary.BigEndian.AppendUint64(nil, ts)); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.Flush(); err != nil {
		t.Fatal(err)
	}
}

func equalEvent(a, b audit.Event) bool {
	return a.ID == b.ID && a.Time.Equal(b.Time) && b.Time.Location() == time.UTC &&
		a.User == b.User && a.Scope == b.Scope && a.Category == b.Category && a.Action == b.Action &&
		a.Target == b.Target && a.Status == b.Status && a.Description == b.Description &&
		(a.Workspace == nil) == (b.Workspace == nil) && (a.Workspace == nil || *a.Workspace == *b.Workspace) &&
		a.SourceIP == b.SourceIP && (a.Details == nil) == (b.Details == nil) && string(a.Details) == string(b.Details)
}

// forgeRecord stores e, changed, and rewrites the hash chain record seq
// keeps of it to match: a forger's work, which only the record's own link
// to the next gives away.
func forgeRecord(t *testing.T, s *Store, seq uint64, e audit.Event) {
	t.Helper()
	tamper(t, s, func(txn *badger.Txn) error {
		item, err := txn.Get(chainKey(seq))
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		h := audit.EventHash(&e)
		i := strings.Index(string(v), e.ID)
		copy(v[i+len(e.ID):], h[:])
		if err := txn.Set(chainKey(seq), v); err != nil {
			return err
		}
		return txn.Set(eventKeyOf(e), appendEventValue(nil, &e))
	})
}
