package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// auditdesk export writes exactly the rows auditdesk query prints for the
// same filter and sort, proves them with its manifest and records itself.
func TestExportIsTheQuerysRows(t *testing.T) {
	data, _ := syncedData(t, 3000)
	filter := []string{"--scope", "Service", "--status", "SUCCESS", "--sort", "user:asc", "--tz", "Asia/Tokyo"}
	code, out, errOut := runArgs(append([]string{"query", "--data", data, "--json"}, filter...)...)
	if code != ExitOK {
		t.Fatal(errOut)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e struct{ ID string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	dir := t.TempDir()
	for _, name := range []string{"service.csv", "service.xlsx"} {
		path := filepath.Join(dir, name)
		code, out, errOut := runArgs(append([]string{"export", "--data", data, "--out", path}, filter...)...)
		if code != ExitOK || !strings.Contains(out, "exported "+num(int64(len(ids)))+" rows") || strings.Count(out, "\n") != 1 {
			t.Fatalf("export %s: exit %d, %q, %q", name, code, out, errOut)
		}
		m, err := export.ReadManifest(path + export.ManifestSuffix)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if m.SHA256 != hex.EncodeToString(sum[:]) || m.Rows != len(ids) || m.TimeZone != "Asia/Tokyo" || m.Sort.String() != "user:asc" || m.Filter.Scope != "Service" {
			t.Errorf("%s: manifest %+v", name, m)
		}
		if !strings.Contains(out, m.SHA256) {
			t.Errorf("%s: the summary %q does not give the hash", name, out)
		}
		if name == "service.csv" {
			rows, err := export.ReadCSV(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(ids)+1 || rows[0][0] != "Timestamp (Asia/Tokyo)" {
				t.Fatalf("%d records, header %q", len(rows), rows[0])
			}
			for i, id := range ids {
				if got := rows[i+1][9]; got != id {
					t.Fatalf("row %d is %s, auditdesk query's is %s", i, got, id)
				}
			}
		}
	}

	// Both exports are in the profile's activity log.
	st, p := onlyProfile(t, data)
	log, err := st.ActivityLog(p)
	if err != nil || len(log) != 2 {
		t.Fatalf("activity log %+v, %v; want both exports", log, err)
	}
	if a := log[1]; a.Kind != "export" || a.Format != "xlsx" || a.Rows != len(ids) || a.User != p.User || len(a.SHA256) != 64 || a.Filter.Status != "SUCCESS" {
		t.Errorf("activity %+v", a)
	}
	if fi, err := os.Stat(st.ActivityPath(p)); err != nil || fi.Mode().Perm() != settings.FileMode {
		t.Errorf("activity log %v, %v; want owner-only", fi, err)
	}
}

func TestExportErrors(t *testing.T) {
	data, _ := syncedData(t, 100)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"export", "--data", data}, ExitUsage, "--out"},
		{[]string{"export", "--data", data, "--out", filepath.Join(dir, "x.txt")}, ExitError, ".csv, .xlsx or .parquet"},
		{[]string{"export", "--data", data, "--out", filepath.Join(dir, "no", "x.csv")}, ExitError, "create it"},
		{[]string{"export", "--data", data, "--out", filepath.Join(dir, "x.csv"), "--status", "maybe\a"}, ExitError, "status:"},
		{[]string{"export", "--data", data, "--out", filepath.Join(dir, "x.csv"), "--format", "pdf"}, ExitError, "format:"},
	} {
		code, _, errOut := runArgs(c.args...)
		if code != c.code || !strings.Contains(errOut, c.says) || c.code == ExitError && strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want %d saying %q", c.args, code, errOut, c.code, c.says)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("failed exports left %v", ents)
	}
}

// A scheduled export run while the window is open writes the same evidence
// as with the window closed: the window, idle, releases the cache, and the
// export reads the chain and the coverage whole. While the window uses
// the cache past the export's wait (a long sync), no export is written,
// rather than one whose rows nothing checked.
func TestExportBesideTheWindow(t *testing.T) {
	data, all := syncedData(t, 1500)
	st, p := onlyProfile(t, data)
	window := session.NewDesk(st, slog.New(slog.DiscardHandler))
	window.CloseIdle(100 * time.Millisecond)
	if _, err := window.Open(p).Status(); err != nil { // opens the cache, as the window does
		t.Fatal(err)
	}
	defer func() { _ = window.Close() }()

	out := filepath.Join(t.TempDir(), "scheduled.csv")
	code, stdout, errOut := runArgs("export", "--data", data, "--out", out)
	if code != ExitOK {
		t.Fatalf("export beside the idle window: exit %d, %q, %q", code, stdout, errOut)
	}
	m, err := export.ReadManifest(out + export.ManifestSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != len(all) || len(m.ChainHead) != 64 || m.ChainRecords == 0 || len(m.Covered) == 0 {
		t.Errorf("manifest beside the window: rows %d, chain head %q, records %d, covered %v; want every row and the chain's facts", m.Rows, m.ChainHead, m.ChainRecords, m.Covered)
	}
	code, stdout, errOut = runArgs("verify-export", out)
	if code != ExitOK || strings.Contains(stdout+errOut, "not recorded") {
		t.Errorf("verify-export: exit %d, %q, %q", code, stdout, errOut)
	}

	// Another AuditDesk using the cache all along (a desk that never
	// closes it idle).
	if err := window.Close(); err != nil {
		t.Fatal(err)
	}
	holder := session.NewDesk(st, slog.New(slog.DiscardHandler))
	if _, err := holder.Open(p).Status(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Close() }()
	defer func(w time.Duration) { cacheWait = w }(cacheWait)
	cacheWait = 300 * time.Millisecond
	refused := filepath.Join(t.TempDir(), "refused.csv")
	code, stdout, errOut = runArgs("export", "--data", data, "--out", refused)
	if code != ExitError || stdout != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "no export was written") {
		t.Errorf("export with the cache held: exit %d, %q, %q; want one line saying no export was written", code, stdout, errOut)
	}
	for _, f := range []string{refused, refused + export.ManifestSuffix} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v; want no file", f, err)
		}
	}
}
