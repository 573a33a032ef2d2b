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
const idVersion = "auditdesk-import-id/1"

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// contentKey is a digest of the fields a console row holds, the instant
// included (not its text: a re-saved file shows the same instant another
// way).
type contentKey [16]byte

func keyOf(e *audit.Event) contentKey {
	h := sha256.New()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(e.Time.UnixNano()))
	h.Write([]byte(idVersion))
	h.Write(b[:])
	for _, s := range []string{e.User, string(e.Scope), e.Category, e.Action, e.Target, string(e.Status), e.Description, wsName(e)} {
		binary.BigEndian.PutUint64(b[:], uint64(len(s)))
		h.Write(b[:])
		h.Write([]byte(s))
	}
	var k contentKey
	copy(k[:], h.Sum(nil))
	return k
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
	seen map[contentKey]uint32
	at   int64 // the run's instant (UnixNano)
}

func newIDs() *ids { return &ids{seen: make(map[contentKey]uint32)} }

// assign sets e.ID from its content (e.Time in UTC, the text fields).
func (x *ids) assign(e *audit.Event) {
	if at := e.Time.UnixNano(); at != x.at {
		if len(x.seen) > 64 {
			x.seen = make(map[contentKey]uint32) // clear costs what the map grew to
		} else {
			clear(x.seen)
		}
		x.at = at
	}
	k := keyOf(e)
	n := x.seen[k]
	x.seen[k] = n + 1
	var b [len(contentKey{}) + 4]byte
	copy(b[:], k[:])
	binary.BigEndian.PutUint32(b[len(k):], n)
	sum := sha256.Sum256(b[:])
	e.ID = IDPrefix + idEncoding.EncodeToString(sum[:15])
}
