package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// RollBack takes the cache back to head: the events the chain's records
// after it name are removed, with those records (and the id keys caches
// written before format 2 of the keys hold), the
// head set back to head and the counters to what is left, and the
// checkpoint to cp. It is for work that must land whole or not at all and
// spans many pages (an imported file): begun at head, it is rolled back
// when cancelled, failed, or found unfinished after a kill.
//
// A record is undone in its own transaction, newest first, so the chain is
// whole after each: a process killed while rolling back leaves a cache at
// some record between, and RollBack run again goes on from there. Only the
// events a record added are removed: a record names the events that were
// new when it was committed.
func (s *Store) RollBack(ctx context.Context, head Head, cp Checkpoint) error {
	if s.unchained {
		return errors.New("store: roll back: this cache keeps no chain of what it added")
	}
	end, err := s.beginWrite()
	if err != nil {
		return err
	}
	defer end()
	times, err := s.recordTimes(ctx, head)
	if err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: roll back: %w", err)
		}
		done, err := s.undoLast(head, cp, times)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if s.testRollbackStep != nil {
			s.testRollbackStep()
		}
	}
}

// undoLast undoes the newest record if it is after head; done when the
// head is head.
func (s *Store) undoLast(to Head, cp Checkpoint, times map[string]uint64) (done bool, err error) {
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	head, err := readHead(txn)
	if err != nil {
		return false, fmt.Errorf("store: roll back: %w", err)
	}
	switch {
	case head == to:
		return true, s.commitCheckpoint(txn, cp)
	case head.Seq <= to.Seq:
		return false, fmt.Errorf("store: roll back: the chain's head is record %d, before record %d it should go back to: not this cache's past", head.Seq, to.Seq)
	}
	item, err := txn.Get(chainKey(head.Seq))
	if err != nil {
		return false, writeError("roll back: read record", err)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return false, writeError("roll back: read record", err)
	}
	rec, err := decodeChainRecord(head.Seq, v)
	if err != nil {
		return false, err
	}
	c, err := readCounters(txn)
	if err != nil {
		return false, fmt.Errorf("store: roll back: %w", err)
	}
	for _, id := range rec.IDs {
		ts, ok := times[id]
		if !ok {
			return false, fmt.Errorf("store: roll back: record %d names %s, which the cache does not hold: run auditdesk verify", head.Seq, id)
		}
		// The id key is deleted too: a cache written before the events'
		// times were looked up by their keys has one.
		if err := setDeletes(txn, eventKey(nil, ts, id), idKey(nil, id)); err != nil {
			return false, err
		}
		c.events--
	}
	if err := txn.Delete(chainKey(head.Seq)); err != nil {
		return false, writeError("roll back", err)
	}
	prev := Head{Seq: head.Seq - 1, Hash: rec.Prev}
	if prev.Seq == 0 {
		err = txn.Delete([]byte{keyChainHead})
	} else {
		b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+chainHashSize), prev.Seq)
		err = txn.Set([]byte{keyChainHead}, append(b, prev.Hash[:]...))
	}
	if err != nil {
		return false, writeError("roll back", err)
	}
	if err := s.recount(txn, &c); err != nil {
		return false, err
	}
	if err := txn.Commit(); err != nil {
		s.broken = err
		return false, writeError("roll back", err)
	}
	return false, nil
}

// recount sets the counters' oldest and newest from the event keys left
// (seen through txn's own deletes) and writes them.
func (s *Store) recount(txn *badger.Txn, c *counters) error {
	if c.events <= 0 {
		*c = counters{}
		return txn.Delete([]byte{keyCounters})
	}
	for _, reverse := range []bool{false, true} {
		opt := badger.DefaultIteratorOptions
		opt.PrefetchValues, opt.Reverse, opt.Prefix = false, reverse, []byte{prefixEvent}
		it := txn.NewIterator(opt)
		seek := []byte{prefixEvent}
		if reverse {
			seek = []byte{prefixEvent + 1}
		}
		it.Seek(seek)
		if it.ValidForPrefix([]byte{prefixEvent}) {
			ts, _, _ := parseEventKey(it.Item().Key())
			if reverse {
				c.newest = ts
			} else {
				c.oldest = ts
			}
		}
		it.Close()
	}
	return txn.Set([]byte{keyCounters}, c.encode())
}

// commitCheckpoint writes cp in txn and commits it.
func (s *Store) commitCheckpoint(txn *badger.Txn, cp Checkpoint) error {
	if err := txn.Set([]byte{keyCheckpoint}, encodeCheckpoint(cp)); err != nil {
		return writeError("roll back", err)
	}
	if err := txn.Commit(); err != nil {
		s.broken = err
		return writeError("roll back", err)
	}
	return nil
}

// recordTimes is the time of each event the chain's records after to
// name, from the event keys: a record names its events by id alone. One
// pass over the keys (no values) for however many records are undone.
func (s *Store) recordTimes(ctx context.Context, to Head) (map[string]uint64, error) {
	want := map[string]uint64{}
	err := s.view(func(txn *badger.Txn) error {
		head, err := readHead(txn)
		if err != nil {
			return err
		}
		for seq := head.Seq; seq > to.Seq; seq-- {
			item, err := txn.Get(chainKey(seq))
			if err != nil {
				return fmt.Errorf("read record %d: %w", seq, err)
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read record %d: %w", seq, err)
			}
			if _, err := readChainRecord(seq, v, func(int) {}, func(id []byte, _ *[chainHashSize]byte) {
				want[string(id)] = 0
			}); err != nil {
				return err
			}
		}
		if len(want) == 0 {
			return nil
		}
		opt := badger.DefaultIteratorOptions
		opt.PrefetchValues, opt.Prefix = false, []byte{prefixEvent}
		it := txn.NewIterator(opt)
		defer it.Close()
		found := make(map[string]uint64, len(want))
		for it.Seek(opt.Prefix); it.Valid(); it.Next() {
			if len(found)&0xfff == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			ts, id, ok := parseEventKey(it.Item().Key())
			if !ok {
				continue
			}
			if _, ok := want[string(id)]; ok {
				found[string(id)] = ts
			}
		}
		want = found
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: roll back: %w", err)
	}
	return want, nil
}

// setDeletes deletes keys in txn.
func setDeletes(txn *badger.Txn, keys ...[]byte) error {
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return writeError("roll back", err)
		}
	}
	return nil
}
