package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Checkpoint is where a sync run stands. It is written in the same
// transaction as the page it follows, so after a crash the cache holds
// exactly the pages the checkpoint says.
type Checkpoint struct {
	WindowStart time.Time // `since` of the current sync window
	WindowEnd   time.Time // `until` of the window (exclusive); zero = open-ended
	Cursor      string    // next_cursor to resume with ("" = window finished or not started)
	Newest      time.Time // newest event timestamp held after this page
	SyncedAt    time.Time // when this page was committed
	Complete    bool      // the window finished (last page committed)
	Pages       int64     // pages of the current run so far
	Events      int64     // events of the current run so far
	RunStarted  time.Time // when the run that wrote this began (the next window reaches back to it)
}

// PageStats says what a commit did with a page's events.
type PageStats struct {
	New, Duplicates int
	// Added are the places in the page of the New events, in order: what a
	// reader building its own copy of the cache takes from the page.
	Added []int
}

// CommitPage stores a page of events and its checkpoint in one Badger
// transaction: the new events, the counters, the page's
// record in the hash chain (chain.go) and cp. Events
// whose id is already cached, or already earlier in the page, are skipped
// (the API gives one id one content; see "Dedupe" in the package doc). An
// invalid event fails the whole page.
// cp.Newest is raised to the newest event the cache holds if it is older.
//
// A page of 1000 events of any content the API allows fits; a bigger one
// may fail with ErrPageTooBig and nothing written.
func (s *Store) CommitPage(events []audit.Event, cp Checkpoint) (PageStats, error) {
	return s.CommitHashed(events, nil, cp)
}

// CommitHashed is CommitPage given the events' hashes, hashes[i] being
// audit.EventHash(&events[i]) (audit.AppendEventHashes), taken beforehand:
// a sync hashes a page while the one before it is written, as a sync is
// bound by its writer (on the writer, hashing slowed a sync by 15%). With
// nil hashes, or for a store without the chain, they are taken here.
func (s *Store) CommitHashed(events []audit.Event, hashes [][chainHashSize]byte, cp Checkpoint) (PageStats, error) {
	if hashes != nil && len(hashes) != len(events) {
		return PageStats{}, fmt.Errorf("store: commit page: %d hashes for %d events", len(hashes), len(events))
	}
	for i := range events {
		if err := validate(&events[i]); err != nil {
			return PageStats{}, fmt.Errorf("store: commit page: %w", err)
		}
	}
	end, err := s.beginWrite()
	if err != nil {
		return PageStats{}, err
	}
	defer end()

	var st PageStats
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	c, err := readCounters(txn)
	if err != nil {
		return PageStats{}, fmt.Errorf("store: commit page: %w", err)
	}
	// The same id always carries the same content, timestamp included, so
	// an event outside the cached time range cannot be cached already: only
	// events inside it (the overlap a sync re-reads) need the id lookup,
	// which is most of a commit's cost otherwise.
	before := c
	seen := make(map[string]struct{}, len(events))
	// Keys and values must stay untouched until Commit: Badger keeps the
	// slices until the write is done (Commit waits for it: the values are
	// copied into the memtable and its log by then). One arena, kept from
	// page to page under writeMu: a new one a page was half a megabyte to
	// clear and fault in, a gigabyte over a million events.
	arena := s.scratchArena[:0]
	if cap(arena) < 512*len(events) {
		arena = make([]byte, 0, 512*len(events))
	}
	defer func() { s.scratchArena = arena[:0] }()
	// Scratch kept between pages (under writeMu): Badger never sees them.
	entries := s.scratchEntries[:0]
	defer func() { s.scratchEntries = entries[:0] }()
	// Hashes not given are taken on another goroutine while this one looks
	// ids up and stages the writes.
	hashed := make(chan struct{})
	if s.unchained || hashes != nil {
		close(hashed)
	} else {
		if cap(s.scratchHashes) < len(events) {
			s.scratchHashes = make([][chainHashSize]byte, len(events))
		}
		hashes = s.scratchHashes[:len(events)]
		go func() {
			defer close(hashed)
			audit.AppendEventHashes(hashes[:0], events) // in place: the capacity is there
		}()
	}
	// Whatever returns first, the hashing goroutine is done with events
	// before the caller may touch them again.
	defer func() { <-hashed }()
	for i := range events {
		e := &events[i]
		if _, dup := seen[e.ID]; dup {
			st.Duplicates++
			continue
		}
		seen[e.ID] = struct{}{}
		// An event is looked up by its key, time and id: the same id always
		// carries the same content, its time included (the API's contract),
		// so no key of the id alone is needed, and none is written (half
		// the keys a page writes, and the costlier half: ids come in no
		// order).
		ts := encodeTime(e.Time)
		start := len(arena)
		arena = eventKey(arena, ts, e.ID)
		ek := arena[start:len(arena):len(arena)]
		if before.events > 0 && ts >= before.oldest && ts <= before.newest {
			switch _, err := txn.Get(ek); {
			case err == nil:
				st.Duplicates++
				arena = arena[:start]
				continue
			case !errors.Is(err, badger.ErrKeyNotFound):
				return PageStats{}, writeError("commit page: look up event", err)
			}
		}
		start = len(arena)
		arena = appendEventValue(arena, e)
		ev := arena[start:len(arena):len(arena)]
		if err := setAll(txn, ek, ev); err != nil {
			return PageStats{}, err
		}
		st.New++
		st.Added = append(st.Added, i)
		if !s.unchained {
			entries = append(entries, chainEntry{id: e.ID, at: i})
		}
		if c.events == 0 || ts < c.oldest {
			c.oldest = ts
		}
		if c.events == 0 || ts > c.newest {
			c.newest = ts
		}
		c.events++
	}
	if st.New > 0 {
		if err := setAll(txn, []byte{keyCounters}, c.encode()); err != nil {
			return PageStats{}, err
		}
	}
	if st.New > 0 && !s.unchained {
		// The page's record in the hash chain, in the same transaction.
		head, err := readHead(txn)
		if err != nil {
			return PageStats{}, fmt.Errorf("store: commit page: %w", err)
		}
		at := cp.SyncedAt
		if at.IsZero() {
			at = time.Now()
		}
		<-hashed
		for k := range entries {
			entries[k].hash = hashes[entries[k].at]
		}
		if _, err := appendChain(txn, head, cp, at, entries); err != nil {
			return PageStats{}, err
		}
	}
	if err := updateCoverage(txn, cp, events, c); err != nil {
		return PageStats{}, fmt.Errorf("store: commit page: %w", err)
	}
	if c.events > 0 && decodeTime(c.newest).After(cp.Newest) {
		cp.Newest = decodeTime(c.newest)
	}
	if err := setAll(txn, []byte{keyCheckpoint}, encodeCheckpoint(cp)); err != nil {
		return PageStats{}, err
	}
	if err := txn.Commit(); err != nil {
		// Badger can be left without a memtable after a failed write (and
		// would then abort the process on the next one), so stop writing.
		s.broken = err
		return PageStats{}, writeError("commit page", err)
	}
	return st, nil
}

// setAll sets key/value pairs; a transaction that outgrows Badger's limit
// reports ErrPageTooBig.
func setAll(txn *badger.Txn, kv ...[]byte) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if err := txn.Set(kv[i], kv[i+1]); err != nil {
			if errors.Is(err, badger.ErrTxnTooBig) {
				return fmt.Errorf("%w (%w)", ErrPageTooBig, err)
			}
			return writeError("commit page", err)
		}
	}
	return nil
}

// validate adds to audit.Event.Validate what the key layout needs.
func validate(e *audit.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if !timeInRange(e.Time) {
		return fmt.Errorf("%w: event %s has timestamp %s outside 1678-2262", audit.ErrInvalidEvent, e.ID, e.Time)
	}
	return nil
}

func readCounters(txn *badger.Txn) (counters, error) {
	c, _, err := readKey(txn, keyCounters, decodeCounters)
	return c, err
}

// beginWrite starts a write: the store open and in use until end, writes
// one at a time (writeMu), none while the disk lacks room (checked under
// the lock, space.go) or after a write error broke it, and the cache
// marked dirty (state.go) before its first change.
func (s *Store) beginWrite() (end func(), err error) {
	if err := s.admit(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	end = func() {
		s.writeMu.Unlock()
		s.inflight.Done()
	}
	if err = s.checkSpaceLocked(); err == nil {
		err = s.dirty()
	}
	if err != nil {
		end()
		return nil, err
	}
	return end, nil
}

// SetMeta stores a small fact about the cache (identity, API URL) under key.
func (s *Store) SetMeta(key string, value []byte) error {
	if key == "" {
		return errors.New("store: set meta: empty key")
	}
	end, err := s.beginWrite()
	if err != nil {
		return err
	}
	defer end()
	v := append([]byte{}, value...)
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(metaKey(key), v) }); err != nil {
		s.broken = err
		return writeError("set meta "+key, err)
	}
	return nil
}

// brokenError is why writes are stopped: a full disk says so alone (writes
// resume once space is freed, see space.go); any other failed write asks
// for the cache to be reopened.
func (s *Store) brokenError() error {
	var full *SpaceError
	if errors.As(s.broken, &full) {
		return s.broken
	}
	return fmt.Errorf("%w (%w)", ErrWriteFailed, s.broken)
}
