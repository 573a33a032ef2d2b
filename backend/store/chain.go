package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The hash chain (docs/EVIDENCE.md). Every committed page that adds events
// appends a record, in the page's own transaction:
//
//	'h' + seq(8)  -> record: version(1), prev hash(32), committed at
//	                 (UnixNano, 8), window start(8), window end(8), cursor
//	                 (uvarint length + bytes), n (uvarint), then n times an
//	                 id (uvarint length + bytes) and its event hash (32)
//	'H'           -> the head: seq(8) and the SHA-256 of record seq
//
// seq counts from 1; record 1's prev hash is 32 zero bytes. A record's hash
// is the SHA-256 of its value, so changing any record, dropping one or
// adding one breaks every link after it, up to the head.
const (
	prefixChain   = 'h'
	keyChainHead  = 'H'
	chainVersion  = 1
	chainHashSize = sha256.Size
)

// Head is the chain's newest record: how many records there are and the
// hash of the last one. The zero Head is an empty chain.
type Head struct {
	Seq  uint64
	Hash [chainHashSize]byte
}

// String is the head's hash in hex, "" for an empty chain.
func (h Head) String() string {
	if h.Seq == 0 {
		return ""
	}
	return hex.EncodeToString(h.Hash[:])
}

// chainEntry is one new event of a page: its id and its hash (at is its
// place in the page, while the hash is being taken).
type chainEntry struct {
	id   string
	hash [chainHashSize]byte
	at   int
}

func chainKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{prefixChain}, seq)
}

func readHead(txn *badger.Txn) (Head, error) {
	h, _, err := readKey(txn, keyChainHead, decodeHead)
	return h, err
}

func decodeHead(v []byte) (Head, error) {
	var h Head
	if len(v) != 8+chainHashSize {
		return h, fmt.Errorf("store: %w: chain head of %d bytes", errBadValue, len(v))
	}
	h.Seq = binary.BigEndian.Uint64(v)
	copy(h.Hash[:], v[8:])
	return h, nil
}

// appendChain adds the record of a page's new events to txn and returns the
// new head. The record and the head are fresh slices: Badger keeps them
// until the commit.
func appendChain(txn *badger.Txn, prev Head, cp Checkpoint, at time.Time, entries []chainEntry) (Head, error) {
	size := 1 + chainHashSize + 3*8 + binary.MaxVarintLen64 + len(cp.Cursor) + binary.MaxVarintLen64
	for _, e := range entries {
		size += binary.MaxVarintLen64 + len(e.id) + chainHashSize
	}
	rec := make([]byte, 0, size)
	rec = append(rec, chainVersion)
	rec = append(rec, prev.Hash[:]...)
	rec = binary.BigEndian.AppendUint64(rec, uint64(at.UnixNano()))
	rec = binary.BigEndian.AppendUint64(rec, uint64(timeNano(cp.WindowStart)))
	rec = binary.BigEndian.AppendUint64(rec, uint64(timeNano(cp.WindowEnd)))
	rec = binary.AppendUvarint(rec, uint64(len(cp.Cursor)))
	rec = append(rec, cp.Cursor...)
	rec = binary.AppendUvarint(rec, uint64(len(entries)))
	for _, e := range entries {
		rec = binary.AppendUvarint(rec, uint64(len(e.id)))
		rec = append(rec, e.id...)
		rec = append(rec, e.hash[:]...)
	}
	next := Head{Seq: prev.Seq + 1, Hash: sha256.Sum256(rec)}
	head := binary.BigEndian.AppendUint64(make([]byte, 0, 8+chainHashSize), next.Seq)
	head = append(head, next.Hash[:]...)
	if err := setAll(txn, chainKey(next.Seq), rec, []byte{keyChainHead}, head); err != nil {
		return prev, err
	}
	return next, nil
}

// timeNano is t's UnixNano, 0 for the zero time (an open window end).
func timeNano(t time.Time) int64 {
	if t.IsZero() || !timeInRange(t) {
		return 0
	}
	return t.UnixNano()
}

// ChainRecord is one decoded record, for Verify.
type ChainRecord struct {
	Seq         uint64
	Prev        [chainHashSize]byte
	Hash        [chainHashSize]byte // of the record as stored
	CommittedAt time.Time
	WindowStart time.Time
	WindowEnd   time.Time // zero: open-ended
	Cursor      string
	IDs         []string
	Hashes      [][chainHashSize]byte
}

func decodeChainRecord(seq uint64, v []byte) (ChainRecord, error) {
	var ids []string
	var hashes [][chainHashSize]byte
	r, err := readChainRecord(seq, v, func(n int) {
		ids, hashes = make([]string, 0, n), make([][chainHashSize]byte, 0, n)
	}, func(id []byte, h *[chainHashSize]byte) {
		ids = append(ids, string(id))
		hashes = append(hashes, *h)
	})
	r.IDs, r.Hashes = ids, hashes
	return r, err
}

// readChainRecord decodes record v but its entries, which it gives to
// entry one by one (count first says how many), their id in v itself:
// Recorded keeps a million ids in one arena without a string for each.
func readChainRecord(seq uint64, v []byte, count func(int), entry func(id []byte, hash *[chainHashSize]byte)) (ChainRecord, error) {
	r := ChainRecord{Seq: seq, Hash: sha256.Sum256(v)}
	bad := func(what string) (ChainRecord, error) {
		return ChainRecord{}, fmt.Errorf("store: %w: chain record %d: %s", errBadValue, seq, what)
	}
	if len(v) < 1+chainHashSize+24 || v[0] != chainVersion {
		return bad("short or of an unknown version")
	}
	copy(r.Prev[:], v[1:])
	p := v[1+chainHashSize:]
	nano := func(b []byte) time.Time {
		n := int64(binary.BigEndian.Uint64(b))
		if n == 0 {
			return time.Time{}
		}
		return time.Unix(0, n).UTC()
	}
	r.CommittedAt, r.WindowStart, r.WindowEnd = nano(p), nano(p[8:]), nano(p[16:])
	p = p[24:]
	field := func() ([]byte, bool) {
		n, k := binary.Uvarint(p)
		if k <= 0 || uint64(len(p)-k) < n {
			return nil, false
		}
		b := p[k : k+int(n)]
		p = p[k+int(n):]
		return b, true
	}
	cursor, ok := field()
	if !ok {
		return bad("cursor")
	}
	r.Cursor = string(cursor)
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)) {
		return bad("count")
	}
	p = p[k:]
	count(int(n))
	for range n {
		id, ok := field()
		if !ok || len(p) < chainHashSize {
			return bad("entry")
		}
		entry(id, (*[chainHashSize]byte)(p))
		p = p[chainHashSize:]
	}
	if len(p) != 0 {
		return bad("trailing bytes")
	}
	return r, nil
}

// Head is the chain's head now.
func (s *Store) Head() (Head, error) {
	var h Head
	err := s.view(func(txn *badger.Txn) error {
		var err error
		h, err = readHead(txn)
		return err
	})
	if err != nil {
		return Head{}, fmt.Errorf("store: chain head: %w", err)
	}
	return h, nil
}

// ErrAltered is wrapped by every AlteredError: a read for the index or an
// export found the cache differing from what its syncs recorded.
var ErrAltered = errors.New("store: the cache was altered since it was synced")

// What an AlteredError found.
const (
	alteredChanged    = iota // the event's hash differs from the recorded one
	alteredUnreadable        // the event's stored value cannot be decoded
	alteredAdded             // no sync recorded the event
	alteredChain             // the chain itself does not hold together
)

// AlteredError is an event, or the chain, that differs from what the syncs
// recorded. Its message is one line that sends the user to verify, which
// lists everything that differs.
type AlteredError struct {
	ID     string // the event; "" for the chain
	Detail string // for the chain: what is wrong
	what   int
	cause  error
}

func (e *AlteredError) Error() string {
	switch e.what {
	case alteredUnreadable:
		return fmt.Sprintf("event %s was altered since it was synced (it cannot be read): run auditdesk verify", e.ID)
	case alteredAdded:
		return fmt.Sprintf("event %s was added to the cache outside a sync: run auditdesk verify", e.ID)
	case alteredChain:
		return fmt.Sprintf("the cache's hash chain was altered since it was synced (%s): run auditdesk verify", e.Detail)
	}
	return fmt.Sprintf("event %s was altered since it was synced: run auditdesk verify", e.ID)
}

func (e *AlteredError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrAltered, e.cause}
	}
	return []error{ErrAltered}
}

// Recorded is what the hash chain records, read in one snapshot: its head,
// checked against the records' links, and the hash of every event a sync
// recorded. Check compares an event with it; it is not for concurrent
// use.
type Recorded struct {
	Head Head
	// The chain's events in its order: their ids (in one arena, id i is
	// idText[idEnd[i-1]:idEnd[i]]) and hashes, as decodeChainRecord reads
	// each record (Verify reads them so too). Nothing here holds a
	// pointer, so the collector never scans a million of them while an
	// export runs beside it.
	idText []byte
	idEnd  []uint32
	hashes [][chainHashSize]byte
	// A sync commits a window in (time, id) order, the order Scan reads
	// in: Find looks first at the entry after the last it found, then at
	// the one before it (an export newest first), and makes the map from
	// id to entry only at its first miss (late events, an export's other
	// sorts), which keeps a rebuild of the index and most exports from
	// paying for random lookups in a map of every event. The map is keyed
	// by the id's hash; the few ids whose hash another id has are in clash.
	next  int
	seed  maphash.Seed
	index map[uint64]uint32
	clash map[string]uint32
	all   bool // a store WithoutChain: nothing to check against
}

// idBytes is entry i's id, in the arena.
func (r *Recorded) idBytes(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = r.idEnd[i-1]
	}
	return r.idText[start:r.idEnd[i]]
}

// id is entry i's id.
func (r *Recorded) id(i int) string { return string(r.idBytes(i)) }

// is reports whether entry i's id is id, without copying it.
func (r *Recorded) is(i int, id string) bool { return string(r.idBytes(i)) == id }

// Recorded reads the chain: what Check compares the events of an export
// with, and the head its manifest names.
func (s *Store) Recorded(ctx context.Context) (*Recorded, error) {
	var r *Recorded
	err := s.view(func(txn *badger.Txn) error {
		var err error
		r, err = s.readRecorded(ctx, txn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: read the chain: %w", err)
	}
	return r, nil
}

// Check says whether e is as its sync recorded it: nil, or an
// *AlteredError naming it. Check is Find, then CheckHash of e's hash.
func (r *Recorded) Check(e *audit.Event) error {
	i, err := r.Find(e.ID)
	if err != nil || r.all {
		return err
	}
	return r.CheckHash(i, e.ID, audit.EventHash(e))
}

// Find is the chain's entry of the event id, for CheckHash, or an
// *AlteredError when the chain has no such event. It keeps where it found
// the last (see Recorded), so it is called on one goroutine at a time.
func (r *Recorded) Find(id string) (int, error) {
	if r.all {
		return -1, nil
	}
	i := r.next
	if i >= len(r.idEnd) || !r.is(i, id) {
		// Newest first, an export's default, reads each window backwards,
		// from the chain's end.
		i = r.next - 2
		if r.next == 0 {
			i = len(r.idEnd) - 1
		}
	}
	if i < 0 || i >= len(r.idEnd) || !r.is(i, id) {
		if r.index == nil {
			if err := r.makeIndex(); err != nil {
				return 0, err
			}
		}
		j, ok := r.lookup(id)
		if !ok {
			return 0, &AlteredError{ID: id, what: alteredAdded}
		}
		i = j
	}
	r.next = i + 1
	return i, nil
}

// CheckHash says whether the event id, whose entry Find found at i, with
// h its EventHash, is as its sync recorded it: nil, or an *AlteredError
// naming it. The costly part, the hash, is the caller's: an export makes
// them on every core.
func (r *Recorded) CheckHash(i int, id string, h [chainHashSize]byte) error {
	if !r.all && h != r.hashes[i] {
		return &AlteredError{ID: id, what: alteredChanged}
	}
	return nil
}

// lookup is the entry of id.
func (r *Recorded) lookup(id string) (int, bool) {
	if j, ok := r.index[maphash.String(r.seed, id)]; ok && r.is(int(j), id) {
		return int(j), true
	}
	j, ok := r.clash[id]
	return int(j), ok
}

// makeIndex maps each id to its entry.
func (r *Recorded) makeIndex() error {
	n := len(r.idEnd)
	if n > 1<<32-1 {
		return &AlteredError{Detail: "too many events", what: alteredChain}
	}
	r.seed = maphash.MakeSeed()
	r.index = make(map[uint64]uint32, n)
	for i := range n {
		id := r.id(i)
		if _, dup := r.lookup(id); dup {
			return &AlteredError{Detail: fmt.Sprintf("event %s is listed twice", id), what: alteredChain}
		}
		h := maphash.String(r.seed, id)
		if _, taken := r.index[h]; !taken {
			r.index[h] = uint32(i)
			continue
		}
		if r.clash == nil {
			r.clash = map[string]uint32{}
		}
		r.clash[id] = uint32(i)
	}
	return nil
}

// readRecorded reads every chain record in txn, checking that each links
// to the one before and the head names the last (hashing the records is
// a small part of hashing the events they list).
func (s *Store) readRecorded(ctx context.Context, txn *badger.Txn) (*Recorded, error) {
	head, err := readHead(txn)
	if err != nil {
		return nil, err
	}
	r := &Recorded{Head: head}
	if s.unchained {
		r.all = true
		return r, nil
	}
	c, err := readCounters(txn)
	if err != nil {
		return nil, err
	}
	hint := int(min(max(c.events, 0), 1<<24))
	r.idText = make([]byte, 0, hint*32) // an id is about 30 bytes: evt_ and a ULID
	r.idEnd = make([]uint32, 0, hint)
	r.hashes = make([][chainHashSize]byte, 0, hint)
	broken := func(format string, a ...any) (*Recorded, error) {
		return nil, &AlteredError{Detail: fmt.Sprintf(format, a...), what: alteredChain}
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixChain}, PrefetchValues: true, PrefetchSize: 16})
	defer it.Close()
	var prev [chainHashSize]byte
	var seq uint64
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		seq++
		item := it.Item()
		if k := item.Key(); len(k) != 9 || binary.BigEndian.Uint64(k[1:]) != seq {
			return broken("record %d is missing or out of place", seq)
		}
		var rec ChainRecord
		var long bool
		err := item.Value(func(v []byte) error {
			var err error
			rec, err = readChainRecord(seq, v, func(int) {}, func(id []byte, h *[chainHashSize]byte) {
				long = long || len(r.idText)+len(id) > 1<<32-1
				r.idText = append(r.idText, id...)
				r.idEnd = append(r.idEnd, uint32(len(r.idText)))
				r.hashes = append(r.hashes, *h)
			})
			return err
		})
		switch {
		case errors.Is(err, errBadValue):
			return broken("record %d cannot be read", seq)
		case err != nil:
			return nil, err
		case rec.Prev != prev:
			return broken("record %d does not link to the record before it", seq)
		case long:
			return broken("the chain's ids pass 4 GiB")
		}
		prev = rec.Hash
	}
	if seq != head.Seq || prev != head.Hash {
		return broken("the head names record %d, the chain ends at record %d or differs", head.Seq, seq)
	}
	return r, nil
}
