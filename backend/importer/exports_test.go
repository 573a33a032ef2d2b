package importer

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// events is an export.Source over a slice.
type events []audit.Event

func (s events) Rows(off, n int) ([]audit.Event, error) { return s[off:min(off+n, len(s))], nil }

// exportOf writes evs as an AuditDesk export to dir/name (its format by
// the extension), times in loc, and returns its path.
func exportOf(t *testing.T, dir, name string, evs []audit.Event, loc *time.Location) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if _, err := export.Write(context.Background(), export.Request{Path: path, Source: events(evs), Total: len(evs), Location: loc}); err != nil {
		t.Fatal(err)
	}
	return path
}

// richEvents are the simulator's events with details on every one, and
// those an export must carry whole: a workspace with an id and no name,
// one whose name is its id, ids a spreadsheet would run, details past an
// XLSX cell's 32,767 characters, formula-looking text in them, control
// characters and literal _xHHHH_ escapes.
func richEvents(t *testing.T) []audit.Event {
	t.Helper()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sim, err := simulator.New(simulator.Config{Events: 600, Seed: 11, Rich: true, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	evs := sim.Visible(sim.Tokens().Owner, now)
	long := `{"log":"` + strings.Repeat(`GPU ノード 🚀 \"x\", =1+1 _x0041_ \u0007 `, 2500) + `"}`
	t0 := time.Date(2026, 11, 30, 1, 2, 3, 456e6, time.UTC)
	ev := func(i int, ws *audit.Ref, details string) audit.Event {
		return audit.Event{
			ID: "evt-hostile-" + string(rune('a'+i)), Time: t0.Add(time.Duration(i) * time.Second), User: "=cmd@example.com",
			Scope: audit.ScopeService, Category: "AI Notebook", Action: "Update Notebook", Target: "-nb\x1b[31m",
			Status: audit.StatusFailed, Description: "bell\a _x0041_ \ufffe", Workspace: ws, SourceIP: "@10.0.0.1", Details: []byte(details),
		}
	}
	return append(evs,
		ev(0, &audit.Ref{ID: "ws_noname"}, `{"a":1}`),
		ev(1, &audit.Ref{ID: "ws_same", Name: "ws_same"}, `{}`),
		ev(2, &audit.Ref{ID: "=ws+1", Name: "-Research"}, `{"formula":"=SUM(A1)","at":"@x"}`),
		ev(3, nil, long),
		ev(4, &audit.Ref{ID: "ws_1", Name: "Research"}, ""),
		// Texts that really begin with apostrophes: one before a formula
		// looks like what the export adds, and must not lose it.
		withText(ev(5, nil, ""), "'=SUM(A1)", "''-1"),
		withText(ev(6, nil, ""), "'", "'plain"),
	)
}

func withText(e audit.Event, target, description string) audit.Event {
	e.Target, e.Description = target, description
	return e
}

// An AuditDesk export, CSV or XLSX (its times in a zone of its own),
// imports back to the very events it was made of: every field, the
// workspace's id and name and the details byte for byte (their canonical
// hashes equal), the neutralised cells restored, a Details an XLSX split
// joined again.
func TestExportsImportWhole(t *testing.T) {
	src := richEvents(t)
	dir := t.TempDir()
	for _, name := range []string{"rich.csv", "rich.xlsx"} {
		path := exportOf(t, dir, name, src, tokyo)
		var got []audit.Event
		fi, rep, err := ReadFile(context.Background(), path, Options{}, false, func(e audit.Event, _ int) error {
			got = append(got, e)
			return nil
		})
		if err != nil || !fi.Verified || rep.Bad != 0 || len(got) != len(src) {
			t.Fatalf("%s: %d events, verified %v, %+v, %v", name, len(got), fi.Verified, rep.Problems, err)
		}
		if name == "rich.xlsx" && !strings.Contains(strings.Join(rep.Header, "|"), "Details (2)") {
			t.Errorf("%s: header %q; want the long Details in parts", name, rep.Header)
		}
		for i := range src {
			if audit.EventHash(&got[i]) != audit.EventHash(&src[i]) {
				t.Fatalf("%s: event %d read back as\n%+v\nwant\n%+v", name, i, got[i], src[i])
			}
		}
	}
}

// A Details cell that is not one JSON object is a bad row saying so, its
// line named; an empty one is no details; an export without Workspace ID
// and Details (an older build's) reads as before.
func TestDetailsCellMustBeAnObject(t *testing.T) {
	head := "Timestamp (UTC),User,Scope,Category,Action,Target,Status,Description,Workspace,Event ID,Source IP,Workspace ID,Details\r\n"
	row := func(id, ws, wsID, details string) string {
		return "2026-11-05 09:03:07.000,a@x.example,Service,AI Notebook,Start Notebook,nb-1,SUCCESS,ok," + ws + "," + id + ",," + wsID + "," + details + "\r\n"
	}
	path := write(t, "d.csv", []byte(head+
		row("e1", "Research", "ws_1", `"{""a"":[1,2]}"`)+
		row("e2", "", "", `"[1,2]"`)+
		row("e3", "", "", `"{""a"":1"`)+
		row("e4", "", "", `not json`)+
		row("e5", "", "ws_2", ``)+
		row("e6", "", "", `"{""a"":1} {}"`)))
	var got []audit.Event
	_, rep, err := ReadFile(context.Background(), path, Options{}, true, func(e audit.Event, _ int) error {
		got = append(got, e)
		return nil
	})
	if err != nil || rep.Format != AuditDeskCSV || len(got) != 2 || rep.Bad != 4 {
		t.Fatalf("%d events, %+v, %v", len(got), rep, err)
	}
	if string(got[0].Details) != `{"a":[1,2]}` || *got[0].Workspace != (audit.Ref{ID: "ws_1", Name: "Research"}) ||
		got[1].Details != nil || *got[1].Workspace != (audit.Ref{ID: "ws_2"}) {
		t.Errorf("read %+v %+v", got[0], got[1])
	}
	for i, want := range []struct {
		line int
		why  string
	}{{3, "got an array"}, {4, "ends inside the JSON"}, {5, "invalid character"}, {7, "data after the end"}} {
		p := rep.Problems[i]
		if p.Line != want.line || !strings.HasPrefix(p.What, "Details is not a JSON object: ") || !strings.Contains(p.What, want.why) || strings.Contains(p.What, "jsontext") {
			t.Errorf("problem %d: %+v, want line %d saying %q", i, p, want.line, want.why)
		}
	}
}

// Exports of the build before Workspace ID and Details (testdata of the
// export package, with the query --json lines of the same view) still
// import, checked against their manifests: every field they hold, the
// workspace by its name.
func TestElevenColumnExportsStillImport(t *testing.T) {
	fixtures := filepath.Join("..", "export", "testdata", "v11")
	b, err := os.ReadFile(filepath.Join(fixtures, "v11.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var want []audit.Event
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		e, err := auditapi.DecodeEvent(line)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, e)
	}
	for _, name := range []string{"v11.csv", "v11.xlsx"} {
		dir := t.TempDir()
		for _, f := range []string{name, name + export.ManifestSuffix} {
			b, err := os.ReadFile(filepath.Join(fixtures, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		var got []audit.Event
		fi, rep, err := ReadFile(context.Background(), filepath.Join(dir, name), Options{}, false, func(e audit.Event, _ int) error {
			got = append(got, e)
			return nil
		})
		if err != nil || !fi.Verified || rep.Bad != 0 || len(got) != len(want) {
			t.Fatalf("%s: %d events, verified %v, %+v, %v", name, len(got), fi.Verified, rep, err)
		}
		for i, w := range want {
			w.Workspace = &audit.Ref{Name: w.Workspace.Name} // the file has no id
			w.Details = nil                                  // nor details
			if audit.EventHash(&got[i]) != audit.EventHash(&w) {
				t.Errorf("%s: event %d read back as\n%+v\nwant\n%+v", name, i, got[i], w)
			}
		}
	}
}

// The manifest's verdict on an export is kept for previews while the file
// and its manifest stay as they were (a preview taken again does not read
// it again), and a change to either is checked anew; an import always
// checks anew.
func TestPreviewKeepsTheManifestsVerdict(t *testing.T) {
	dir := t.TempDir()
	path := exportOf(t, dir, "kept.csv", richEvents(t)[:50], time.UTC)
	if err := previewVerdict(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	damaged := bytes.Replace(b, []byte("SUCCESS"), []byte("SUCCES5"), 1)
	if bytes.Equal(damaged, b) {
		t.Fatal("nothing to change")
	}
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	// The same size and time: the verdict kept (the file is not read).
	if err := os.Chtimes(path, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := previewVerdict(path); err != nil {
		t.Fatalf("a file the same size and time was read again: %v", err)
	}
	if _, _, err := ReadFile(context.Background(), path, Options{}, false, func(audit.Event, int) error { return nil }); err == nil {
		t.Fatal("the import took the verdict kept for previews")
	}
	// Touched: checked anew, and refused.
	later := st.ModTime().Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	var me *ManifestError
	if err := previewVerdict(path); !errors.As(err, &me) {
		t.Fatalf("a changed export: %v, want a ManifestError", err)
	}
}

// previewVerdict is what a preview says of the export's manifest: nil
// when it vouches for the file, else the *ManifestError saying why not.
func previewVerdict(path string) error {
	p, err := PreviewFile(context.Background(), path, Options{}, 5)
	switch {
	case err != nil:
		return err
	case p.Unvouched != nil:
		return p.Unvouched
	case !p.Verified:
		return errors.New("neither verified nor told why not")
	}
	return nil
}
