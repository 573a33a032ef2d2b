package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// queryLines is `query --json` of a data dir's profile (or case), all of it.
func queryLines(t *testing.T, data string, extra ...string) []string {
	t.Helper()
	code, out, errOut := runArgs(append([]string{"query", "--data", data, "--limit", "0", "--json", "--sort", "timestamp:asc"}, extra...)...)
	if code != ExitOK {
		t.Fatalf("query: %s", errOut)
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// Round trip: a synced profile's query --json, imported into a fresh case,
// is the same events, line for line; so are its CSV export and its XLSX
// export (times in Asia/Tokyo), imported: every field, the workspace's id
// and the details byte for byte among them. Importing again adds nothing.
func TestImportRoundTrip(t *testing.T) {
	data, _ := syncedData(t, 2000)
	want := queryLines(t, data)
	// What an export used to lose or alter is in the data.
	for _, s := range []string{`"details":{`, `"workspace":{"id":"ws_`, `\u001b`} {
		if !strings.Contains(strings.Join(want, "\n"), s) {
			t.Fatalf("the test data has no %s", s)
		}
	}
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(jsonl, []byte(strings.Join(want, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	csvFile := filepath.Join(dir, "events.csv")
	if code, _, errOut := runArgs("export", "--data", data, "--out", csvFile); code != ExitOK {
		t.Fatalf("export: %s", errOut)
	}

	fromJSON := t.TempDir()
	code, out, errOut := runArgs("import", jsonl, "--data", fromJSON, "--profile", "Case A") // flags after the file, as shared/cli.md writes them
	if code != ExitOK || !strings.Contains(out, "imported 2,000 events (0 duplicates, 0 rejected) into profile Case A") {
		t.Fatalf("import: exit %d, %q, %q", code, out, errOut)
	}
	if got := queryLines(t, fromJSON); !slices.Equal(got, want) {
		t.Fatalf("the case's events differ from the source's: %d lines, want %d\n%s\nwant\n%s", len(got), len(want), got[0], want[0])
	}

	xlsxFile := filepath.Join(dir, "events.xlsx")
	if code, _, errOut := runArgs("export", "--data", data, "--out", xlsxFile, "--tz", "Asia/Tokyo"); code != ExitOK {
		t.Fatalf("export XLSX: %s", errOut)
	}
	fromXLSX := t.TempDir()
	if code, out, errOut := runArgs("import", "--data", fromXLSX, xlsxFile); code != ExitOK || !strings.Contains(out, "read as auditdesk-xlsx\n") ||
		!strings.Contains(out, "times in Asia/Tokyo, as the file says") {
		t.Fatalf("import XLSX: exit %d, %q, %q", code, out, errOut)
	}

	fromCSV := t.TempDir()
	if code, out, errOut := runArgs("import", "--data", fromCSV, csvFile); code != ExitOK || !strings.Contains(out, "read as auditdesk-csv") {
		t.Fatalf("import CSV: exit %d, %q, %q", code, out, errOut)
	}
	sameLines(t, "the CSV's case", queryLines(t, fromCSV), want)
	sameLines(t, "the XLSX's case", queryLines(t, fromXLSX), want)

	// Again, and the CSV into the JSON's case: nothing new.
	code, out, _ = runArgs("import", "--data", fromJSON, "--profile", "Case A", jsonl, csvFile)
	if code != ExitOK || strings.Count(out, "imported 0 events (2,000 duplicates, 0 rejected)") != 2 {
		t.Fatalf("a second import: exit %d, %q", code, out)
	}
	if n := len(queryLines(t, fromJSON)); n != len(want) {
		t.Fatalf("%d events after importing again, want %d", n, len(want))
	}
	// verify covers the imported events; a case has no sync, so no gaps.
	code, out, errOut = runArgs("verify", "--data", fromJSON, "--profile", "Case A")
	if code != ExitOK || !strings.Contains(out, "OK: Case A: 2,000 events, each as its import recorded it") || strings.Contains(out, "gap") {
		t.Fatalf("verify: exit %d, %q, %q", code, out, errOut)
	}
	// An export of the case names it and the files it holds, and checks.
	out2 := filepath.Join(dir, "case.csv")
	if code, _, errOut := runArgs("export", "--data", fromJSON, "--profile", "Case A", "--out", out2); code != ExitOK {
		t.Fatalf("export the case: %s", errOut)
	}
	var m struct {
		Case    string
		Sources []struct{ File, SHA256 string }
		Gaps    []any
	}
	b, _ := os.ReadFile(out2 + ".manifest.json")
	if err := json.Unmarshal(b, &m); err != nil || m.Case != "Case A" || len(m.Sources) != 2 || m.Sources[0].File != "events.jsonl" ||
		len(m.Sources[0].SHA256) != 64 || len(m.Gaps) != 0 {
		t.Fatalf("the case's export manifest: %+v, %v", m, err)
	}
	if code, out, errOut := runArgs("verify-export", out2); code != ExitOK {
		t.Fatalf("verify-export: %q %q", out, errOut)
	}
	// The case is not the synced profile's, and says what it holds.
	code, out, _ = runArgs("profiles", "--data", fromJSON)
	if code != ExitOK || !strings.Contains(out, "Case A") || !strings.Contains(out, "case") || !strings.Contains(out, "(imported files)") {
		t.Fatalf("profiles: %q", out)
	}
}

// A file with bad rows is refused whole, its lines named, the case as it
// was; --skip-bad imports the rest and writes the bad rows aside. A file
// that is no audit log is one line. The exit says a file was refused.
func TestImportRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	data := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	head := "Timestamp,User,Scope,Category,Action,Target,Status,Description\r\n"
	row := "2026-11-05 09:03:07,a@x.example,Service,AI Notebook,Start Notebook,nb-1,SUCCESS,ok\r\n"
	_ = os.WriteFile(good, []byte(head+row), 0o600)
	_ = os.WriteFile(bad, []byte(head+
		"2026-11-05 09:04:00,b@x.example,Billing,Wallet,Top Up Wallet,,SUCCESS,\"two\r\nlines\"\r\n"+
		"2026-11-05 09:05:00,b@x.example,Billing,Wallet,Top Up Wallet,,MAYBE,x\r\n"+
		"2026-13-05 09:06:00,b@x.example,Billing,Wallet,Top Up Wallet,,FAILED,x\r\n"), 0o600)
	if code, _, errOut := runArgs("import", "--data", data, "--tz", "Asia/Tokyo", good); code != ExitOK {
		t.Fatalf("import: %s", errOut)
	}
	before := queryLines(t, data)
	code, out, errOut := runArgs("import", "--data", data, "--tz", "Asia/Tokyo", bad)
	if code != ExitError || out != "" || !strings.Contains(errOut, "bad.csv: refused: 2 of its rows cannot be read") ||
		!strings.Contains(errOut, "bad.csv:4: unknown status \"MAYBE\"") || !strings.Contains(errOut, "bad.csv:5: timestamp") ||
		!strings.Contains(errOut, "1 of 1 files refused") {
		t.Fatalf("a bad file: exit %d, %q, %q", code, out, errOut)
	}
	if after := queryLines(t, data); !slices.Equal(after, before) {
		t.Fatal("a refused file changed the case")
	}
	code, out, errOut = runArgs("import", "--data", data, "--tz", "Asia/Tokyo", "--skip-bad", bad)
	if code != ExitOK || !strings.Contains(out, "imported 1 events (0 duplicates, 2 rejected)") {
		t.Fatalf("--skip-bad: exit %d, %q, %q", code, out, errOut)
	}
	rejected, err := os.ReadFile(bad + ".rejected.csv")
	if err != nil || strings.Count(string(rejected), "\n") != 3 || !strings.Contains(string(rejected), "MAYBE") {
		t.Fatalf("rejected rows: %q, %v", rejected, err)
	}
	if fi, _ := os.Stat(bad + ".rejected.csv"); fi.Mode().Perm() != 0o600 {
		t.Fatalf("the rejected rows' file is %v, want owner-only", fi.Mode().Perm())
	}
	png := filepath.Join(dir, "x.png")
	_ = os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), 0o600)
	code, _, errOut = runArgs("import", "--data", data, png)
	if code != ExitError || !strings.Contains(errOut, "x.png: not an audit log export") {
		t.Fatalf("a PNG: exit %d, %q", code, errOut)
	}
	// A synced profile's name is not a case's.
	synced, _ := syncedData(t, 50)
	name := strings.Fields(queryProfilesLine(t, synced))[0]
	if code, _, errOut := runArgs("import", "--data", synced, "--profile", name, good); code == ExitOK || !strings.Contains(errOut, "is a synced profile") {
		t.Fatalf("into the synced profile %q: exit %d, %q", name, code, errOut)
	}
}

// queryProfilesLine is the first profile line `profiles` prints.
func queryProfilesLine(t *testing.T, data string) string {
	t.Helper()
	_, out, _ := runArgs("profiles", "--data", data)
	lines := strings.Split(out, "\n")
	if len(lines) < 2 {
		t.Fatalf("profiles: %q", out)
	}
	return lines[1]
}

// sameLines fails the test at the first of got's lines (query --json)
// that is not want's.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("%s: event %d of %d is\n%s\nwant\n%s", what, i, len(want), got[i], want[i])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d events, want %d", what, len(got), len(want))
	}
}

// The console's export as Excel leaves it on a Japanese Windows (Shift_JIS,
// "2026/11/05 9:03" times) and as "Unicode Text" (UTF-16LE, tabs) import
// with their Japanese intact, and the lines say what was assumed.
func TestImportExcelFiles(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	head := "タイムスタンプ,ユーザー,スコープ,カテゴリ,アクション,ターゲット,ステータス,説明\r\n"
	rows := "2026/11/05 9:03,tanaka@example.jp,サービス,AI Notebook,Stop Notebook,ノートブック-01,成功,ノートブックを停止しました\r\n" +
		"2026/11/05 9:04,sato@example.jp,請求,Wallet,Top Up Wallet,,失敗,\"ウォレットに ￥550,000 をチャージできませんでした\"\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(head + rows)
	if err != nil {
		t.Fatal(err)
	}
	sjisFile := filepath.Join(dir, "console-sjis.csv")
	_ = os.WriteFile(sjisFile, []byte(sjis), 0o600)
	tsv := strings.ReplaceAll(strings.ReplaceAll(head+rows, ",", "\t"), "550\t000", "550,000")
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(tsv)
	if err != nil {
		t.Fatal(err)
	}
	u16File := filepath.Join(dir, "console.txt")
	_ = os.WriteFile(u16File, []byte(u16), 0o600)

	code, out, errOut := runArgs("import", "--data", data, "--tz", "Asia/Tokyo", sjisFile)
	for _, want := range []string{"imported 2 events", "read as console-csv, shift_jis, separated by ,", "taken as Asia/Tokyo", "2 rows had no seconds"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Fatalf("Shift_JIS: exit %d, %q (want %q), %q", code, out, want, errOut)
		}
	}
	lines := queryLines(t, data)
	if len(lines) != 2 || !strings.Contains(lines[0], `"timestamp":"2026-11-05T00:03:00.000Z"`) ||
		!strings.Contains(lines[0], "ノートブックを停止しました") || !strings.Contains(lines[1], "￥550,000") ||
		!strings.Contains(lines[1], `"scope":"Billing"`) || !strings.Contains(lines[1], `"status":"FAILED"`) {
		t.Fatalf("the events: %q", lines)
	}
	// The same rows as Unicode Text: the same events, so nothing new.
	code, out, errOut = runArgs("import", "--data", data, "--tz", "Asia/Tokyo", u16File)
	if code != ExitOK || !strings.Contains(out, "imported 0 events (2 duplicates, 0 rejected)") || !strings.Contains(out, "utf-16le, tab-separated") {
		t.Fatalf("UTF-16: exit %d, %q, %q", code, out, errOut)
	}
}
