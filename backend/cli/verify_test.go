package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
)

func TestVerifyAndTheHeadInProfiles(t *testing.T) {
	data, all := syncedData(t, 2500)
	code, out, errOut := runArgs("verify", "--data", data)
	if code != ExitOK || !strings.HasPrefix(out, "OK: ") || !strings.Contains(out, num(int64(len(all)))+" events") || errOut != "" {
		t.Fatalf("verify: exit %d, %q, %q", code, out, errOut)
	}
	first, rest, _ := strings.Cut(out, "\n")
	head := first[strings.LastIndex(first, "head ")+5:]
	if len(head) != 64 {
		t.Fatalf("verify printed head %q", head)
	}
	// The simulator serves 13 months; the oldest is past the platform's 12.
	if !strings.Contains(rest, "complete: ") || strings.Count(rest, "gap: ") != 1 || !strings.Contains(rest, "not synced within the platform's 12 months") {
		t.Errorf("verify's coverage: %q; want one gap, the month past the retention", rest)
	}
	// profiles shows the same head, shortened.
	code, out, _ = runArgs("profiles", "--data", data)
	if code != ExitOK || !strings.Contains(out, "CHAIN HEAD") || !strings.Contains(out, head[:16]) {
		t.Errorf("profiles: %q; want the chain head %s", out, head[:16])
	}
	if code, _, errOut := runArgs("verify", "--data", data, "--profile", "nobody"); code != ExitError || !strings.Contains(errOut, "nobody") {
		t.Errorf("verify of an unknown profile: %d %q", code, errOut)
	}
}

// An export carries the chain head of its cache and verify-export checks
// the file from its manifest alone.
func TestVerifyExport(t *testing.T) {
	data, _ := syncedData(t, 2000)
	_, out, _ := runArgs("verify", "--data", data)
	first, _, _ := strings.Cut(out, "\n")
	head := first[strings.LastIndex(first, "head ")+5:]
	dir := t.TempDir()
	for _, name := range []string{"failed.csv", "failed.xlsx"} {
		path := filepath.Join(dir, name)
		if code, _, errOut := runArgs("export", "--data", data, "--out", path, "--status", "FAILED"); code != ExitOK {
			t.Fatal(errOut)
		}
		code, out, errOut := runArgs("verify-export", path)
		if code != ExitOK || !strings.HasPrefix(out, "OK: ") || !strings.Contains(out, "chain head "+head) {
			t.Errorf("verify-export %s: exit %d, %q, %q; want OK with the chain head %s", name, code, out, errOut, head)
		}
		m, err := export.ReadManifest(path + export.ManifestSuffix)
		// Covered but for the month older than the platform's 12 months
		// (and the newest 15 minutes, which may still gain late events).
		if err != nil || m.Range == nil || len(m.Covered) != 1 || len(m.Gaps) != 1 ||
			!m.Gaps[0].Start.Equal(m.Range.Start) || !m.Gaps[0].End.Equal(m.Covered[0].Start) ||
			m.Covered[0].End.After(m.Range.End) || m.Covered[0].End.Before(m.Range.End.Add(-audit.IngestionDelay-time.Minute)) {
			t.Errorf("%s: manifest range %v, covered %v, gaps %v, %v; want the range covered after its retention gap", name, m.Range, m.Covered, m.Gaps, err)
		}
	}
	path := filepath.Join(dir, "failed.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), "FAILED", "SUCCESS", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runArgs("verify-export", path)
	if code != ExitError || !strings.HasPrefix(out, "FAILED: ") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("verify-export of an edited file: exit %d, %q, %q", code, out, errOut)
	}
	if code, _, _ := runArgs("verify-export"); code != ExitUsage {
		t.Errorf("verify-export without FILE: exit %d, want a usage error", code)
	}
}
