package app

import (
	"encoding/json"
	"net/http"
	"runtime"
)

// BootPath is the script index.html loads before the app's module: what
// the page needs before its first query and its first paint, so that
// neither waits for a call to Go.
const BootPath = "/boot.js"

// Boot is the page's start: the display settings as Preferences.Get
// gives them (the zone of the first query, the theme of the first paint).
type Boot struct {
	Preferences Display `json:"preferences"`
	// OS is GOOS: the page picks its fonts by it.
	OS string `json:"os"`
}

// BootScript is BootPath's body: it sets window.auditdeskBoot. The JSON
// is Go's, which escapes <, > and & and the line separators, so no text
// in it can end the script.
func (a *App) BootScript() ([]byte, error) {
	d, err := a.Preferences.Get()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(Boot{Preferences: d, OS: runtime.GOOS})
	if err != nil {
		return nil, err
	}
	return append(append([]byte("window.auditdeskBoot = "), b...), ";\n"...), nil
}

// BootHandler serves BootPath, for the asset server to call for what the
// bundle does not hold; anything else is not found.
func (a *App) BootHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != BootPath {
			http.NotFound(w, r)
			return
		}
		body, err := a.BootScript()
		if err != nil {
			a.log.Error("boot script", "err", err)
			http.Error(w, "boot script unavailable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
	})
}
