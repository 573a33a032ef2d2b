package export

import (
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Columns are an export's columns, in order: the console's table, then
// Workspace and Event ID. The first is named with the time zone.
var Columns = []string{"Timestamp", "User", "Scope", "Category", "Action", "Target", "Status", "Description", "Workspace", "Event ID"}

// header is the header row: "Timestamp (Asia/Tokyo)", then the rest.
func header(loc *time.Location) []string {
	h := append([]string(nil), Columns...)
	h[0] = "Timestamp (" + ZoneName(loc) + ")"
	return h
}

// ZoneName names a zone for people; Local is named by what it is.
func ZoneName(loc *time.Location) string {
	if loc == time.Local {
		if name := time.Now().Format("MST"); name != "" {
			return "Local, " + name
		}
	}
	return loc.String()
}

// textCells are row e's text columns (every column but the timestamp), in
// Columns order from User.
func textCells(e *audit.Event, out *[9]string) {
	r := audit.NewRow(e, nil)
	*out = [9]string{r.User, r.Scope, r.Category, r.Action, r.Target, r.Status, r.Description, r.Workspace, r.ID}
}

// timestampText is the Timestamp column as text: the console's
// YYYY-MM-DD HH:mm:ss plus the milliseconds the API gives, so the file
// keeps the instant exactly and rows of one second stay told apart.
func timestampText(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04:05.000")
}

// risky reports whether a spreadsheet would read s as a formula (or DDE):
// OWASP's CSV injection rule, a first character of = + - @, tab or CR.
func risky(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
