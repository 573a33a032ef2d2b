package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// simEvents are n of the simulator's events, Japanese and Vietnamese text
// among them, newest first as the console lists them.
func simEvents(t testing.TB, n int) []audit.Event {
	t.Helper()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sim, err := simulator.New(simulator.Config{Events: n, Seed: 7, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	evs := sim.Visible(sim.Tokens().Owner, now)
	slices.Reverse(evs)
	return evs
}

// consoleRow is e as the console's Export writes it, by field.
func consoleRow(e audit.Event, stamp string) map[field]string {
	return map[field]string{
		fTimestamp: stamp, fUser: e.User, fScope: string(e.Scope), fCategory: e.Category, fAction: e.Action,
		fTarget: e.Target, fStatus: string(e.Status), fDescription: e.Description,
	}
}

// writeConsole writes rows as a console CSV with the columns in order
// (headed as heads says), separated by sep.
func writeConsole(order []field, heads map[field]string, rows []map[field]string, sep rune) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = sep // LF line ends: with UseCRLF the writer would change the LFs inside fields too
	rec := make([]string, len(order))
	for i, f := range order {
		rec[i] = heads[f]
	}
	_ = w.Write(rec)
	for _, r := range rows {
		for i, f := range order {
			rec[i] = r[f]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

var english = map[field]string{
	fTimestamp: "Timestamp", fUser: "User", fScope: "Scope", fCategory: "Category", fAction: "Action",
	fTarget: "Target", fStatus: "Status", fDescription: "Description",
}

var japaneseHeads = map[field]string{
	fTimestamp: "タイムスタンプ", fUser: "ユーザー", fScope: "スコープ", fCategory: "カテゴリ", fAction: "アクション",
	fTarget: "ターゲット", fStatus: "ステータス", fDescription: "説明",
}

func write(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readAll(t *testing.T, path string, opt Options) ([]audit.Event, File, Report) {
	t.Helper()
	var got []audit.Event
	fi, rep, err := ReadFile(context.Background(), path, opt, false, func(e audit.Event, _ int) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", filepath.Base(path), err)
	}
	return got, fi, rep
}

// sameText compares the console's fields of got with want's, times to
// the precision the file kept.
func sameText(t *testing.T, got, want []audit.Event, precision time.Duration) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events read, the file has %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time.Truncate(precision)) || g.User != w.User || g.Scope != w.Scope || g.Category != w.Category ||
			g.Action != w.Action || g.Target != w.Target || g.Status != w.Status || g.Description != w.Description {
			t.Fatalf("row %d:\n%+v\nwant\n%+v", i+1, g, w)
		}
	}
}

// The console's export as Excel leaves it on a Japanese Windows:
// Shift_JIS, Japanese headers, the dates re-saved as "2026/11/05 9:03"
// (the seconds gone), comma-separated; and as "Unicode Text": UTF-16LE,
// tab-separated, the columns in another order. Each reads with its text
// intact, the zone and the missing seconds said.
func TestConsoleCSVAsExcelLeavesIt(t *testing.T) {
	all := simEvents(t, 3000)
	sjis := japanese.ShiftJIS.NewEncoder()
	var enc []audit.Event // the events Shift_JIS can hold (no Vietnamese, no emoji)
	for _, e := range all {
		if _, err := sjis.String(e.Description + e.Target + e.User + e.Category + e.Action); err == nil {
			enc = append(enc, e)
		}
	}
	hasJapanese := false
	var rows []map[field]string
	for _, e := range enc {
		hasJapanese = hasJapanese || strings.ContainsAny(e.Description, "しをたノ")
		lt := e.Time.In(tokyo)
		rows = append(rows, consoleRow(e, fmt.Sprintf("%d/%02d/%02d %d:%02d", lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute())))
	}
	if !hasJapanese || len(enc) < 1000 {
		t.Fatalf("the fixture has %d events, Japanese %v: no test", len(enc), hasJapanese)
	}
	plain := writeConsole(consoleFields, japaneseHeads, rows, ',')
	b, err := sjis.Bytes(plain)
	if err != nil {
		t.Fatal(err)
	}
	got, _, rep := readAll(t, write(t, "console-sjis.csv", b), Options{Zone: tokyo})
	sameText(t, got, enc, time.Minute)
	if rep.Encoding != "shift_jis" || rep.Format != ConsoleCSV || rep.Zone != "Asia/Tokyo" || rep.ZoneFromFile ||
		rep.NoSeconds != len(enc) || rep.Sep != "," || rep.Bad != 0 {
		t.Fatalf("report %+v", rep)
	}

	// UTF-16LE "Unicode Text": tab-separated, every event (Vietnamese,
	// emoji), the columns shuffled, seconds kept.
	order := []field{fDescription, fStatus, fTimestamp, fTarget, fUser, fAction, fScope, fCategory}
	rows = rows[:0]
	for _, e := range all {
		rows = append(rows, consoleRow(e, e.Time.In(tokyo).Format(time.DateTime)))
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(writeConsole(order, english, rows, '\t'))
	if err != nil {
		t.Fatal(err)
	}
	got, _, rep = readAll(t, write(t, "console.txt", u16), Options{Zone: tokyo})
	sameText(t, got, all, time.Second)
	if rep.Encoding != "utf-16le" || rep.Sep != "tab" || rep.NoSeconds != 0 {
		t.Fatalf("report %+v", rep)
	}
}

// A console row's ID comes from its content and its place among identical
// rows: two identical rows are two events, the same file read again gives
// the same IDs, and an overlapping file gives the rows it shares theirs.
func TestConsoleIDsAreStable(t *testing.T) {
	evs := simEvents(t, 400)
	rows := make([]map[field]string, 0, len(evs)+1)
	for _, e := range evs {
		rows = append(rows, consoleRow(e, e.Time.UTC().Format(time.DateTime)))
	}
	rows = append(rows[:10], rows[9:]...) // row 10 twice, as a console shows two events of one second
	path := write(t, "a.csv", writeConsole(consoleFields, english, rows, ','))
	first, _, _ := readAll(t, path, Options{})
	again, _, _ := readAll(t, path, Options{})
	if !slices.Equal(idsOf(first), idsOf(again)) {
		t.Fatal("the same file gave other IDs")
	}
	if first[9].ID == first[10].ID || !strings.HasPrefix(first[9].ID, IDPrefix) {
		t.Fatalf("two identical rows: %s and %s", first[9].ID, first[10].ID)
	}
	seen := map[string]bool{}
	for _, e := range first {
		if seen[e.ID] {
			t.Fatalf("ID %s twice", e.ID)
		}
		seen[e.ID] = true
	}
	// The second half of the month, with the doubled row: the same IDs.
	part, _, _ := readAll(t, write(t, "b.csv", writeConsole(consoleFields, english, rows[5:], ',')), Options{})
	if !slices.Equal(idsOf(part), idsOf(first)[5:]) {
		t.Fatal("an overlapping file gave its shared rows other IDs")
	}
	// Sorted by user in a spreadsheet (a stable sort), with the doubled
	// row apart from its twin's instant's other rows: the same IDs, and
	// the twins still two events.
	byUser := slices.Clone(rows)
	for i := range byUser {
		byUser[i] = maps.Clone(byUser[i])
	}
	byUser = append(byUser[:12], byUser[11:]...) // row 12 twice too
	slices.SortStableFunc(byUser, func(a, b map[field]string) int { return strings.Compare(a[fUser], b[fUser]) })
	sorted, _, _ := readAll(t, write(t, "c.csv", writeConsole(consoleFields, english, byUser, ',')), Options{})
	want := map[string]bool{}
	for _, id := range idsOf(first) {
		want[id] = true
	}
	fresh := map[string]bool{}
	for _, e := range sorted {
		if !want[e.ID] {
			fresh[e.ID] = true
		}
		want[e.ID] = false
	}
	if len(sorted) != len(first)+1 || len(fresh) != 1 {
		t.Fatalf("the file sorted by user: %d events, %d IDs not the time-ordered file's, want %d and 1", len(sorted), len(fresh), len(first)+1)
	}
	// Another zone is another instant, so other events.
	other, _, _ := readAll(t, path, Options{Zone: tokyo})
	if other[0].ID == first[0].ID {
		t.Fatal("the same text read in another zone gave the same ID")
	}
}

func idsOf(evs []audit.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

// A broken row is named by its line (a quoted description over two lines
// counts two), counted, and handed to Reject; the good rows still come.
func TestBadRowsNamedByLine(t *testing.T) {
	in := "Timestamp,User,Scope,Category,Action,Target,Status,Description\r\n" +
		"2026-11-05 09:03:07,a@x,Service,AI Notebook,Start Notebook,nb-1,SUCCESS,\"two\r\nlines\"\r\n" +
		"2026-11-05 09:03:08,a@x,Service,AI Notebook,Start Notebook,nb-1,DONE,ok\r\n" +
		"yesterday,a@x,Service,AI Notebook,Start Notebook,nb-1,SUCCESS,ok\r\n" +
		"2026-11-05 09:03:09,a@x,Service,AI Notebook\r\n" +
		"2026-11-05 09:03:10,,Service,AI Notebook,Start Notebook,nb-1,FAILED,ok\r\n" +
		"2026-11-05 09:03:11,b@x,Billing,Wallet,Top Up Wallet,,成功,ok\r\n" +
		"2026-11-05 09:03:12,b@x,Billing,Wallet,\"Top\"Up,,SUCCESS,ok\r\n"
	var rejected []int
	var got []audit.Event
	_, rep, err := ReadFile(context.Background(), write(t, "bad.csv", []byte(in)), Options{
		Reject: func(line int, fields []string, why string) { rejected = append(rejected, line) },
	}, false, func(e audit.Event, _ int) error { got = append(got, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Status != audit.StatusSuccess || got[0].Description != "two\r\nlines" {
		t.Fatalf("read %+v", got)
	}
	if want := []int{4, 5, 6, 7, 9}; !slices.Equal(rejected, want) || rep.Bad != 5 {
		t.Fatalf("rejected lines %v (bad %d), want %v", rejected, rep.Bad, want)
	}
	for i, want := range []string{`unknown status "DONE"`, "yesterday", "4 columns", "no user", "quote"} {
		if !strings.Contains(rep.Problems[i].What, want) {
			t.Errorf("problem %d: %q, want it to say %q", i, rep.Problems[i].What, want)
		}
	}
}

// JSON Lines as query --json prints them and the API's pages, one or an
// array of them, read to the same events as served.
func TestJSONLinesAndPages(t *testing.T) {
	evs := simEvents(t, 300)[:250]
	var lines bytes.Buffer
	var objs []map[string]any
	for _, e := range evs {
		m := map[string]any{
			"id": e.ID, "timestamp": e.Time.UTC().Format(audit.TimeLayout), "user": e.User, "scope": e.Scope,
			"category": e.Category, "action": e.Action, "target": e.Target, "status": e.Status, "description": e.Description,
			"workspace": e.Workspace,
		}
		if e.SourceIP != "" {
			m["source_ip"] = e.SourceIP
		}
		if len(e.Details) > 0 {
			m["details"] = json.RawMessage(e.Details)
		}
		objs = append(objs, m)
		b, _ := json.Marshal(m)
		lines.Write(append(b, '\n'))
	}
	check := func(name string, b []byte, format Format) {
		got, _, rep := readAll(t, write(t, name, b), Options{})
		if rep.Format != format || len(got) != len(evs) || rep.Bad != 0 {
			t.Fatalf("%s: %s, %d events, bad %d", name, rep.Format, len(got), rep.Bad)
		}
		for i := range got {
			g, w := got[i], evs[i]
			if g.ID != w.ID || !g.Time.Equal(w.Time) || g.Description != w.Description || g.SourceIP != w.SourceIP ||
				string(g.Details) != string(w.Details) || (g.Workspace == nil) != (w.Workspace == nil) ||
				g.Workspace != nil && *g.Workspace != *w.Workspace {
				t.Fatalf("%s event %d:\n%+v\nwant\n%+v", name, i, g, w)
			}
		}
	}
	check("events.jsonl", lines.Bytes(), JSONLines)
	page := func(evs []map[string]any, cursor any) []byte {
		b, _ := json.MarshalIndent(map[string]any{"events": evs, "next_cursor": cursor}, "", "  ")
		return b
	}
	check("page.json", page(objs, nil), APIPages)
	many := bytes.Join([][]byte{page(objs[:100], "c1"), page(objs[100:], nil)}, []byte("\n"))
	check("pages.json", many, APIPages)
	arr, _ := json.Marshal([]map[string]any{{"events": objs[:7], "next_cursor": "x"}, {"events": objs[7:], "next_cursor": nil}})
	check("pages-array.json", arr, APIPages)
}

// A file that is no audit log gets one line saying so: a CSV of something
// else, an image, an empty file.
func TestNotAnAuditLog(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 0xff, 0x13, 0x80}, 200)...)
	for name, b := range map[string][]byte{
		"people.csv": []byte("name,age\nann,31\n"),
		"image.png":  png,
		"empty.csv":  nil,
		"blank.csv":  []byte("\r\n  \n"),
		"some.json":  []byte(`{"hello":"world"}`),
	} {
		_, _, err := ReadFile(context.Background(), write(t, name, b), Options{}, false, func(audit.Event, int) error { return nil })
		var nl *NotAnAuditLog
		if !errors.As(err, &nl) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v; want one line: not an audit log", name, err)
		}
	}
}

// A preview reads the first rows as the import will, says how, and stops.
func TestPreview(t *testing.T) {
	evs := simEvents(t, 500)
	var rows []map[field]string
	for _, e := range evs {
		rows = append(rows, consoleRow(e, e.Time.In(tokyo).Format(time.DateTime)))
	}
	order := []field{fStatus, fTimestamp, fUser, fScope, fCategory, fAction, fTarget, fDescription}
	b := writeConsole(order, japaneseHeads, rows, ';')
	b = append([]byte("\ufeff"), b...)
	path := write(t, "preview.csv", b)
	p, err := PreviewFile(context.Background(), path, Options{Zone: tokyo}, 10)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Report
	if len(p.Events) != 10 || p.Lines[0] != 2 || r.Format != ConsoleCSV || r.Encoding != "utf-8-bom" || r.Sep != ";" || r.Zone != "Asia/Tokyo" ||
		r.Fields[0] != "Status" || r.Fields[1] != "Timestamp" || r.Header[0] != "ステータス" {
		t.Fatalf("preview %+v, %d events", r, len(p.Events))
	}
	sameText(t, p.Events, evs[:10], time.Second)
}
