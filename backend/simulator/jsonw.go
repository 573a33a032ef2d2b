package simulator

import (
	"strconv"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/internal/jsontext"
)

// An append-based JSON writer for the few shapes the API serves: no
// reflection, no allocation per event.

// appendTimestamp writes ms as "2026-11-20T10:31:02.123Z".
func appendTimestamp(dst []byte, ms int64) []byte {
	t := time.UnixMilli(ms).UTC()
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	milli := int(ms % 1000)
	if milli < 0 {
		milli += 1000
	}
	dst = append(dst, '"')
	dst = append4(dst, y)
	dst = append(dst, '-')
	dst = append2(dst, int(mo))
	dst = append(dst, '-')
	dst = append2(dst, d)
	dst = append(dst, 'T')
	dst = append2(dst, h)
	dst = append(dst, ':')
	dst = append2(dst, mi)
	dst = append(dst, ':')
	dst = append2(dst, sec)
	dst = append(dst, '.', byte('0'+milli/100), byte('0'+milli/10%10), byte('0'+milli%10), 'Z', '"')
	return dst
}

func append2(dst []byte, n int) []byte { return append(dst, byte('0'+n/10), byte('0'+n%10)) }

func append4(dst []byte, n int) []byte {
	if n < 1000 || n > 9999 {
		return strconv.AppendInt(dst, int64(n), 10) // outside the span's years
	}
	return append(dst, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

func appendRef(dst []byte, ref audit.Ref) []byte {
	dst = append(dst, `{"id":`...)
	dst = jsontext.AppendString(dst, ref.ID)
	dst = append(dst, `,"name":`...)
	dst = jsontext.AppendString(dst, ref.Name)
	return append(dst, '}')
}

// appendEvent writes one event object as the API serves it.
func appendEvent(dst []byte, r *record, w *world) []byte {
	dst = append(dst, `{"id":`...)
	dst = jsontext.AppendString(dst, r.id)
	dst = append(dst, `,"timestamp":`...)
	dst = appendTimestamp(dst, r.ms)
	dst = append(dst, `,"user":`...)
	dst = jsontext.AppendString(dst, r.user)
	dst = append(dst, `,"scope":`...)
	dst = jsontext.AppendString(dst, r.act.scope)
	dst = append(dst, `,"category":`...)
	dst = jsontext.AppendString(dst, r.act.category)
	dst = append(dst, `,"action":`...)
	dst = jsontext.AppendString(dst, r.act.name)
	dst = append(dst, `,"target":`...)
	dst = jsontext.AppendString(dst, r.target)
	if r.failed {
		dst = append(dst, `,"status":"FAILED","description":`...)
	} else {
		dst = append(dst, `,"status":"SUCCESS","description":`...)
	}
	dst = jsontext.AppendString(dst, r.desc)
	dst = append(dst, `,"workspace":`...)
	if r.ws >= 0 {
		dst = appendRef(dst, w.wsRefs[r.ws])
	} else {
		dst = append(dst, "null"...)
	}
	if len(r.ip) > 0 {
		dst = append(dst, `,"source_ip":`...)
		dst = jsontext.AppendString(dst, r.ip)
	}
	if r.ua != "" {
		// Not in the contract: real servers add fields, clients ignore them.
		dst = append(dst, `,"user_agent":`...)
		dst = jsontext.AppendString(dst, r.ua)
	}
	if len(r.details) > 0 {
		dst = append(dst, `,"details":`...)
		dst = append(dst, r.details...)
	}
	return append(dst, '}')
}

func appendIdentity(dst []byte, id audit.Identity) []byte {
	dst = append(dst, `{"user":`...)
	dst = jsontext.AppendString(dst, id.User)
	dst = append(dst, `,"organization":`...)
	dst = appendRef(dst, id.Organization)
	dst = append(dst, `,"role":`...)
	dst = jsontext.AppendString(dst, id.Role)
	dst = append(dst, `,"workspaces":[`...)
	for i, ref := range id.Workspaces {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendRef(dst, ref)
	}
	return append(dst, "]}"...)
}

func appendError(dst []byte, code, msg string) []byte {
	dst = append(dst, `{"error":{"code":`...)
	dst = jsontext.AppendString(dst, code)
	dst = append(dst, `,"message":`...)
	dst = jsontext.AppendString(dst, msg)
	return append(dst, "}}\n"...)
}
