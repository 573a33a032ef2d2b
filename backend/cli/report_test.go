package cli

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
)

// sheetTable reads the rows under the header named title in columns c, c+1
// of a report's sheet, until an empty cell: value -> count.
func sheetTable(t *testing.T, rows [][]string, c int, title string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for i, r := range rows {
		if len(r) <= c || r[c] != title {
			continue
		}
		for _, d := range rows[i+2:] {
			if len(d) <= c+1 || d[c] == "" {
				return out
			}
			n, err := strconv.Atoi(strings.ReplaceAll(d[c+1], ",", ""))
			if err != nil {
				t.Fatalf("%s: count %q: %v", title, d[c+1], err)
			}
			out[d[c]] = n
		}
		return out
	}
	t.Fatalf("no table %q in %v", title, rows)
	return nil
}

// TestReportIsAnExportWithItsSheets: auditdesk report writes the view's
// events as an export does, after a Summary whose counts are the platform's,
// a Findings sheet of the view's marked events with their notes, and the
// group-by asked for; verify-export checks it like any export, and a
// changed byte fails it; LibreOffice opens it.
func TestReportIsAnExportWithItsSheets(t *testing.T) {
	data, all := syncedData(t, 3000)
	var failed []audit.Event
	for _, e := range all {
		if e.Status == audit.StatusFailed {
			failed = append(failed, e)
		}
	}
	// Marks: two in the view (failed), one outside it.
	var outside string
	for _, e := range all {
		if e.Status != audit.StatusFailed {
			outside = e.ID
			break
		}
	}
	for _, m := range [][]string{{failed[3].ID, "MFA off"}, {failed[40].ID, "twice?"}, {outside, "not in the view"}} {
		if code, _, errOut := runArgs("mark", "--data", data, "--tag", "finding", "--note", m[1], "--id", m[0]); code != ExitOK {
			t.Fatalf("mark: %s", errOut)
		}
	}
	out := filepath.Join(t.TempDir(), "report.xlsx")
	code, stdout, errOut := runArgs("report", "--data", data, "--out", out, "--status", "FAILED", "--by", "user,action", "--top", "5")
	if code != ExitOK || !strings.HasPrefix(stdout, "wrote a report of "+num(int64(len(failed)))+" events and 2 findings to ") {
		t.Fatalf("report: exit %d, %q, %q", code, stdout, errOut)
	}

	names, active, err := export.SheetNames(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"Summary", "Findings", "By user × action (1)", "Events", "About"}) {
		t.Fatalf("sheets %v", names)
	}
	if active != 0 {
		t.Errorf("the report opens on sheet %d, not the Summary", active)
	}
	summary, err := export.ReadSheet(out, "Summary")
	if err != nil {
		t.Fatal(err)
	}
	wantScope := map[string]int{}
	wantActions := map[string]int{}
	for _, e := range failed {
		wantScope[string(e.Scope)]++
		wantActions[e.Action]++
	}
	if got := sheetTable(t, summary, 0, "Events by scope"); len(got) != len(wantScope) {
		t.Errorf("events by scope %v, want %v", got, wantScope)
	} else {
		for k, n := range wantScope {
			if got[k] != n {
				t.Errorf("scope %s: %d, want %d", k, got[k], n)
			}
		}
	}
	if got := sheetTable(t, summary, 0, "Events by status"); len(got) != 1 || got["FAILED"] != len(failed) {
		t.Errorf("events by status %v, want FAILED %d", got, len(failed))
	}
	for a, n := range sheetTable(t, summary, 0, "Top failed actions") {
		if wantActions[a] != n {
			t.Errorf("failed action %s: %d, want %d", a, n, wantActions[a])
		}
	}
	perDay := 0
	for _, n := range sheetTable(t, summary, 0, "Events per day (UTC)") {
		perDay += n
	}
	if perDay != len(failed) {
		t.Errorf("events per day sum to %d, want %d", perDay, len(failed))
	}
	findings, _ := export.ReadSheet(out, "Findings")
	if len(findings) != 3 || findings[1][10]+"|"+findings[2][10] != "MFA off|twice?" && findings[1][10]+"|"+findings[2][10] != "twice?|MFA off" {
		t.Errorf("findings %q", findings)
	}
	group, _ := export.ReadSheet(out, "By user × action (1)")
	if len(group) != 7 || !strings.HasPrefix(group[6][0], "(") || !strings.HasSuffix(group[6][0], " other groups)") {
		t.Errorf("group-by sheet %q", group)
	}

	// The Summary's chart: a native one, over the per-day table.
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	var chart string
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			_ = rc.Close()
			chart = string(b)
		}
	}
	_ = zr.Close()
	if !strings.Contains(chart, "<barChart>") || !strings.Contains(chart, `<barDir val="col">`) || !strings.Contains(chart, "Summary&#39;!$B$") {
		t.Errorf("no column chart of the Summary's days: %.300s", chart)
	}

	m, err := export.ReadManifest(out + export.ManifestSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if m.Report == nil || m.Report.Findings != 2 || m.Rows != len(failed) || len(m.Report.Sheets) != 3 || m.Report.MarksSHA256 == "" {
		t.Fatalf("manifest report %+v, rows %d", m.Report, m.Rows)
	}
	if code, stdout, _ := runArgs("verify-export", out); code != ExitOK || !strings.Contains(stdout, "exactly as reported (with its Summary, Findings, By user × action (1) sheets)") {
		t.Fatalf("verify-export: exit %d, %q", code, stdout)
	}

	// LibreOffice opens it and reads the Summary's figures.
	if soffice, err := exec.LookPath("soffice"); err == nil {
		dir := t.TempDir()
		cmd := exec.CommandContext(t.Context(), soffice, "--headless", "-env:UserInstallation=file://"+dir+"/lo", "--convert-to", "csv", "--outdir", dir, out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, b)
		}
		b, err := os.ReadFile(filepath.Join(dir, "report.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			// LibreOffice pads rows to the widest: ragged is fine, broken is not.
			r := csv.NewReader(strings.NewReader(string(b)))
			r.FieldsPerRecord = -1
			if rows, err = r.ReadAll(); err != nil {
				t.Fatalf("LibreOffice's CSV of the Summary: %v", err)
			}
		}
		if got := sheetTable(t, rows, 0, "Events by status"); got["FAILED"] != len(failed) {
			t.Errorf("LibreOffice reads FAILED %d, want %d", got["FAILED"], len(failed))
		}
	} else {
		t.Log("soffice is missing, so LibreOffice did not open the report: make deps installs libreoffice-calc-nogui")
	}

	// A changed byte: verify-export fails.
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x20
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runArgs("verify-export", out); code == ExitOK {
		t.Error("verify-export passes a report with a changed byte")
	}
}

func TestReportRefusesCSV(t *testing.T) {
	data, _ := syncedData(t, 50)
	code, out, errOut := runArgs("report", "--data", data, "--out", filepath.Join(t.TempDir(), "r.csv"))
	if code != ExitUsage || out != "" || !strings.Contains(errOut, "a report is a workbook: --out must name a .xlsx file") {
		t.Errorf("report to a .csv: exit %d, %q, %q", code, out, errOut)
	}
}
