package cli

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// syncedData syncs a simulator's events into a new data dir and returns it
// with the events the platform shows.
// onlyProfile opens data's settings and its one profile.
func onlyProfile(t *testing.T, data string) (*settings.Store, settings.Profile) {
	t.Helper()
	st, err := settings.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.FindProfile("")
	if err != nil {
		t.Fatal(err)
	}
	return st, p
}

func syncedData(t *testing.T, events int) (string, []audit.Event) {
	t.Helper()
	sim, url := startSim(t, events)
	data := t.TempDir()
	t.Setenv("AUDITDESK_TOKEN", sim.Tokens().Owner)
	if code, _, errOut := runArgs("sync", "--api", url, "--data", data); code != ExitOK {
		t.Fatalf("sync: %s", errOut)
	}
	return data, sim.Visible(sim.Tokens().Owner, time.Now())
}

func TestQueryJSONMatchesThePlatform(t *testing.T) {
	data, all := syncedData(t, 3000)
	var want []audit.Event
	for _, e := range all {
		if e.Scope == audit.ScopeBilling && e.Status == audit.StatusFailed {
			want = append(want, e)
		}
	}
	if len(want) == 0 {
		t.Fatal("no failed billing events in the test data")
	}
	code, out, errOut := runArgs("query", "--data", data, "--scope", "Billing", "--status", "FAILED", "--sort", "timestamp:asc", "--json")
	if code != ExitOK {
		t.Fatalf("query: exit %d, %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("query printed %d events, the platform has %d", len(lines), len(want))
	}
	for i, line := range lines {
		var got map[string]any
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d is not JSON: %q", i, line)
		}
		for _, k := range []string{"id", "timestamp", "user", "scope", "category", "action", "target", "status", "description", "workspace"} {
			if _, ok := got[k]; !ok {
				t.Fatalf("line %d lacks %q: %s", i, k, line)
			}
		}
		if got["id"] != want[i].ID {
			t.Fatalf("line %d is %v, want %s (timestamp order)", i, got["id"], want[i].ID)
		}
	}
}

// --target (repeatable) finds the events whose target is one of those
// given, whole: the count a plain scan of query --json gives, and not the
// events whose target or description only holds it.
func TestQueryTarget(t *testing.T) {
	data, all := syncedData(t, 3000)
	count := map[string]int{}
	for _, e := range all {
		count[e.Target]++
	}
	// Two targets of several events each; a third name that is only part of one.
	var picked []string
	for v, n := range count {
		if v != "" && n >= 3 && len(picked) < 2 {
			picked = append(picked, v)
		}
	}
	if len(picked) < 2 {
		t.Fatal("the test data has no two targets of 3 events")
	}
	code, out, errOut := runArgs("query", "--data", data, "--target", picked[0], "--target", picked[1], "--json")
	if code != ExitOK {
		t.Fatalf("query: exit %d, %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if want := count[picked[0]] + count[picked[1]]; len(lines) != want {
		t.Fatalf("--target %q --target %q printed %d events, the platform has %d", picked[0], picked[1], len(lines), want)
	}
	for _, line := range lines {
		var got struct{ Target string }
		if err := json.Unmarshal([]byte(line), &got); err != nil || (got.Target != picked[0] && got.Target != picked[1]) {
			t.Fatalf("an event of another target: %s", line)
		}
	}
	part := picked[0][:len(picked[0])-1]
	if code, out, _ := runArgs("query", "--data", data, "--target", part, "--json"); code != ExitOK || strings.Count(out, "\n") != count[part] {
		t.Errorf("--target %q (part of %q) printed %d events, want its own %d", part, picked[0], strings.Count(out, "\n"), count[part])
	}
}

// --search finds an event by its source IP (a part of it: a subnet's
// prefix) and by its whole event ID, through the same cache query --json
// prints, with source_ip as served; a sort by source_ip orders by it.
func TestQuerySearchSourceIPAndID(t *testing.T) {
	data, all := syncedData(t, 3000)
	ips := map[string]int{}
	for _, e := range all {
		ips[e.SourceIP]++
	}
	var ip string
	for v, n := range ips {
		if v != "" && n >= 3 && strings.Count(v, ".") == 3 && (ip == "" || v < ip) {
			ip = v
		}
	}
	if ip == "" {
		t.Fatal("the test data has no IPv4 source_ip of 3 events")
	}
	prefix := ip[:strings.LastIndexByte(ip, '.')+1] // "10.1.2.": a subnet
	want := 0
	for _, e := range all {
		term := strings.ToLower(prefix)
		for _, v := range []string{e.User, string(e.Scope), e.Category, e.Action, e.Target, e.Description, e.SourceIP} {
			if strings.Contains(strings.ToLower(v), term) {
				want++
				break
			}
		}
	}
	code, out, errOut := runArgs("query", "--data", data, "--search", prefix, "--sort", "source_ip", "--json")
	if code != ExitOK {
		t.Fatalf("query: exit %d, %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != want || want < ips[ip] {
		t.Fatalf("--search %q printed %d events, a plain scan of the platform's finds %d (%d from %s)", prefix, len(lines), want, ips[ip], ip)
	}
	seen, last := 0, ""
	for _, line := range lines {
		var got struct {
			SourceIP string `json:"source_ip"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if got.SourceIP == ip {
			seen++
		}
		if got.SourceIP < last {
			t.Fatalf("--sort source_ip: %q after %q", got.SourceIP, last)
		}
		last = got.SourceIP
	}
	if seen != ips[ip] {
		t.Fatalf("%d events from %s, the platform has %d", seen, ip, ips[ip])
	}

	e := all[len(all)/2]
	code, out, errOut = runArgs("query", "--data", data, "--search", " "+e.ID+" ", "--json")
	if code != ExitOK || !strings.Contains(out, `"id":"`+e.ID+`"`) {
		t.Fatalf("--search by event ID %s: exit %d, %q, %s", e.ID, code, out, errOut)
	}
	if code, out, _ = runArgs("query", "--data", data, "--search", e.ID[:len(e.ID)-1]+"~", "--json"); code != ExitOK || strings.Contains(out, e.ID) {
		t.Fatalf("an ID that is not %s found it: %q", e.ID, out)
	}
}

func TestQueryTableAndLimit(t *testing.T) {
	data, all := syncedData(t, 1000)
	code, out, errOut := runArgs("query", "--data", data, "--limit", "5")
	if code != ExitOK {
		t.Fatalf("query: %s", errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "TIMESTAMP (UTC)") {
		t.Fatalf("want a header, 5 rows and a count; got:\n%s", out)
	}
	if want := "5 of " + num(int64(len(all))) + " events"; lines[6] != want {
		t.Errorf("last line %q, want %q", lines[6], want)
	}
	// Newest first by default.
	newest := all[len(all)-1].Time.UTC().Format(time.DateTime)
	if !strings.HasPrefix(lines[1], newest) {
		t.Errorf("first row %q, want the newest event (%s)", lines[1], newest)
	}
	for _, l := range lines[1:6] {
		if strings.ContainsAny(l, "\x1b\r") {
			t.Errorf("a row carries control characters to the terminal: %q", l)
		}
	}
}

func TestQueryBadValuesNameTheFlag(t *testing.T) {
	data, _ := syncedData(t, 200)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--scope", "billing"}, "scope:"},
		{[]string{"--status", "ok\a"}, "status:"}, // any status the cache may hold, but not a control character
		{[]string{"--from", "2026-02-01", "--to", "2026-01-01"}, "to:"},
		{[]string{"--from", "last week"}, "from:"},
		{[]string{"--sort", "ip"}, "sort:"},
		{[]string{"--tz", "Mars/Olympus"}, "tz:"},
		{[]string{"--limit", "-1"}, "limit:"},
		{[]string{"--profile", "nobody"}, "nobody"},
	} {
		code, out, errOut := runArgs(append([]string{"query", "--data", data}, tt.args...)...)
		if code != ExitError || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1, nothing, one line naming %s", tt.args, code, out, errOut, tt.want)
		}
	}
}

func TestQueryTimeZone(t *testing.T) {
	data, all := syncedData(t, 2000)
	day := all[len(all)/2].Time.In(time.FixedZone("JST", 9*3600)).Format(time.DateOnly)
	from, _ := time.ParseInLocation(time.DateOnly, day, time.FixedZone("JST", 9*3600))
	to := from.AddDate(0, 0, 1)
	want := 0
	for _, e := range all {
		if !e.Time.Before(from) && e.Time.Before(to) {
			want++
		}
	}
	code, out, errOut := runArgs("query", "--data", data, "--from", day, "--to", to.Format(time.DateOnly), "--tz", "Asia/Tokyo", "--json")
	if code != ExitOK {
		t.Fatal(errOut)
	}
	if got := strings.Count(out, "\n"); got != want || want == 0 {
		t.Errorf("events of %s in Tokyo: got %d, want %d", day, got, want)
	}
}

// With the window open on the cache, a script's query reads the index the
// window saved after its last sync: silently while the cache says nothing
// writes it (the index is current), saying so while the window may be
// writing; without a saved index it says what to do.
func TestQueryWhileTheWindowHoldsTheCache(t *testing.T) {
	data, all := syncedData(t, 1000)
	st, p := onlyProfile(t, data)
	window := session.NewDesk(st, slog.New(slog.DiscardHandler))
	if _, err := window.Open(p).Status(); err != nil { // opens the cache, as the window does
		t.Fatal(err)
	}
	defer func() { _ = window.Close() }()

	code, out, errOut := runArgs("query", "--data", data, "--json")
	if code != ExitOK || strings.Count(out, "\n") != len(all) || errOut != "" {
		t.Fatalf("query with the cache held, clean: exit %d, %d lines (want %d), stderr %q", code, strings.Count(out, "\n"), len(all), errOut)
	}

	// The window syncing: the cache is marked as being written.
	if err := os.WriteFile(filepath.Join(st.CacheDir(p), "auditdesk-state.json"), []byte(`{"clean":false}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runArgs("query", "--data", data, "--json")
	if code != ExitOK || strings.Count(out, "\n") != len(all) {
		t.Fatalf("query with the cache held: exit %d, %d lines (want %d), stderr %q", code, strings.Count(out, "\n"), len(all), errOut)
	}
	if !strings.Contains(errOut, "open in another AuditDesk") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("stderr %q, want one line saying the saved index is shown", errOut)
	}

	if err := os.Remove(filepath.Join(st.ProfileDir(p), "index.bin")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runArgs("query", "--data", data)
	if code != ExitError || out != "" || !strings.Contains(errOut, "close it and retry") {
		t.Errorf("query with the cache held and no saved index: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
