package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// CanonicalVersion starts every canonical encoding; a new layout gets a
// new version, so old hashes stay checkable.
const CanonicalVersion = "auditdesk-event/1"

// AppendCanonical appends the event's canonical encoding, the stable byte
// form its hash is taken over (docs/EVIDENCE.md): CanonicalVersion and a
// zero byte, then each field as its length (unsigned varint) and its bytes,
// in this order: id, timestamp (RFC 3339 in UTC with milliseconds, as the
// API gives it), user, scope, category, action, target, status,
// description, workspace (a flag byte 0 for none, else 1 then its id and
// name), source_ip, details (the JSON object as served).
func AppendCanonical(dst []byte, e *Event) []byte {
	dst = append(dst, CanonicalVersion...)
	dst = append(dst, 0)
	field := func(s string) {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	field(e.ID)
	dst = appendTimestamp(dst, e.Time)
	field(e.User)
	field(string(e.Scope))
	field(e.Category)
	field(e.Action)
	field(e.Target)
	field(string(e.Status))
	field(e.Description)
	if e.Workspace == nil {
		dst = append(dst, 0)
	} else {
		dst = append(dst, 1)
		field(e.Workspace.ID)
		field(e.Workspace.Name)
	}
	field(e.SourceIP)
	dst = binary.AppendUvarint(dst, uint64(len(e.Details)))
	return append(dst, e.Details...)
}

// EventHash is the SHA-256 of the event's canonical encoding.
func EventHash(e *Event) [32]byte {
	var buf [512]byte
	return sha256.Sum256(AppendCanonical(buf[:0], e))
}

// AppendEventHashes appends the EventHash of each event to dst.
func AppendEventHashes(dst [][32]byte, events []Event) [][32]byte {
	buf := make([]byte, 0, 1024)
	for i := range events {
		buf = AppendCanonical(buf[:0], &events[i])
		dst = append(dst, sha256.Sum256(buf))
	}
	return dst
}

// appendTimestamp appends the length-prefixed 2006-01-02T15:04:05.000Z form
// of t, by hand for the years 0-9999 (time.AppendFormat took a fifth of
// a hash's time), else through AppendFormat.
func appendTimestamp(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		var ts [40]byte
		b := t.AppendFormat(ts[:0], TimeLayout)
		dst = binary.AppendUvarint(dst, uint64(len(b)))
		return append(dst, b...)
	}
	h, mi, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	dst = append(dst, 24,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return dst
}
