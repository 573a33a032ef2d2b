package app

import (
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/settings"
)

func demoApp(t *testing.T, o DemoOptions) (*App, *recordingEmitter) {
	t.Helper()
	store, err := settings.Open(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	a := New("1.2.3", store, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Demo: o})
	rec := &recordingEmitter{}
	a.emit = rec
	t.Cleanup(func() { a.Shutdown(t.Context()) })
	return a, rec
}

func TestFirstLaunchAsksForTheDemo(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{})
	st, err := a.Status()
	if err != nil || !st.AutoDemo || st.Profile != nil {
		t.Fatalf("Status() = %+v, %v; want AutoDemo with no profile", st, err)
	}
}

func TestOpenDemoSyncsWithProgressThenRefreshFindsNothingNew(t *testing.T) {
	a, rec := demoApp(t, DemoOptions{Events: 3000})
	st, err := a.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	if st.Profile == nil || !st.Profile.Demo || st.Profile.Role != "ORGANIZATION_OWNER" {
		t.Fatalf("profile after OpenDemo: %+v", st.Profile)
	}
	if st.Events < 2900 || st.LastSynced == "" || st.LastSyncError != "" || st.AutoDemo {
		t.Fatalf("status after OpenDemo: %+v", st)
	}
	last := lastProgress(t, rec)
	if want := st.Profile.User + " · " + st.Profile.Organization; !last.Done || last.New != st.Events || last.Profile != want || !last.Indexing {
		t.Errorf("last progress %+v, want done with %d new for %q, indexing", last, st.Events, want)
	}

	// A relaunch finds the same profile and syncs only the recent end.
	st2, err := a.Refresh()
	if err != nil {
		t.Fatal(err)
	}
	if st2.Events < st.Events || st2.Profile.Name != st.Profile.Name {
		t.Errorf("after Refresh: %+v", st2)
	}
	if p := lastProgress(t, rec); p.Events > 500 {
		t.Errorf("an incremental refresh read %d events", p.Events)
	}
}

func TestCancelRefreshKeepsFinishedPages(t *testing.T) {
	a, rec := demoApp(t, DemoOptions{Events: 20000, Slow: 30 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		_, err := a.OpenDemo()
		done <- err
	}()
	deadline := time.After(30 * time.Second)
	for {
		if ps := rec.progress(); len(ps) > 0 && ps[len(ps)-1].Pages >= 2 {
			break
		}
		select {
		case <-deadline:
			t.Fatal("no progress within 30 s")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if _, err := a.OpenDemo(); !errors.Is(err, ErrBusy) {
		t.Errorf("a second sync while one runs: err = %v, want ErrBusy", err)
	}
	a.CancelRefresh()
	err := <-done
	if ToUIError(err).Code != CodeCancelled {
		t.Fatalf("cancelled sync: err = %v (code %s), want cancelled", err, ToUIError(err).Code)
	}
	st, err := a.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Events == 0 || st.Events >= 20000 || st.Syncing {
		t.Errorf("after cancel: %d events, syncing %v; want the finished pages kept", st.Events, st.Syncing)
	}
	if st.LastSyncError == "" || !st.LastSyncCancelled || st.LastSuccess != "" {
		t.Errorf("after cancel: %+v; want the error, cancelled, and no success time", st)
	}
}

func (r *recordingEmitter) progress() []SyncProgress {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []SyncProgress
	for i, n := range r.name {
		if n == EventSyncProgress {
			out = append(out, r.got[i].(SyncProgress))
		}
	}
	return out
}

func lastProgress(t *testing.T, r *recordingEmitter) SyncProgress {
	t.Helper()
	ps := r.progress()
	if len(ps) == 0 {
		t.Fatal("no progress emitted")
	}
	return ps[len(ps)-1]
}
