package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

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
