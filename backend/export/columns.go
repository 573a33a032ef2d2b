package export

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Columns are an export's columns, in order: the console's table, then
// Workspace, Event ID and Source IP (in audit.SortFields' order), then
// Workspace ID and Details, so that the file holds every field of an event
// and importing it gives the events back. The first is named with the
// time zone. An XLSX adds a column "Details (2)", "Details (3)", ... for
// each 32,767 characters a Details runs over (cellParts).
var Columns = []string{"Timestamp", "User", "Scope", "Category", "Action", "Target", "Status", "Description", "Workspace", "Event ID", "Source IP", "Workspace ID", "Details"}

// header is the header row: "Timestamp (Asia/Tokyo)", then the rest, and
// the Details' continuation columns of an XLSX whose longest details take
// parts cells (parts <= 1: none).
func header(loc *time.Location, parts int) []string {
	h := append([]string(nil), Columns...)
	h[0] = "Timestamp (" + ZoneName(loc) + ")"
	for n := 2; n <= parts; n++ {
		h = append(h, detailsPart(n))
	}
	return h
}

// detailsPart names the column of a Details' n-th part: "Details (2)".
func detailsPart(n int) string { return "Details (" + strconv.Itoa(n) + ")" }

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
// Columns order from User. Workspace is the workspace's name as served
// (the console's table shows its id when it has none; here the id has a
// column of its own, so both read back as they were), Details the JSON
// object compact, byte for byte as the cache holds it.
func textCells(e *audit.Event, out *[nText]string) {
	var wsName, wsID string
	if w := e.Workspace; w != nil {
		wsName, wsID = w.Name, w.ID
	}
	*out = [nText]string{e.User, string(e.Scope), e.Category, e.Action, e.Target, string(e.Status), e.Description, wsName, e.ID, e.SourceIP, wsID, detailsText(e.Details)}
}

// detailsText is details as a string without copying them: the cells of a
// window live while it is made, and nothing writes an event's details
// (the index's events share their bytes with their strings already).
func detailsText(details []byte) string {
	return unsafe.String(unsafe.SliceData(details), len(details))
}

// nText is the number of text columns: all but the timestamp.
const nText = 12

// Where some columns are among the text cells.
const (
	statusColumn  = 5
	descColumn    = 6
	detailsColumn = 11
)

// timestampText is the Timestamp column as text: the console's
// YYYY-MM-DD HH:mm:ss plus the milliseconds the API gives, so the file
// keeps the instant exactly and rows of one second stay told apart.
func timestampText(t time.Time, loc *time.Location) string {
	var buf [len(stampLayout)]byte
	return string(appendStamp(buf[:0], t, loc))
}

const stampLayout = "2006-01-02 15:04:05.000"

// appendStamp appends t in loc as stampLayout: time.Format's result, at a
// fifth of its cost (a million rows' timestamps are a tenth of a CSV's
// time through Format).
func appendStamp(b []byte, t time.Time, loc *time.Location) []byte {
	t = t.In(loc)
	_, off := t.Zone()
	sec := t.Unix() + int64(off)
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, stampLayout)
	}
	rem := sec - days*86400
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, ' ')
	b = append2(b, int(rem/3600))
	b = append(b, ':')
	b = append2(b, int(rem/60%60))
	b = append(b, ':')
	b = append2(b, int(rem%60))
	ms := t.Nanosecond() / 1e6
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// civil is the proleptic Gregorian date of a day counted from 1970-01-01
// (Howard Hinnant's civil_from_days).
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
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

// Marked reports whether a CSV export prefixes s with an apostrophe: s is
// risky, or is apostrophes before something risky (a text that really
// begins '=). Then reading takes exactly one apostrophe off a cell that is
// Marked without it (Unmark), and every text comes back as it was.
func Marked(s string) bool {
	for len(s) > 0 && s[0] == '\'' {
		s = s[1:]
	}
	return risky(s)
}

// Unmark is the text of an exported CSV cell: without the apostrophe
// Marked says the export added.
func Unmark(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && Marked(cell[1:]) {
		return cell[1:]
	}
	return cell
}
