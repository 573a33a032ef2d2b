package simulator

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// An append-based JSON writer for the few shapes the API serves: no
// reflection, no allocation per event.

// safe marks the ASCII bytes that need no escaping inside a JSON string.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Control characters are escaped,
// invalid UTF-8 becomes U+FFFD (as encoding/json does), and U+2028/U+2029
// are escaped so the output is also safe inside JavaScript.
func appendString[T ~string | ~[]byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		var rb [utf8.UTFMax]byte
		r, size := utf8.DecodeRune(rb[:copy(rb[:], s[i:min(i+utf8.UTFMax, len(s))])])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

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
	dst = appendString(dst, ref.ID)
	dst = append(dst, `,"name":`...)
	dst = appendString(dst, ref.Name)
	return append(dst, '}')
}

// appendEvent writes one event object as the API serves it.
func appendEvent(dst []byte, r *record, w *world) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendString(dst, r.id)
	dst = append(dst, `,"timestamp":`...)
	dst = appendTimestamp(dst, r.ms)
	dst = append(dst, `,"user":`...)
	dst = appendString(dst, r.user)
	dst = append(dst, `,"scope":`...)
	dst = appendString(dst, r.act.scope)
	dst = append(dst, `,"category":`...)
	dst = appendString(dst, r.act.category)
	dst = append(dst, `,"action":`...)
	dst = appendString(dst, r.act.name)
	dst = append(dst, `,"target":`...)
	dst = appendString(dst, r.target)
	if r.failed {
		dst = append(dst, `,"status":"FAILED","description":`...)
	} else {
		dst = append(dst, `,"status":"SUCCESS","description":`...)
	}
	dst = appendString(dst, r.desc)
	dst = append(dst, `,"workspace":`...)
	if r.ws >= 0 {
		dst = appendRef(dst, w.wsRefs[r.ws])
	} else {
		dst = append(dst, "null"...)
	}
	if len(r.ip) > 0 {
		dst = append(dst, `,"source_ip":`...)
		dst = appendString(dst, r.ip)
	}
	if r.ua != "" {
		// Not in the contract: real servers add fields, clients ignore them.
		dst = append(dst, `,"user_agent":`...)
		dst = appendString(dst, r.ua)
	}
	if len(r.details) > 0 {
		dst = append(dst, `,"details":`...)
		dst = append(dst, r.details...)
	}
	return append(dst, '}')
}

func appendIdentity(dst []byte, id audit.Identity) []byte {
	dst = append(dst, `{"user":`...)
	dst = appendString(dst, id.User)
	dst = append(dst, `,"organization":`...)
	dst = appendRef(dst, id.Organization)
	dst = append(dst, `,"role":`...)
	dst = appendString(dst, id.Role)
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
	dst = appendString(dst, code)
	dst = append(dst, `,"message":`...)
	dst = appendString(dst, msg)
	return append(dst, "}}\n"...)
}
