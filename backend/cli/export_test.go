package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/export"
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
		{[]string{"export", "--data", data, "--out", filepath.Join(dir, "x.txt")}, ExitError, ".csv or .xlsx"},
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
