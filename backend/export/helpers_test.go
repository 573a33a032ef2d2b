package export

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var exportNow = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

// hostileEvents are the strings an export must carry intact and harmless:
// formula and DDE starts, quotes, commas, CRLF and lone CR and LF inside
// fields, Japanese, Vietnamese (NFC and NFD), emoji, RTL, a 4 KiB
// description, control characters, a numeric-looking id, a source IP
// that is a formula, details (compact JSON as the cache holds it) with
// formulas, quotes, commas, escapes, Japanese and literal _xHHHH_ in them.
func hostileEvents() []audit.Event {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ws := &audit.Ref{ID: "ws-1", Name: "Research"}
	long := strings.Repeat("Lorem ipsum, \"dolor\" sit amet; ", 140)[:4096]
	ev := func(i int, user, target, desc string, st audit.Status) audit.Event {
		return audit.Event{
			ID: fmt.Sprintf("evt-%02d", i), Time: t0.Add(time.Duration(i)*time.Hour + 123*time.Millisecond),
			User: user, Scope: audit.ScopeService, Category: "AI Notebook", Action: "Update Notebook",
			Target: target, Status: st, Description: desc, Workspace: ws,
		}
	}
	withIP := func(e audit.Event, ip string) audit.Event { e.SourceIP = ip; return e }
	withDetails := func(e audit.Event, d string) audit.Event { e.Details = []byte(d); return e }
	return []audit.Event{
		withDetails(withIP(ev(1, "=cmd|' /C calc'!A0", `=HYPERLINK("http://evil.example","click")`, "+1 and -1 and @SUM(A1)", audit.StatusSuccess), "=1+2"),
			`{"title":"=HYPERLINK(\"http://evil.example\",\"click\")","delta":-1,"at":"@SUM(A1)"}`),
		ev(2, "@attacker", "-2+3", "=1+1", audit.StatusFailed),
		ev(3, "tab@example.com", "\tleading tab", "\rleading CR", audit.StatusSuccess),
		withDetails(withIP(ev(4, "quotes@example.com", `He said "hi", then left`, "a,b,c", audit.StatusSuccess), "2001:db8::1"),
			`{"said":"He said \"hi\", then left","list":[1,2.50,3e2],"none":null,"ok":true}`),
		withDetails(ev(5, "crlf@example.com", "line1\r\nline2", "lone LF\nand lone CR\rend", audit.StatusFailed),
			`{"lines":"line1\r\nline2","tab":"a\tb","bell":"\u0007","path":"C:\\Users\\x0041_","raw":"_x0041_ & <b>"}`),
		withDetails(ev(6, "tanaka@example.jp", "ノートブック-01", "ノートブックを停止しました 🚀👩‍👩‍👧", audit.StatusSuccess),
			`{"名前":"ノートブック-01","gpu":{"type":"H100","count":8},"絵文字":"🚀"}`),
		ev(7, "an@example.vn", "Máy chủ", "Đã dừng máy chủ (NFD: Đã dừng)", audit.StatusSuccess),
		ev(8, "rtl@example.com", "שלום", "مرحبا بالعالم", audit.StatusSuccess),
		ev(9, "long@example.com", "", long, audit.StatusSuccess),
		ev(10, "ctl@example.com", "bell\x07 and esc\x1b[31m", "nul-free but \x01 odd", audit.StatusFailed),
		{
			ID: "123456789012345678901", Time: t0.Add(11 * time.Hour), User: "system", Scope: audit.ScopeBilling,
			Category: "Payment", Action: "Pay", Target: "00123", Status: audit.StatusSuccess, Description: "1E5",
		},
	}
}

func buildIndex(t testing.TB, evs []audit.Event) *query.Index {
	t.Helper()
	ix, err := query.Build(context.Background(), query.Events(evs))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// result queries ix, newest first unless s says otherwise.
func result(t testing.TB, ix *query.Index, f audit.Filter, s audit.Sort) *query.Result {
	t.Helper()
	if s.Field == "" {
		s = audit.DefaultSort
	}
	res, err := ix.Query(f, s, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func request(path string, res *query.Result, loc *time.Location) Request {
	var src Source
	total := 0
	if res != nil {
		src, total = res, res.Total
	}
	return Request{
		Path: path, Source: src, Total: total, Location: loc, Now: func() time.Time { return exportNow },
		Facts: Facts{
			Sort:       audit.DefaultSort,
			Profile:    Profile{APIURL: "https://platform.example/api", Organization: audit.Ref{ID: "org-1", Name: "Acme"}, User: "owner@example.com", Role: audit.RoleOrganizationOwner},
			LastSynced: exportNow.Add(-time.Hour), Newest: exportNow.Add(-2 * time.Hour), AppVersion: "1.2.3",
		},
	}
}

func simEvents(t testing.TB, n int) []audit.Event {
	t.Helper()
	s, err := simulator.New(simulator.Config{Events: n, Seed: 3, Clock: func() time.Time { return exportNow }})
	if err != nil {
		t.Fatal(err)
	}
	evs := make([]audit.Event, s.Len())
	for i := range evs {
		evs[i] = s.EventAt(i)
	}
	return evs
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./backend/export -run %s -update to write it)", err, t.Name())
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it after review)\ngot:\n%.2000q\nwant:\n%.2000q", name, got, want)
	}
}

// leftovers lists files in dir other than the named ones.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		found := false
		for _, k := range keep {
			found = found || e.Name() == k
		}
		if !found {
			out = append(out, e.Name())
		}
	}
	return out
}
