package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// summaryLines reads summarize --json: each group's fields joined by "|",
// and its count; the rest line as "(rest)".
func summaryLines(t *testing.T, out string, fields ...string) (map[string]int, []int) {
	t.Helper()
	got := map[string]int{}
	var order []int
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		count := int(m["count"].(float64))
		if _, ok := m["other_groups"]; ok {
			got["(rest)"] += count
			continue
		}
		var key []string
		for _, f := range fields {
			v, ok := m[f]
			if !ok {
				t.Fatalf("line lacks %q: %s", f, line)
			}
			if ws, ok := v.(map[string]any); ok {
				v = ws["id"]
			}
			key = append(key, fmt.Sprint(v))
		}
		if len(m) != len(fields)+1 {
			t.Fatalf("line has other members than %v and count: %s", fields, line)
		}
		got[strings.Join(key, "|")] = count
		order = append(order, count)
	}
	return got, order
}

// TestSummarizeMatchesAPlainCount: summarize --by over the synced cache
// gives, group for group, what a plain loop over the platform's events
// counts, largest first, with the filters applied.
func TestSummarizeMatchesAPlainCount(t *testing.T) {
	data, all := syncedData(t, 3000)

	want := map[string]int{}
	for _, e := range all {
		want[e.User+"|"+string(e.Status)]++
	}
	code, out, errOut := runArgs("summarize", "--data", data, "--by", "user,status", "--json")
	if code != ExitOK {
		t.Fatalf("summarize: exit %d, %s", code, errOut)
	}
	got, order := summaryLines(t, out, "user", "status")
	if !maps.Equal(got, want) {
		t.Fatalf("summarize --by user,status = %v,\nwant %v", got, want)
	}
	if !slices.IsSortedFunc(order, func(a, b int) int { return b - a }) {
		t.Errorf("groups not largest first: %v", order)
	}

	// Filtered, by a field that is not a column: the month in Tokyo.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	want = map[string]int{}
	for _, e := range all {
		if e.Scope == audit.ScopeBilling {
			want[e.Category+"|"+e.Time.In(tokyo).Format("2006-01")]++
		}
	}
	code, out, errOut = runArgs("summarize", "--data", data, "--scope", "Billing", "--by", "category,month", "--tz", "Asia/Tokyo", "--json")
	if code != ExitOK {
		t.Fatalf("summarize: exit %d, %s", code, errOut)
	}
	if got, _ := summaryLines(t, out, "category", "month"); !maps.Equal(got, want) {
		t.Fatalf("summarize --scope Billing --by category,month = %v,\nwant %v", got, want)
	}

	// --top 3 --csv: three groups, the rest summed, and the header.
	perWS := map[string]int{}
	for _, e := range all {
		if e.Workspace != nil {
			perWS[e.Workspace.ID]++
		} else {
			perWS[""]++
		}
	}
	if len(perWS) <= 3 {
		t.Fatalf("the test data has %d workspaces; want more than 3", len(perWS))
	}
	code, out, errOut = runArgs("summarize", "--data", data, "--by", "workspace", "--top", "3", "--csv")
	if code != ExitOK {
		t.Fatalf("summarize --csv: exit %d, %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	if len(rows) != 5 || !slices.Equal(rows[0], []string{"workspace", "count", "share"}) ||
		rows[4][0] != fmt.Sprintf("(%d other groups)", len(perWS)-3) {
		t.Fatalf("summarize --top 3 --csv:\n%s", out)
	}
	sum := 0
	for _, r := range rows[1:] {
		n, err := strconv.Atoi(r[1])
		if err != nil {
			t.Fatalf("count %q: %v", r[1], err)
		}
		sum += n
	}
	if sum != len(all) {
		t.Errorf("the rows sum to %d, the cache holds %d", sum, len(all))
	}

	// The table: the fields, the counts and shares, and a total.
	code, out, _ = runArgs("summarize", "--data", data, "--by", "status")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != ExitOK || len(lines) != 4 || !strings.HasPrefix(lines[0], "STATUS") || !strings.HasSuffix(lines[0], "COUNT  SHARE") ||
		lines[3] != "2 groups of 3,000 events" || !strings.HasSuffix(lines[1], "%") {
		t.Errorf("summarize --by status printed:\n%s", out)
	}
}

func TestSummarizeRefusesBadFlags(t *testing.T) {
	data, _ := syncedData(t, 200)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{}, ExitUsage, "summarize needs --by FIELD[,FIELD]"},
		{[]string{"--by", "size"}, ExitError, `"size" is not a field to group by; use user, action,`},
		{[]string{"--by", "user,status,action"}, ExitError, "group by one or two"},
		{[]string{"--by", "user", "--json", "--csv"}, ExitUsage, "--json and --csv: choose one"},
		{[]string{"--by", "user", "--top", "-1"}, ExitError, "top: -1 is negative"},
		{[]string{"--by", "user", "--from", "2026-13-01"}, ExitError, "from"},
	} {
		code, out, errOut := runArgs(append([]string{"summarize", "--data", data}, c.args...)...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.says) || strings.Count(errOut, "\n") < 1 {
			t.Errorf("summarize %v: exit %d, %q, %q; want exit %d saying %q", c.args, code, out, errOut, c.code, c.says)
		}
	}
}

// TestSummarizeCSVHoldsNoFormulas: values a spreadsheet would take for a
// formula come out of summarize --csv as text, as in the CSV export.
func TestSummarizeCSVHoldsNoFormulas(t *testing.T) {
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "events.jsonl")
	var lines []string
	for i, target := range []string{`=HYPERLINK("http://x.example","click")`, "+1", "-1", "@SUM(A1)", "gpu-7", "'=quoted"} {
		lines = append(lines, fmt.Sprintf(`{"id":"ev-%d","timestamp":"2026-11-0%dT10:00:00Z","user":"a@example.com","scope":"Service","category":"GPU Container","action":"Start","target":%q,"status":"SUCCESS","description":"d","workspace":null}`, i, i+1, target))
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runArgs("import", "--data", data, "--profile", "case", file); code != ExitOK {
		t.Fatalf("import: %s", errOut)
	}
	code, out, errOut := runArgs("summarize", "--data", data, "--profile", "case", "--by", "target", "--csv")
	if code != ExitOK {
		t.Fatalf("summarize: exit %d, %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 7 {
		t.Fatalf("summarize --csv: %v\n%s", err, out)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[0])
	}
	slices.Sort(got)
	want := []string{`''=quoted`, `'+1`, `'-1`, `'=HYPERLINK("http://x.example","click")`, `'@SUM(A1)`, "gpu-7"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("targets in the CSV = %q, want %q", got, want)
	}
}
