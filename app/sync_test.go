package app

import (
	"context"
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
	st, err := a.Profiles.Status()
	if err != nil || !st.AutoDemo || st.Profile != nil {
		t.Fatalf("Status() = %+v, %v; want AutoDemo with no profile", st, err)
	}
}

func TestOpenDemoSyncsWithProgressThenRefreshFindsNothingNew(t *testing.T) {
	a, rec := demoApp(t, DemoOptions{Events: 3000})
	st, err := a.Sync.OpenDemo()
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
	st2, err := a.Sync.Refresh()
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
	a, rec, gate, done := gatedDemo(t, 20000)
	kept := releasePages(t, rec, gate, 2) // the third page is held
	if _, err := a.Sync.OpenDemo(); !errors.Is(err, ErrBusy) {
		t.Errorf("a second sync while one runs: err = %v, want ErrBusy", err)
	}
	a.Sync.Cancel()
	err := <-done
	if ToUIError(err).Code != CodeCancelled {
		t.Fatalf("cancelled sync: err = %v (code %s), want cancelled", err, ToUIError(err).Code)
	}
	st, err := a.Profiles.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != kept.New || st.Syncing {
		t.Errorf("after cancel: %d events, syncing %v; want the %d of the two finished pages", st.Events, st.Syncing, kept.New)
	}
	if st.LastSyncError == "" || !st.LastSyncCancelled || st.LastSuccess != "" {
		t.Errorf("after cancel: %+v; want the error, cancelled, and no success time", st)
	}
}

// A query while a sync runs builds the index of what is cached so far; if
// its build ends after the sync's (two builds raced when a window queried
// during a first sync), it must not replace the sync's whole index, or the
// window counts fewer events than the cache until the next sync.
func TestAQueryDuringASyncNeverHidesTheSyncsEvents(t *testing.T) {
	a, rec, gate, done := gatedDemo(t, 4000)
	releasePages(t, rec, gate, 2)
	during, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := a.current()
	if err != nil {
		t.Fatal(err)
	}
	// What a second query's build, begun now, holds when it ends.
	partial, err := pr.Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st, err := a.Profiles.Status()
	if err != nil {
		t.Fatal(err)
	}
	if during.Events >= int(st.Events) || partial.Len() >= int(st.Events) {
		t.Fatalf("queried during the sync: %d and %d events of %d: the test shows nothing", during.Events, partial.Len(), st.Events)
	}
	// That build ends last and installs what it made.
	if held, _ := pr.Install(partial); held.Len() != int(st.Events) {
		t.Errorf("installing an index built during the sync holds %d events, want the sync's %d", held.Len(), st.Events)
	}
	after, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if after.Events != int(st.Events) || after.Total != after.Events {
		t.Errorf("a query after the sync: %d matching of %d events; the cache holds %d", after.Total, after.Events, st.Events)
	}
	ups := rec.named(EventIndexUpdated)
	if len(ups) != 1 || ups[0].(IndexUpdate).Events != int(st.Events) {
		t.Errorf("index updates %v, want one for the %d events", ups, st.Events)
	}
}

// gatedDemo opens a demo of n events whose pages wait at gate; done
// gets OpenDemo's error.
func gatedDemo(t *testing.T, n int) (a *App, rec *recordingEmitter, gate chan struct{}, done <-chan error) {
	t.Helper()
	gate = make(chan struct{})
	a, rec = demoApp(t, DemoOptions{Events: n, Gate: gate})
	errs := make(chan error, 1)
	go func() {
		_, err := a.Sync.OpenDemo()
		errs <- err
	}()
	return a, rec, gate, errs
}

// releasePages lets n pages of the demo through its gate and returns the
// progress once they are in the cache.
func releasePages(t *testing.T, rec *recordingEmitter, gate chan<- struct{}, n int64) SyncProgress {
	t.Helper()
	for range n {
		gate <- struct{}{}
	}
	deadline := time.After(30 * time.Second) // a safety net: the pages are released
	for {
		if ps := rec.progress(); len(ps) > 0 && ps[len(ps)-1].Pages >= n {
			return ps[len(ps)-1]
		}
		select {
		case <-deadline:
			t.Fatalf("%d pages released, not in the cache within 30 s", n)
		case <-time.After(5 * time.Millisecond):
		}
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
