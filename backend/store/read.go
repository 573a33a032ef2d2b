package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Stats describes the whole cache.
type Stats struct {
	Events         int64
	Oldest, Newest time.Time // zero when the cache is empty
	LastSync       time.Time // SyncedAt of the last committed checkpoint
	DiskBytes      int64     // space the cache's files take on disk
}

// Checkpoint returns the last committed checkpoint; ok is false before the
// first commit.
func (s *Store) Checkpoint() (cp Checkpoint, ok bool, err error) {
	err = s.view(func(txn *badger.Txn) error {
		cp, ok, err = readCheckpoint(txn)
		return err
	})
	if err != nil {
		return Checkpoint{}, false, fmt.Errorf("store: checkpoint: %w", err)
	}
	return cp, ok, nil
}

func readCheckpoint(txn *badger.Txn) (cp Checkpoint, ok bool, err error) {
	cp, found, err := readKey(txn, keyCheckpoint, decodeCheckpoint)
	return cp, found && err == nil, err
}

// readKey decodes the value stored under the one-byte key with decode. A
// key not stored is the zero T, not found, and no error.
func readKey[T any](txn *badger.Txn, key byte, decode func([]byte) (T, error)) (v T, found bool, err error) {
	item, err := txn.Get([]byte{key})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	err = item.Value(func(b []byte) error {
		v, err = decode(b)
		return err
	})
	return v, true, err
}

// Stats reads the counters kept by CommitPage; it does not scan events.
func (s *Store) Stats() (Stats, error) {
	var st Stats
	err := s.view(func(txn *badger.Txn) error {
		c, err := readCounters(txn)
		if err != nil {
			return err
		}
		st.Events = c.events
		if c.events > 0 {
			st.Oldest, st.Newest = decodeTime(c.oldest), decodeTime(c.newest)
		}
		cp, ok, err := readCheckpoint(txn)
		if ok {
			st.LastSync = cp.SyncedAt
		}
		return err
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	st.DiskBytes, err = dirBytes(s.dir)
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}

// Scan calls fn for every event with from <= Time < to, in (Time, ID) order;
// a zero bound is open. It stops at fn's first error, which it returns, or
// when ctx is done.
//
// Each event is checked against the hash its sync recorded in the chain,
// in the same snapshot, before fn sees it: an event that differs, cannot
// be read or was never recorded stops the scan with an *AlteredError
// (ErrAltered), so nothing altered reaches the index or an export. The
// check is one SHA-256 an event, and the chain read once a scan.
func (s *Store) Scan(ctx context.Context, from, to time.Time, fn func(audit.Event) error) error {
	start := []byte{prefixEvent}
	if !from.IsZero() {
		start = eventKeyBound(clampTime(from))
	}
	var end []byte
	if !to.IsZero() {
		end = eventKeyBound(clampTime(to))
	}
	return s.view(func(txn *badger.Txn) error {
		rec, err := s.readRecorded(ctx, txn)
		if err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixEvent}})
		defer it.Close()
		n := 0
		for it.Seek(start); it.Valid(); it.Next() {
			if n++; n&63 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			k := item.Key()
			if end != nil && bytes.Compare(k, end) >= 0 {
				return nil
			}
			var e audit.Event
			if err := decodeItem(item, k, &e); err != nil {
				return unreadable(k, err)
			}
			if err := rec.Check(&e); err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}

// clampTime keeps a scan bound inside the key's time range.
func clampTime(t time.Time) time.Time {
	if t.Before(minTime) {
		return minTime
	}
	if t.After(maxTime) {
		return maxTime
	}
	return t
}

func decodeItem(item *badger.Item, k []byte, e *audit.Event) error {
	ts, id, ok := parseEventKey(k)
	if !ok {
		return fmt.Errorf("store: %w: bad event key %q", errBadValue, k)
	}
	e.ID = string(id)
	e.Time = decodeTime(ts)
	err := item.Value(func(v []byte) error { return decodeEventValue(v, e) })
	if err != nil {
		return fmt.Errorf("store: event %s: %w", e.ID, err)
	}
	return nil
}

// unreadable is the error of an event whose stored value (or key) does
// not decode: an *AlteredError naming it. Any other error (Badger's own,
// reading the files) is returned as it is.
func unreadable(k []byte, err error) error {
	if !errors.Is(err, errBadValue) {
		return err
	}
	return &AlteredError{ID: keyID(k), what: alteredUnreadable, cause: err}
}

// keyID is the id an event key names, quoted when the key is not one.
func keyID(k []byte) string {
	if _, id, ok := parseEventKey(k); ok {
		return string(id)
	}
	return fmt.Sprintf("%q", k)
}

// Get returns the event with the given id; ok is false if it is not
// cached. Only an id is given, so it looks through the event keys (an
// older cache's id key, where there, says where): for checks and tools,
// not for a path a user waits on.
func (s *Store) Get(id string) (e audit.Event, ok bool, err error) {
	err = s.view(func(txn *badger.Txn) error {
		k, err := findEventKey(txn, id)
		if k == nil || err != nil {
			return err
		}
		item, err := txn.Get(k)
		if err != nil {
			return fmt.Errorf("event key of %s: %w", id, err)
		}
		ok = true
		return decodeItem(item, k, &e)
	})
	if err != nil {
		return audit.Event{}, false, fmt.Errorf("store: get %s: %w", id, err)
	}
	return e, ok, nil
}

// findEventKey is the event key of id, nil if no event has it.
func findEventKey(txn *badger.Txn, id string) ([]byte, error) {
	item, err := txn.Get(idKey(nil, id))
	switch {
	case err == nil:
		tsb, err := item.ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		if len(tsb) != tsLen {
			return nil, fmt.Errorf("%w: id key of %d bytes", errBadValue, len(tsb))
		}
		return eventKey(nil, binary.BigEndian.Uint64(tsb), id), nil
	case !errors.Is(err, badger.ErrKeyNotFound):
		return nil, err
	}
	opt := badger.DefaultIteratorOptions
	opt.PrefetchValues, opt.Prefix = false, []byte{prefixEvent}
	it := txn.NewIterator(opt)
	defer it.Close()
	for it.Seek(opt.Prefix); it.Valid(); it.Next() {
		if _, kid, ok := parseEventKey(it.Item().Key()); ok && string(kid) == id {
			return it.Item().KeyCopy(nil), nil
		}
	}
	return nil, nil
}

// Meta returns the value SetMeta stored under key.
func (s *Store) Meta(key string) (value []byte, ok bool, err error) {
	err = s.view(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKey(key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		value, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: meta %s: %w", key, err)
	}
	return value, ok, nil
}

// view runs fn in a read transaction while the store is open.
func (s *Store) view(fn func(*badger.Txn) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.inflight.Done()
	return s.db.View(fn)
}

// dirBytes sums what the files in dir take on disk. Badger preallocates
// value-log and memtable files sparsely, so where the OS tells allocated
// blocks they count, not the apparent size.
func dirBytes(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // removed meanwhile by a compaction
		}
		total += allocated(info)
	}
	return total, nil
}
