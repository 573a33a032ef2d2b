package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/store/storetest"
)

// planted synced data with three more events whose values are over the
// cache's value threshold, so Badger keeps them in a .vlog, uncompressed
// and unchecked: bytes flipped there change what is read. The saved index
// is removed, so the next reader builds it from the cache. It returns the
// data dir and the cache dir.
func planted(t *testing.T) (data, cache string) {
	t.Helper()
	data, _ = syncedData(t, 600)
	st, p := onlyProfile(t, data)
	cache = st.CacheDir(p)
	now := time.Now().UTC().Truncate(time.Millisecond)
	var evs []audit.Event
	for i := range 3 {
		evs = append(evs, audit.Event{
			ID: fmt.Sprintf("evt_planted_%d", i), Time: now.Add(-time.Hour - time.Duration(i)*time.Minute),
			User: "planted@example.com", Scope: audit.ScopeOrganization, Category: "security", Action: "planted",
			Target: "target", Status: audit.StatusSuccess, Description: fmt.Sprintf("planted description number %d", i),
			Details: []byte(`{"blob":"` + strings.Repeat("x", 1500) + `"}`),
		})
	}
	if err := storetest.Commit(cache, evs, now); err != nil {
		t.Fatal(err)
	}
	// Badger checks the newest value log when it opens and cuts it at the
	// first bad entry; the others it reads as they are. One more commit
	// puts the planted values in an older one.
	later := evs[0]
	later.ID, later.Time, later.Description = "evt_planted_later", now.Add(-time.Minute), "later"
	if err := storetest.Commit(cache, []audit.Event{later}, now); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(st.ProfileDir(p), "index.bin")); err != nil {
		t.Fatal(err)
	}
	return data, cache
}

// flipVlog replaces find with repl (of its length) in the cache's value log.
func flipVlog(t *testing.T, cache string, find, repl []byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(cache, "*.vlog"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(b, find); i >= 0 {
			copy(b[i:], repl)
			if err := os.WriteFile(f, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("%q is in no value log of %s", find, cache)
}

// An event changed in the cache's files is neither shown nor exported.
func TestAlteredEventIsRefused(t *testing.T) {
	data, cache := planted(t)
	flipVlog(t, cache, []byte("planted description number 1"), []byte("PLANTED description number 1"))
	want := "event evt_planted_1 was altered since it was synced: run auditdesk verify"

	code, out, errOut := runArgs("query", "--data", data, "--limit", "0")
	if code == ExitOK || !strings.Contains(errOut, want) || strings.Contains(out, "PLANTED") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("query: exit %d, stdout %d bytes, stderr %q; want one line %q", code, len(out), errOut, want)
	}
	path := filepath.Join(t.TempDir(), "all.csv")
	code, _, errOut = runArgs("export", "--data", data, "--out", path)
	if code == ExitOK || !strings.Contains(errOut, want) {
		t.Errorf("export: exit %d, stderr %q; want %q", code, errOut, want)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(left) != 0 {
		t.Errorf("export left %v", left)
	}
	code, out, _ = runArgs("verify", "--data", data)
	if code == ExitOK || !strings.HasPrefix(out, "FAILED: ") || !strings.Contains(out, "altered evt_planted_1:") {
		t.Errorf("verify: exit %d, %q", code, out)
	}
}

// An event whose stored value no longer decodes is refused the same way,
// and verify lists it in its report as damaged.
func TestUndecodableEventIsReportedDamaged(t *testing.T) {
	data, cache := planted(t)
	desc := "planted description number 2"
	// The description's length byte, made to run past the value's end.
	flipVlog(t, cache, append([]byte{byte(len(desc))}, desc...), append([]byte{0x7f}, desc...))

	code, out, errOut := runArgs("query", "--data", data, "--limit", "0")
	want := "event evt_planted_2 was altered since it was synced (it cannot be read): run auditdesk verify"
	if code == ExitOK || !strings.Contains(errOut, want) {
		t.Errorf("query: exit %d, stdout %d bytes, stderr %q; want %q", code, len(out), errOut, want)
	}
	code, out, errOut = runArgs("verify", "--data", data)
	if code == ExitOK || !strings.HasPrefix(out, "FAILED: ") || !strings.Contains(out, "damaged evt_planted_2: its stored value cannot be read") ||
		!strings.Contains(out, "damaged (unreadable) 1,") || !strings.Contains(errOut, errVerifyFailed.Error()) {
		t.Errorf("verify: exit %d, stdout %q, stderr %q; want a report listing evt_planted_2 as damaged", code, out, errOut)
	}
}

// A sync into a cache that cannot be read whole says so, and fails.
func TestSyncSaysWhenTheCacheCannotBeRead(t *testing.T) {
	data, cache := planted(t)
	flipVlog(t, cache, []byte("planted description number 0"), []byte("planted description numbeR 0"))
	_, p := onlyProfile(t, data)
	code, out, errOut := runArgs("sync", "--data", data, "--api", p.APIURL)
	if code == ExitOK || strings.Contains(out, "the cache holds") ||
		!strings.Contains(errOut, "the sync is saved, but event evt_planted_0 was altered since it was synced: run auditdesk verify") {
		t.Errorf("sync: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// A saved index damaged on disk (bytes flipped in its columns) is met by
// the blocks' checksums where a query reads it, rebuilt from the cache,
// and the query's output is whole and as before: never rows read from the
// damaged bytes, never a query that stops halfway.
func TestQueryRebuildsADamagedIndex(t *testing.T) {
	data, _ := syncedData(t, 3000)
	st, p := onlyProfile(t, data)
	path := filepath.Join(st.ProfileDir(p), "index.bin")
	queries := [][]string{
		{"query", "--data", data, "--json"},
		{"query", "--data", data, "--search", "gpu", "--json"},
	}
	var want []string
	for _, q := range queries {
		code, out, errOut := runArgs(q...)
		if code != ExitOK || out == "" {
			t.Fatalf("%v: exit %d, stderr %q", q, code, errOut)
		}
		want = append(want, out)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// At a quarter, half and nine tenths of the file: the columns, the
	// rows' text, the search text (the last section).
	for _, at := range []int{len(good) / 4, len(good) / 2, len(good) * 9 / 10} {
		for k, q := range queries {
			b := bytes.Clone(good)
			b[at] ^= 0x10
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runArgs(q...)
			if code != ExitOK || out != want[k] {
				t.Fatalf("%v with byte %d of %d flipped: exit %d, %d bytes out (want %d), stderr %q", q, at, len(good), code, len(out), len(want[k]), errOut)
			}
		}
	}
	// The last query rebuilt the file, or left it as it was when it did
	// not read the damaged block; either way one more of each is right.
	for k, q := range queries {
		if code, out, errOut := runArgs(q...); code != ExitOK || out != want[k] {
			t.Fatalf("%v after: exit %d, stderr %q", q, code, errOut)
		}
	}
}
