package importer

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// IDPrefix starts every ID the importer makes, so an imported row's ID is
// never taken for one the platform gave.
const IDPrefix = "imp_"

// idVersion names how IDs are made: a change of it would make the same
// file give other IDs, and so duplicates on a second import.
const idVersion = "auditdesk-import-id/2"

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// contentKey is a digest of the fields a console row holds, the instant
// included (not its text: a re-saved file shows the same instant another
// way), and the row's place among identical rows.
type contentKey [15]byte

// keyOf digests e's content and n, the identical rows before it, in one
// SHA-256 over buf (kept between rows).
func keyOf(buf []byte, e *audit.Event, n uint32) ([]byte, contentKey) {
	b := append(buf[:0], idVersion...)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixNano()))
	for _, s := range [...]string{e.User, string(e.Scope), e.Category, e.Action, e.Target, string(e.Status), e.Description, wsName(e)} {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.BigEndian.AppendUint32(b, n)
	sum := sha256.Sum256(b)
	var k contentKey
	copy(k[:], sum[:])
	return b, k
}

func wsName(e *audit.Event) string {
	if e.Workspace == nil {
		return ""
	}
	return e.Workspace.Name
}

// ids gives rows without IDs theirs: the content's digest and how many
// rows of the same content came before it in the file. Two identical rows
// are two events (a console shows seconds, so two of one second look
// alike), and the same file, or an overlapping one holding the same rows
// in the same order, gives the same IDs, so reading it again adds nothing.
//
// Identical rows share their instant, so only rows of the same instant are
// counted, and only within a run of rows of that instant: the count is
// dropped when the instant changes. Memory stays flat whatever the file's
// size, and the count is the whole file's for a file in time order (a
// console export) and for any file sorted from one (a stable sort, as a
// spreadsheet's, keeps identical rows within their instant's run). Only a
// file shuffled otherwise could split identical rows into two runs: each
// run then counts from 0 and the second is told a duplicate (the report
// counts it).
type ids struct {
	seen map[contentKey]uint32 // a row's key with n 0: the rows like it so far
	at   int64                 // the run's instant (UnixNano)
	buf  []byte
}

func newIDs() *ids { return &ids{seen: make(map[contentKey]uint32)} }

// assign sets e.ID from its content (e.Time in UTC, the text fields): the
// key of its content and 0 tells it from other rows, and, for a row like
// one before it, the key with how many came before.
func (x *ids) assign(e *audit.Event) {
	if at := e.Time.UnixNano(); at != x.at {
		if len(x.seen) > 64 {
			x.seen = make(map[contentKey]uint32) // clear costs what the map grew to
		} else {
			clear(x.seen)
		}
		x.at = at
	}
	var k contentKey
	x.buf, k = keyOf(x.buf, e, 0)
	n := x.seen[k]
	x.seen[k] = n + 1
	if n > 0 {
		x.buf, k = keyOf(x.buf, e, n)
	}
	e.ID = IDPrefix + idEncoding.EncodeToString(k[:])
}
