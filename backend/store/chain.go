package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
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
	item, err := txn.Get([]byte{keyChainHead})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return Head{}, nil
	}
	if err != nil {
		return Head{}, err
	}
	var h Head
	err = item.Value(func(v []byte) error {
		if len(v) != 8+chainHashSize {
			return fmt.Errorf("store: %w: chain head of %d bytes", errBadValue, len(v))
		}
		h.Seq = binary.BigEndian.Uint64(v)
		copy(h.Hash[:], v[8:])
		return nil
	})
	return h, err
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
	str := func() (string, bool) {
		n, k := binary.Uvarint(p)
		if k <= 0 || uint64(len(p)-k) < n {
			return "", false
		}
		s := string(p[k : k+int(n)])
		p = p[k+int(n):]
		return s, true
	}
	var ok bool
	if r.Cursor, ok = str(); !ok {
		return bad("cursor")
	}
	n, k := binary.Uvarint(p)
	if k <= 0 || n > uint64(len(p)) {
		return bad("count")
	}
	p = p[k:]
	r.IDs = make([]string, 0, n)
	r.Hashes = make([][chainHashSize]byte, 0, n)
	for range n {
		id, ok := str()
		if !ok || len(p) < chainHashSize {
			return bad("entry")
		}
		var h [chainHashSize]byte
		copy(h[:], p)
		p = p[chainHashSize:]
		r.IDs = append(r.IDs, id)
		r.Hashes = append(r.Hashes, h)
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
