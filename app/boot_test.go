package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// The page's first query and paint read the saved settings from /boot.js,
// served by Go as the page loads, not from a call after it.
func TestBootScriptCarriesTheSavedSettings(t *testing.T) {
	a := newApp(t)
	saved := Display{
		TimeZone: "Asia/Tokyo", Theme: ThemeDark, Density: DensityCompact,
		Columns: []settings.Column{{Key: "user", Width: 260}},
	}
	if _, err := a.Preferences.Set(saved); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.BootHandler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, BootPath, nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("GET %s: %d %q", BootPath, rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	js, ok := strings.CutPrefix(body, "window.auditdeskBoot = ")
	js, ok2 := strings.CutSuffix(js, ";\n")
	if !ok || !ok2 {
		t.Fatalf("boot script %q does not set window.auditdeskBoot", body)
	}
	var boot Boot
	if err := json.Unmarshal([]byte(js), &boot); err != nil {
		t.Fatalf("boot script's value: %v\n%s", err, body)
	}
	if p := boot.Preferences; p.TimeZone != "Asia/Tokyo" || p.Theme != ThemeDark || p.Density != DensityCompact ||
		len(p.Columns) != 1 || p.Columns[0].Width != 260 {
		t.Errorf("boot preferences %+v, want the saved %+v", p, saved)
	}
	if boot.OS != runtime.GOOS {
		t.Errorf("boot os %q, want %q", boot.OS, runtime.GOOS)
	}

	rec = httptest.NewRecorder()
	a.BootHandler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/other.js", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /other.js: %d, want 404", rec.Code)
	}
}

// bootOf is the value /boot.js sets window.auditdeskBoot to.
func bootOf(t *testing.T, a *App) Boot {
	t.Helper()
	body, err := a.BootScript()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := strings.CutPrefix(string(body), "window.auditdeskBoot = ")
	js, _ = strings.CutSuffix(js, ";\n")
	var boot Boot
	if err := json.Unmarshal([]byte(js), &boot); err != nil {
		t.Fatalf("boot script's value: %v\n%s", err, body)
	}
	return boot
}

// The boot script carries the status and the answer to the window's first
// query (the whole view, newest first, in the saved zone, its first block
// of rows), the very answer Query.Run gives, so that the first paint has
// its rows; without a profile, the status that asks for the demo and no
// answer.
func TestBootScriptAnswersTheFirstQuery(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 1500})
	boot := bootOf(t, a)
	if boot.Status == nil || boot.Status.Profile != nil || !boot.Status.AutoDemo || boot.First != nil {
		t.Fatalf("without a profile: status %+v, first %+v; want the demo asked for, no answer", boot.Status, boot.First)
	}
	if _, err := a.Preferences.Set(Display{TimeZone: "Asia/Tokyo", Theme: ThemeSystem, Density: DensityComfortable}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	boot = bootOf(t, a)
	if boot.Status == nil || boot.Status.Profile == nil || boot.Status.Events != 1500 {
		t.Fatalf("status %+v; want the demo's profile and its events", boot.Status)
	}
	f := boot.First
	if f == nil {
		t.Fatal("no first answer with a profile")
	}
	if f.Request.Filter.TimeZone != "Asia/Tokyo" || f.Request.Sort != audit.SortTimestamp || !f.Request.Desc || f.Request.FirstRows != BootRows {
		t.Errorf("first request %+v; want the whole view newest first in the saved zone", f.Request)
	}
	want, err := a.Query.Run(f.Request)
	if err != nil {
		t.Fatal(err)
	}
	if f.Result.Total != 1500 || len(f.Result.Rows) != BootRows || !reflect.DeepEqual(f.Result.Rows, want.Rows) {
		t.Errorf("first answer: %d of %d rows; want the %d Query.Run gives", len(f.Result.Rows), f.Result.Total, len(want.Rows))
	}
	// The answer is held: the table reads on from it.
	if more, err := a.Query.Rows(f.Result.ID, BootRows, 50); err != nil || len(more.Rows) != 50 {
		t.Errorf("Rows after the first answer: %d, %v", len(more.Rows), err)
	}
}

// The window opens in the colour its page will paint: a dark theme's
// window must not flash light.
func TestBackgroundFollowsTheTheme(t *testing.T) {
	for theme, want := range map[string][3]uint8{
		"dark": {0x1c, 0x1e, 0x22}, "light": {0xf6, 0xf7, 0xf9}, "": {0xf6, 0xf7, 0xf9}, "system": {0xf6, 0xf7, 0xf9},
	} {
		if r, g, b := Background(theme); [3]uint8{r, g, b} != want {
			t.Errorf("Background(%q) = %02x%02x%02x, want %02x%02x%02x", theme, r, g, b, want[0], want[1], want[2])
		}
	}
}

// The window opens on the view it showed last: SetLast keeps it, Get
// gives it back, the boot script answers its query (unless its time range
// is relative to now, which the page takes from its own now), and with
// RestoreLast off nothing is kept.
func TestTheLastViewComesBack(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 1500})
	if _, err := a.Sync.OpenDemo(); err != nil {
		t.Fatal(err)
	}
	last := settings.LastView{
		Filter: audit.FilterText{Status: string(audit.StatusFailed), Scope: string(audit.ScopeBilling)},
		Sort:   audit.SortUser, View: "Failed billing",
	}
	if err := a.Preferences.SetLast(last); err != nil {
		t.Fatal(err)
	}
	d, err := a.Preferences.Get()
	if err != nil || !d.RestoreLast || d.Last == nil || d.Last.View != "Failed billing" || d.Last.Sort != audit.SortUser {
		t.Fatalf("Get after SetLast: %+v, %v", d, err)
	}
	f := bootOf(t, a).First
	if f == nil || f.Request.Filter.Status != "FAILED" || f.Request.Filter.Scope != "Billing" || f.Request.Sort != audit.SortUser || f.Request.Desc {
		t.Fatalf("first request %+v; want the last view's", f)
	}
	want, err := a.Query.Run(f.Request)
	if err != nil || want.Total == 0 || f.Result.Total != want.Total {
		t.Fatalf("first answer: %d rows, want %d (%v)", f.Result.Total, want.Total, err)
	}

	// A relative range is the page's to take from its now.
	last.Preset = "7d"
	if err := a.Preferences.SetLast(last); err != nil {
		t.Fatal(err)
	}
	if b := bootOf(t, a); b.First != nil || b.Preferences.Last == nil || b.Preferences.Last.Preset != "7d" {
		t.Errorf("a relative range: first %+v, last %+v; want no answer, the preset kept", b.First, b.Preferences.Last)
	}

	// Bad values are refused, naming them.
	for _, bad := range []settings.LastView{
		{Sort: "colour"}, {Preset: "yesterday"}, {Filter: audit.FilterText{From: "soon"}},
	} {
		if err := a.Preferences.SetLast(bad); err == nil || ToUIError(err).Code != CodeInvalidInput {
			t.Errorf("SetLast(%+v) = %v; want invalid input", bad, err)
		}
	}

	// Turned off: forgotten, and not kept again.
	d.RestoreLast = false
	if _, err := a.Preferences.Set(d); err != nil {
		t.Fatal(err)
	}
	if err := a.Preferences.SetLast(last); err != nil {
		t.Fatal(err)
	}
	if d, _ := a.Preferences.Get(); d.RestoreLast || d.Last != nil {
		t.Errorf("restore off: %+v; want nothing kept", d)
	}
	if f := bootOf(t, a).First; f == nil || f.Request.Filter.Status != "" || f.Request.Sort != audit.SortTimestamp {
		t.Errorf("restore off: first request %+v; want the whole view", f)
	}
}
