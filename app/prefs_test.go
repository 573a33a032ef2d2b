package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

func TestPreferencesAreCheckedAndKept(t *testing.T) {
	a := newApp(t)
	p, err := a.Preferences.Get()
	if err != nil || p.TimeZone != "UTC" || p.Theme != "system" || p.Density != "comfortable" || p.Columns == nil {
		t.Fatalf("defaults %+v, %v", p, err)
	}
	want := Display{
		TimeZone: "Asia/Ho_Chi_Minh", Theme: "dark", Density: "compact",
		Columns: []settings.Column{{Key: "timestamp", Width: 180}, {Key: "workspace", Hidden: true}, {Key: "tags", Hidden: true}},
	}
	if _, err := a.Preferences.Set(want); err != nil {
		t.Fatal(err)
	}
	// Another launch reads them back.
	st, err := settings.Open(a.store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	b := New("1.2.3", st, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Demo: DemoOptions{Disabled: true}})
	got, err := b.Preferences.Get()
	if err != nil || got.TimeZone != want.TimeZone || got.Theme != "dark" || got.Density != "compact" || len(got.Columns) != 3 || !got.Columns[1].Hidden || !got.Columns[2].Hidden {
		t.Fatalf("after a relaunch %+v, %v", got, err)
	}
	for _, bad := range []struct {
		p    Display
		says string
	}{
		{Display{TimeZone: "Mars/Olympus", Theme: "dark", Density: "compact"}, "tz:"},
		{Display{TimeZone: "UTC", Theme: "pink", Density: "compact"}, "theme"},
		{Display{TimeZone: "UTC", Theme: "dark", Density: "tiny"}, "density"},
		{Display{TimeZone: "UTC", Theme: "dark", Density: "compact", Columns: []settings.Column{{Key: "colour"}}}, "columns"},
		{Display{TimeZone: "UTC", Theme: "dark", Density: "compact", Columns: []settings.Column{{Key: "user"}, {Key: "user"}}}, "twice"},
	} {
		_, err := a.Preferences.Set(bad.p)
		if ui := ToUIError(err); ui.Code != CodeInvalidInput || !strings.Contains(ui.Message, bad.says) {
			t.Errorf("SetPreferences(%+v): %v; want invalid_input naming %q", bad.p, err, bad.says)
		}
	}
	if got, _ := a.Preferences.Get(); got.Theme != "dark" {
		t.Errorf("a refused change was saved: %+v", got)
	}
}

func TestViewsBuiltInAndSaved(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 8000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	views, err := a.Preferences.Views()
	if err != nil || len(views) != len(builtInViews) {
		t.Fatalf("views %+v, %v", views, err)
	}
	all, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// Each built-in audit finds some events of the demo, and not all.
	for _, v := range views {
		res, err := a.Query.Run(v.Query)
		if err != nil || !v.BuiltIn || res.Total == 0 || res.Total == all.Total {
			t.Errorf("built-in view %q: %d of %d events, %v", v.Name, res.Total, all.Total, err)
		}
	}
	mine := View{
		Name: "GPU failures", Query: QueryRequest{Filter: audit.FilterText{Search: "gpu", Status: "FAILED"}, Sort: audit.SortUser},
		Columns: []settings.Column{{Key: "user"}, {Key: "description", Width: 400}},
	}
	if views, err = a.Preferences.SaveView(mine); err != nil || len(views) != len(builtInViews)+1 {
		t.Fatalf("SaveView: %v, %v", views, err)
	}
	mine.Query.Desc = true
	if views, err = a.Preferences.SaveView(View{Name: " gpu FAILURES ", Query: mine.Query}); err != nil || len(views) != len(builtInViews)+1 {
		t.Fatalf("saving under the same name (any case) replaces: %d views, %v", len(views), err)
	}
	if last := views[len(views)-1]; last.Name != "gpu FAILURES" || !last.Query.Desc || last.BuiltIn {
		t.Errorf("saved view %+v", last)
	}
	// A bad filter: a documented scope in the wrong case (any other scope
	// is one the cache may hold).
	for _, bad := range []View{{Name: ""}, {Name: "Failed actions"}, {Name: "x", Query: QueryRequest{Filter: audit.FilterText{Scope: "billing"}}}} {
		if _, err := a.Preferences.SaveView(bad); ToUIError(err).Code != CodeInvalidInput {
			t.Errorf("SaveView(%+v): %v, want invalid_input", bad, err)
		}
	}
	if views, err = a.Preferences.DeleteView("GPU failures"); err != nil || len(views) != len(builtInViews) {
		t.Errorf("DeleteView: %d views, %v", len(views), err)
	}
	if _, err := a.Preferences.DeleteView("Failed actions"); ToUIError(err).Code != CodeInvalidInput {
		t.Errorf("deleting a built-in view: %v", err)
	}
}

// An Owner's profile and a Workspace Admin's are two caches: switching
// shows the other's events, never a mix.
func TestSwitchProfileNeverMixesIdentities(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 4000})
	demo, err := a.Sync.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	run, err := simulator.Start(context.Background(), "127.0.0.1:0", simulator.Config{Events: 4000, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = run.Close() }()
	admin, err := a.Sync.Connect(run.URL, run.Server.Tokens().WorkspaceAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if admin.Profile.Role != audit.RoleWorkspaceAdmin {
		t.Fatalf("connected as %+v", admin.Profile)
	}
	adminView, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := a.Profiles.List()
	if err != nil || len(profiles) != 2 {
		t.Fatalf("profiles %+v, %v", profiles, err)
	}
	st, err := a.Profiles.Switch(demo.Profile.Name)
	if err != nil || st.Profile.Name != demo.Profile.Name || st.Profile.Role != audit.RoleOrganizationOwner {
		t.Fatalf("switch to the demo: %+v, %v", st.Profile, err)
	}
	ownerView, err := a.Query.Run(QueryRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if ownerView.Events != int(demo.Events) || ownerView.Events == adminView.Events {
		t.Errorf("after the switch the view holds %d events; the demo has %d, the admin's cache %d", ownerView.Events, demo.Events, adminView.Events)
	}
	if _, err := a.Query.Rows(adminView.ID, 0, 1); ToUIError(err).Code != CodeQueryGone {
		t.Errorf("the admin's rows are still readable after switching to the owner: %v", err)
	}
	if _, err := a.Profiles.Switch("nobody"); ToUIError(err).Code != CodeInvalidInput {
		t.Errorf("switch to an unknown profile: %v", err)
	}
}

func TestEventDetailLocateAndValues(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Query.Run(QueryRequest{Sort: audit.SortAction})
	if err != nil {
		t.Fatal(err)
	}
	withDetails := -1
	for i := range min(res.Total, 500) {
		d, err := a.Query.Event(res.ID, i)
		if err != nil {
			t.Fatal(err)
		}
		if d.Details != "" {
			withDetails = i
			if !strings.HasPrefix(d.Details, "{\n  \"") {
				t.Errorf("details not pretty-printed: %q", d.Details)
			}
			break
		}
	}
	if withDetails < 0 {
		t.Fatal("no event with details in the first 500: the test shows nothing")
	}
	d, _ := a.Query.Event(res.ID, withDetails)
	if at, err := a.Query.Locate(res.ID, d.ID); err != nil || at != withDetails {
		t.Errorf("Locate(%s) = %d, %v; want %d", d.ID, at, err, withDetails)
	}
	if at, _ := a.Query.Locate(res.ID, "nope"); at != -1 {
		t.Errorf("Locate of an unknown id = %d", at)
	}
	if _, err := a.Query.Event(res.ID, res.Total); ToUIError(err).Code != CodeInvalidInput {
		t.Errorf("Event past the end: %v", err)
	}
	users, err := a.Query.Values(audit.FilterText{}, "user", "", 5)
	if err != nil || len(users) != 5 || users[0].N < users[4].N {
		t.Fatalf("Values(user): %+v, %v", users, err)
	}
	one, err := a.Query.Run(QueryRequest{Filter: audit.FilterText{Users: []string{users[0].Value}}})
	if err != nil || one.Total != users[0].N {
		t.Errorf("the top user counts %d, a query of them %d, %v", users[0].N, one.Total, err)
	}
	if _, err := a.Query.Values(audit.FilterText{}, "colour", "", 5); ToUIError(err).Code != CodeInvalidInput {
		t.Errorf("Values(colour): %v", err)
	}
}

func TestVerifyCacheAndTheHeadInStatus(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 3000})
	st, err := a.Sync.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	// The demo's 13 months: the oldest month was past the platform's 12
	// when synced, so not known complete.
	if len(st.ChainHead) != 64 || len(st.Gaps) != 1 {
		t.Fatalf("status head %q, gaps %v; want one gap", st.ChainHead, st.Gaps)
	}
	if end, err := time.Parse(time.RFC3339, st.Gaps[0].End); err != nil || end.Sub(time.Now().AddDate(-1, 0, 0)).Abs() > time.Hour || !st.Gaps[0].PastRetention {
		t.Errorf("the gap %+v (%v); want one past the retention, ending 12 months ago", st.Gaps[0], err)
	}
	v, err := a.Profiles.Verify()
	if err != nil || !v.OK || v.Events != st.Events || v.Head != st.ChainHead || len(v.Covered) == 0 || len(v.Problems) != 0 {
		t.Fatalf("VerifyCache %+v, %v", v, err)
	}
}
