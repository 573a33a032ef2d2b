package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/marks"
)

// queryIDs runs query --json with args and returns the IDs it printed.
func queryIDs(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := runArgs(append([]string{"query", "--json"}, args...)...)
	if code != ExitOK {
		t.Fatalf("query %v: exit %d, %s", args, code, errOut)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var e struct{ ID string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestMarksFilterLikeAnyField: events marked by ID or by filter are what
// --tag finds in query and summarize, after a sync and a restart too;
// unmark takes them off; each change is one activity record whose SHA-256
// is the file's.
func TestMarksFilterLikeAnyField(t *testing.T) {
	sim, url := startSim(t, 3000)
	data := t.TempDir()
	t.Setenv("AUDITDESK_TOKEN", sim.Tokens().Owner)
	if code, _, errOut := runArgs("sync", "--api", url, "--data", data); code != ExitOK {
		t.Fatalf("sync: %s", errOut)
	}
	all := sim.Visible(sim.Tokens().Owner, time.Now())
	picked := []string{all[10].ID, all[500].ID, all[2000].ID}
	slices.Sort(picked)

	code, out, errOut := runArgs("mark", "--data", data, "--tag", "finding", "--note", "MFA off for an owner", "--id", picked[0], "--id", picked[1], "--id", picked[2])
	if code != ExitOK || !strings.HasPrefix(out, "marked 3 events finding (3 new) in profile ") {
		t.Fatalf("mark --id: exit %d, %q, %q", code, out, errOut)
	}
	var failedBilling []string
	for _, e := range all {
		if e.Scope == audit.ScopeBilling && e.Status == audit.StatusFailed {
			failedBilling = append(failedBilling, e.ID)
		}
	}
	slices.Sort(failedBilling)
	code, out, errOut = runArgs("mark", "--data", data, "--tag", "Q4 sample", "--scope", "Billing", "--status", "FAILED")
	if code != ExitOK || !strings.HasPrefix(out, "marked "+events(len(failedBilling))+" Q4 sample") {
		t.Fatalf("mark by filter: exit %d, %q, %q", code, out, errOut)
	}

	if got := queryIDs(t, "--data", data, "--tag", "finding"); !slices.Equal(got, picked) {
		t.Fatalf("query --tag finding = %v, want %v", got, picked)
	}
	if got := queryIDs(t, "--data", data, "--tag", "Q4 sample"); !slices.Equal(got, failedBilling) {
		t.Fatalf("query --tag 'Q4 sample' gives %d events, want the %d failed billing ones", len(got), len(failedBilling))
	}
	union := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(picked), failedBilling...))))
	if got := queryIDs(t, "--data", data, "--tag", "finding", "--tag", "Q4 sample"); !slices.Equal(got, union) {
		t.Fatalf("two tags: %d events, want any of them: %d", len(got), len(union))
	}
	// With another filter: both apply.
	var want []string
	for _, e := range all {
		if slices.Contains(picked, e.ID) && e.Scope == all[500].Scope {
			want = append(want, e.ID)
		}
	}
	slices.Sort(want)
	if got := queryIDs(t, "--data", data, "--tag", "finding", "--scope", string(all[500].Scope)); !slices.Equal(got, want) {
		t.Fatalf("--tag finding --scope: %v, want %v", got, want)
	}
	code, out, _ = runArgs("summarize", "--data", data, "--tag", "finding", "--by", "status", "--json")
	if got, _ := summaryLines(t, out, "status"); code != ExitOK || got["SUCCESS"]+got["FAILED"] != 3 {
		t.Errorf("summarize --tag finding: %v", out)
	}
	if got := queryIDs(t, "--data", data, "--tag", "no such tag"); len(got) != 0 {
		t.Errorf("an unused tag finds %d events", len(got))
	}

	// A sync later, and a process started anew: the marks hold.
	if code, _, errOut := runArgs("sync", "--api", url, "--data", data); code != ExitOK {
		t.Fatalf("sync again: %s", errOut)
	}
	if got := queryIDs(t, "--data", data, "--tag", "finding"); !slices.Equal(got, picked) {
		t.Fatalf("after a sync, query --tag finding = %v, want %v", got, picked)
	}

	code, out, errOut = runArgs("unmark", "--data", data, "--tag", "finding", "--id", picked[1])
	if code != ExitOK || !strings.HasPrefix(out, "unmarked 1 event finding of 1 in profile ") {
		t.Fatalf("unmark: exit %d, %q, %q", code, out, errOut)
	}
	if got := queryIDs(t, "--data", data, "--tag", "finding"); !slices.Equal(got, []string{picked[0], picked[2]}) {
		t.Fatalf("after unmark: %v", got)
	}

	// Each change is an activity record naming the file's SHA-256.
	st, p := onlyProfile(t, data)
	log, err := st.ActivityLog(p)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var last string
	for _, a := range log {
		if a.Mark != nil {
			kinds = append(kinds, a.Kind+" "+a.Mark.Tag)
			last = a.SHA256
		}
	}
	s, err := marks.Read(st.ProfileDir(p))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kinds, []string{"mark finding", "mark Q4 sample", "unmark finding"}) || last != s.SHA256() {
		t.Errorf("activity: %v, last SHA-256 %s; the file's %s", kinds, last, s.SHA256())
	}
	if fi, err := os.Stat(marks.Path(st.ProfileDir(p))); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("marks file: %v %v; want owner-only", err, fi.Mode())
	}
}

// TestVerifyFindsAChangedNote: verify says the marks are as recorded, and
// fails, naming the marks file, once a note is changed by hand.
func TestVerifyFindsAChangedNote(t *testing.T) {
	data, all := syncedData(t, 300)
	if code, _, errOut := runArgs("mark", "--data", data, "--tag", "finding", "--note", "MFA off", "--id", all[7].ID); code != ExitOK {
		t.Fatalf("mark: %s", errOut)
	}
	code, out, errOut := runArgs("verify", "--data", data)
	if code != ExitOK || !strings.Contains(out, "OK: marks: 1, as the activity log last recorded them") {
		t.Fatalf("verify: exit %d, %q, %q", code, out, errOut)
	}
	st, p := onlyProfile(t, data)
	path := marks.Path(st.ProfileDir(p))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), "MFA off", "MFA on", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runArgs("verify", "--data", data)
	if code != ExitError || !strings.Contains(out, "FAILED: marks: the marks file was changed outside AuditDesk since its last recorded mark") ||
		!strings.Contains(errOut, "the marks file is not as AuditDesk last recorded it") {
		t.Fatalf("verify after a note was changed: exit %d, %q, %q", code, out, errOut)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if code, out, _ = runArgs("verify", "--data", data); code != ExitError || !strings.Contains(out, "FAILED: marks: the marks file is gone") {
		t.Fatalf("verify with the marks file removed: exit %d, %q", code, out)
	}
	// A marks file dropped in by hand, with no mark recorded: not ours.
	data2, _ := syncedData(t, 100)
	st2, p2 := onlyProfile(t, data2)
	if err := os.WriteFile(filepath.Join(st2.ProfileDir(p2), marks.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ = runArgs("verify", "--data", data2); code != ExitError || !strings.Contains(out, "not written by AuditDesk") {
		t.Fatalf("verify with a marks file AuditDesk did not write: exit %d, %q", code, out)
	}
}

func TestMarkRefusals(t *testing.T) {
	data, all := syncedData(t, 200)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--id", all[0].ID}, ExitUsage, "--tag NAME is needed"},
		{[]string{"--tag", "Finding", "--id", all[0].ID}, ExitError, `"Finding"; did you mean finding?`},
		{[]string{"--tag", "finding", "--id", "ev-nope", "--id", all[0].ID}, ExitError, "the cache holds no event ev-nope: check the IDs"},
		{[]string{"--tag", "finding", "--id", all[0].ID, "--scope", "Billing"}, ExitUsage, "--id and filters: name the events one way"},
		{[]string{"--tag", "finding", "--note", "a\x07b", "--id", all[0].ID}, ExitError, "control character"},
	} {
		code, out, errOut := runArgs(append([]string{"mark", "--data", data}, c.args...)...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.says) {
			t.Errorf("mark %q: exit %d, %q, %q; want exit %d saying %q", c.args, code, out, errOut, c.code, c.says)
		}
	}
	st, p := onlyProfile(t, data)
	if _, err := os.Stat(marks.Path(st.ProfileDir(p))); err == nil {
		t.Error("a refused mark wrote the marks file")
	}
}
