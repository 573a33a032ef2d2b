package cli

import (
	"bytes"
	"encoding/json"

	"github.com/auditdesk/auditdesk/backend/internal/jsontext"
)

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
	if ev.SourceIP != "" {
		b = append(b, `,"source_ip":`...)
		b = jsontext.AppendString(b, ev.SourceIP)
	}
	if len(ev.Details) > 0 {
		// Compacted, as encoding/json writes a RawMessage; details that
		// are not JSON (never stored: the sync checks them) are left out.
		var buf bytes.Buffer
		buf.Grow(len(ev.Details))
		if json.Compact(&buf, ev.Details) == nil {
			b = append(b, `,"details":`...)
			b = append(b, buf.Bytes()...)
		}
	}
	return append(b, '}', '\n')
}
