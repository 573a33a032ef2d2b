package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/importer/textio"
)

// readCSV reads a delimited text file (text is UTF-8 already): its header,
// then a record a row. neutralised says AuditDesk's export prefixed risky
// cells with an apostrophe, which is taken off again.
func readCSV(ctx context.Context, text io.Reader, opt *Options, rep *Report, neutralised bool, fn func(audit.Event, int) error) error {
	recs, err := textio.NewRecords(text, 0)
	if err != nil {
		return err
	}
	rep.Sep = sepName(recs.Sep())
	head, _, err := recs.Next()
	if errors.Is(err, io.EOF) {
		return &NotAnAuditLog{Why: "the file is empty"}
	}
	if err != nil {
		return err
	}
	rep.Header = append([]string(nil), head...)
	l, ok := readHeader(head)
	if !ok {
		return &NotAnAuditLog{Why: fmt.Sprintf("its first line (%s) does not head the console's columns", preview(head))}
	}
	if miss := l.missing(); len(miss) > 0 {
		return &NotAnAuditLog{Why: "it has no " + strings.Join(miss, ", ") + " column"}
	}
	rep.Ignored, rep.Fields = l.ignored, l.fields()
	if rep.Format == "" {
		rep.Format = ConsoleCSV
		if l.at[fID] >= 0 {
			rep.Format = AuditDeskCSV
		}
	}
	loc, named := zoneFor(l.zone, opt)
	rep.Zone, rep.ZoneFromFile = loc.String(), named
	var x *ids
	if l.at[fID] < 0 {
		x = newIDs()
	}
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, line, err := recs.Next()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, textio.ErrMalformed):
			// An unclosed quote, text after a closing one: a broken row.
			rep.bad(opt, line, nil, "%s", strings.TrimPrefix(err.Error(), "textio: "))
			continue
		case err != nil:
			return err
		}
		e, why := l.event(rec, loc, neutralised, rep)
		if why != "" {
			rep.bad(opt, line, rec, "%s", why)
			continue
		}
		if x != nil {
			x.assign(&e)
		}
		rep.Rows++
		if err := fn(e, line); err != nil {
			return err
		}
	}
}

// zoneFor is the zone of a file's zone-less times: the one its header
// names when it is one Go knows, else the options', else UTC.
func zoneFor(named string, opt *Options) (*time.Location, bool) {
	if named != "" && !strings.HasPrefix(named, "Local") {
		if loc, err := time.LoadLocation(named); err == nil {
			return loc, true
		}
	}
	if opt.Zone != nil {
		return opt.Zone, false
	}
	return time.UTC, false
}

// event reads a record laid out as l; why says what is wrong when it
// cannot be an event.
func (l *layout) event(rec []string, loc *time.Location, neutralised bool, rep *Report) (audit.Event, string) {
	if len(rec) != l.width {
		// Excel drops trailing empty cells of a row; more cells than the
		// header, or fewer than its columns read, is a broken row.
		if len(rec) > l.width || len(rec) <= l.last() {
			return audit.Event{}, fmt.Sprintf("%d columns, the header has %d", len(rec), l.width)
		}
	}
	cell := func(f field) string {
		c := l.at[f]
		if c < 0 || c >= len(rec) {
			return ""
		}
		v := rec[c]
		if neutralised {
			v = export.Unmark(v)
		}
		return v
	}
	var e audit.Event
	ts := strings.TrimSpace(cell(fTimestamp))
	t, noSec, err := textio.ParseTime(ts, loc)
	if err != nil {
		return e, err.Error()
	}
	if noSec {
		rep.NoSeconds++
	}
	e.Time = t
	e.User = strings.TrimSpace(cell(fUser))
	if e.User == "" {
		return e, "no user"
	}
	scope, ok := scopeOf(cell(fScope))
	if !ok {
		return e, "no scope"
	}
	e.Scope = scope
	e.Category, e.Action, e.Target = cell(fCategory), cell(fAction), cell(fTarget)
	status, ok := statusOf(cell(fStatus))
	if !ok {
		return e, fmt.Sprintf("unknown status %q (SUCCESS or FAILED)", cell(fStatus))
	}
	e.Status = status
	e.Description = cell(fDescription)
	if l.at[fWorkspaceID] >= 0 {
		// AuditDesk's exports since Workspace ID: the name as served (""
		// for none) beside the id. Neither is no workspace.
		if id, name := strings.TrimSpace(cell(fWorkspaceID)), cell(fWorkspace); id != "" || name != "" {
			e.Workspace = &audit.Ref{ID: id, Name: name}
		}
	} else if ws := cell(fWorkspace); ws != "" {
		e.Workspace = &audit.Ref{Name: ws}
	}
	e.SourceIP = strings.TrimSpace(cell(fSourceIP))
	if l.at[fDetails] >= 0 {
		text := cell(fDetails)
		for _, c := range l.details {
			if c < len(rec) {
				text += rec[c] // an XLSX's parts: never neutralised
			}
		}
		d, err := auditapi.DecodeDetails([]byte(text))
		if err != nil {
			return e, "Details is not a JSON object: " + strings.TrimPrefix(jsonWhy(err), "jsontext: ")
		}
		e.Details = d
	}
	if l.at[fID] >= 0 {
		e.ID = strings.TrimSpace(cell(fID))
		if err := e.Validate(); err != nil {
			return e, strings.TrimPrefix(err.Error(), audit.ErrInvalidEvent.Error()+": ")
		}
	}
	return e, ""
}

// last is the highest column a field is read from.
func (l *layout) last() int {
	m := -1
	for _, c := range l.at {
		m = max(m, c)
	}
	return m
}

// scopeOf reads a scope as the console writes it, in English or Japanese;
// another non-empty value is kept as written (a platform may add one).
func scopeOf(s string) (audit.Scope, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return "", false
	case "組織":
		return audit.ScopeOrganization, true
	case "請求", "課金":
		return audit.ScopeBilling, true
	case "ワークスペース":
		return audit.ScopeWorkspace, true
	case "サービス":
		return audit.ScopeService, true
	}
	for _, k := range audit.Scopes {
		if strings.EqualFold(s, string(k)) {
			return k, true
		}
	}
	return audit.Scope(s), true
}

// statusOf reads SUCCESS or FAILED, in any case, or the console's Japanese.
func statusOf(s string) (audit.Status, bool) {
	s = strings.TrimSpace(s)
	switch {
	case strings.EqualFold(s, string(audit.StatusSuccess)), s == "成功":
		return audit.StatusSuccess, true
	case strings.EqualFold(s, string(audit.StatusFailed)), s == "失敗":
		return audit.StatusFailed, true
	}
	return "", false
}

func sepName(r rune) string {
	if r == '\t' {
		return "tab"
	}
	return string(r)
}

// preview is a record shortened for a one-line message.
func preview(rec []string) string {
	s := strings.Join(rec, ", ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
