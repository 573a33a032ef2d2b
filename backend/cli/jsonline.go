package cli

import "github.com/auditdesk/auditdesk/backend/internal/jsontext"

// appendJSONLine appends ev as encoding/json's Encoder (SetEscapeHTML
// false) writes it, and a newline: byte for byte the same (a test holds
// it), at a fifth of its cost, which was a fifth of a query's time for a
// result of 40,000 rows.
func appendJSONLine(b []byte, ev *apiEvent) []byte {
	b = append(b, `{"id":`...)
	b = jsontext.AppendString(b, ev.ID)
	for _, f := range [...]struct{ key, val string }{
		{`,"timestamp":`, ev.Timestamp},
		{`,"user":`, ev.User},
		{`,"scope":`, ev.Scope},
		{`,"category":`, ev.Category},
		{`,"action":`, ev.Action},
		{`,"target":`, ev.Target},
		{`,"status":`, ev.Status},
		{`,"description":`, ev.Description},
	} {
		b = append(b, f.key...)
		b = jsontext.AppendString(b, f.val)
	}
	b = append(b, `,"workspace":`...)
	if ev.Workspace == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = jsontext.AppendString(b, ev.Workspace.ID)
		b = append(b, `,"name":`...)
		b = jsontext.AppendString(b, ev.Workspace.Name)
		b = append(b, '}')
	}
	return append(b, '}', '\n')
}
