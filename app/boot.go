package app

import (
	"encoding/json"
	"net/http"
	"runtime"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// BootPath is the script index.html loads before the app's module: what
// the page needs before its first query and its first paint, so that
// neither waits for a call to Go.
const BootPath = "/boot.js"

// Boot is the page's start: the display settings as Preferences.Get
// gives them (the zone of the first query, the theme of the first paint),
// the status, and the answer to the first query the page makes, so that
// its first paint has its rows.
type Boot struct {
	Preferences Display `json:"preferences"`
	// OS is GOOS: the page picks its fonts by it.
	OS string `json:"os"`
	// Status is as Profiles.Status gives it; nil when it failed (the page
	// asks again and shows why).
	Status *Status `json:"status"`
	// First is the answer to the page's first query: the view the window
	// showed last (Display.Last, when restored and its time range is not
	// relative to now), else the whole view newest first, in the saved
	// zone, with its first BootRows rows; nil without a profile, for a
	// relative range, or when the query failed (the page runs it).
	First *BootQuery `json:"first"`
}

// BootQuery is a query the boot script answers: what it asked, and the
// answer, as Query.Run gives it.
type BootQuery struct {
	Request QueryRequest `json:"request"`
	Result  QueryResult  `json:"result"`
}

// BootRows is how many rows the first answer brings: the table's block
// (frontend/src/lib/grid/viewport.ts BLOCK_SIZE).
const BootRows = 200

// firstRequest is the page's first query for the display settings d: the
// last view when d restores it, else the whole view newest first; false
// when the last view's time range is relative to now (the page takes it
// from its own now).
func firstRequest(d Display) (QueryRequest, bool) {
	req := QueryRequest{Filter: audit.FilterText{TimeZone: d.TimeZone}, Sort: audit.SortTimestamp, Desc: true, FirstRows: BootRows}
	if !d.RestoreLast || d.Last == nil {
		return req, true
	}
	l := d.Last
	if l.Preset != "" && l.Preset != "all" && l.Preset != "custom" {
		return req, false
	}
	req.Filter = l.Filter
	req.Filter.TimeZone = d.TimeZone
	if l.Sort != "" {
		req.Sort, req.Desc = l.Sort, l.Desc
	}
	return req, true
}

// BootScript is BootPath's body: it sets window.auditdeskBoot. The JSON
// is Go's, which escapes <, > and & and the line separators, so no text
// in it can end the script.
func (a *App) BootScript() ([]byte, error) {
	d, err := a.Preferences.Get()
	if err != nil {
		return nil, err
	}
	boot := Boot{Preferences: d, OS: runtime.GOOS}
	if st, err := a.status(); err == nil {
		boot.Status = &st
		if req, ok := firstRequest(d); ok && st.Profile != nil {
			if res, err := a.Query.Run(req); err == nil {
				boot.First = &BootQuery{Request: req, Result: res}
			}
		}
	}
	b, err := json.Marshal(boot)
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
