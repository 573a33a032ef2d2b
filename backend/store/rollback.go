package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// RollBack takes the cache back to head: the events the chain's records
// after it name are removed, with their id keys and those records, the
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
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: roll back: %w", err)
		}
		done, err := s.undoLast(head, cp)
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
func (s *Store) undoLast(to Head, cp Checkpoint) (done bool, err error) {
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
		ik := idKey(nil, id)
		it, err := txn.Get(ik)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return false, fmt.Errorf("store: roll back: record %d names %s, which the cache does not hold: run auditdesk verify", head.Seq, id)
		}
		if err != nil {
			return false, writeError("roll back: look up id", err)
		}
		ts, err := it.ValueCopy(nil)
		if err != nil || len(ts) != tsLen {
			return false, fmt.Errorf("store: roll back: %w: id key of %s", errBadValue, id)
		}
		if err := txn.Delete(eventKey(nil, binary.BigEndian.Uint64(ts), id)); err != nil {
			return false, writeError("roll back", err)
		}
		if err := txn.Delete(ik); err != nil {
			return false, writeError("roll back", err)
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
