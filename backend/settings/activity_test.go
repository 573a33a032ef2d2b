package settings

import (
	"os"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func TestActivityLogAppendsAndSkipsATornLine(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := Profile{APIURL: "https://platform.example/api", Organization: audit.Ref{ID: "org-1"}, User: "a@example.com"}
	if err := st.SaveProfile(p); err != nil {
		t.Fatal(err)
	}
	if log, err := st.ActivityLog(p); err != nil || len(log) != 0 {
		t.Fatalf("a new profile's log: %v, %v", log, err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 2 {
		if err := st.AppendActivity(p, Activity{Time: at.Add(time.Duration(i) * time.Minute), Kind: "export", Rows: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	// A write cut short by a crash leaves half a line; the next appends go on.
	f, err := os.OpenFile(st.ActivityPath(p), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"time":"2026-12-01T09:0`); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if err := st.AppendActivity(p, Activity{Time: at, Kind: "export", Rows: 3}); err != nil {
		t.Fatal(err)
	}
	log, err := st.ActivityLog(p)
	if err != nil || len(log) != 3 || log[0].Rows != 1 || log[1].Rows != 2 || log[2].Rows != 3 || !log[1].Time.Equal(at.Add(time.Minute)) {
		t.Fatalf("log %+v, %v", log, err)
	}
	if fi, err := os.Stat(st.ActivityPath(p)); err != nil || fi.Mode().Perm() != FileMode {
		t.Errorf("activity log %v, %v; want owner-only", fi, err)
	}
}
