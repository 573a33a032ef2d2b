package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// FormatVersion is the layout this package writes and the newest it reads.
// 2: no id keys; an event is looked up by its time and id (doc.go). A
// cache of format 1 reads as it is, and is marked 2 when opened to write:
// an AuditDesk that looks events up by id keys must not add to it.
const FormatVersion = 2

// Store is the local cache of one identity's audit events. Its methods are
// safe for concurrent use; commits are serialized.
type Store struct {
	db  *badger.DB
	dir string
	log *slog.Logger

	writeMu sync.Mutex // serializes CommitPage and SetMeta (dedupe and counters read then write)
	broken  error      // under writeMu: the write error that stopped writes
	// unchained skips the hash chain (WithoutChain): only for measuring
	// what the chain costs.
	unchained bool
	// Under writeMu: CommitPage's chain scratch, reused from page to page.
	scratchEntries []chainEntry
	scratchHashes  [][chainHashSize]byte
	scratchArena   []byte // CommitHashed's keys and values
	// testRollbackStep, when set (tests), runs after each record RollBack
	// undoes.
	testRollbackStep func()
	// Under writeMu: this store has written since it last marked the
	// cache clean (state.go).
	wrote bool

	// Disk space (space.go). readOnly: Open found the disk too full to
	// let Badger write, opened it read-only and set broken to the
	// *SpaceError. Else reserve is what writes want free beyond the
	// tables, lastLSM the tables' size when last summed, and refused says
	// broken is checkSpace's *SpaceError, lifted once space is freed.
	readOnly bool
	reserve  int64
	lastLSM  atomic.Int64
	refused  atomic.Bool

	mu       sync.Mutex // guards closed and inflight.Add
	closed   bool
	inflight sync.WaitGroup
	stop     chan struct{}
	stopped  chan struct{}
}

type config struct {
	logger     *slog.Logger
	gcInterval time.Duration
	tune       func(badger.Options) badger.Options // tests shrink files with it
	unchained  bool
	reading    bool
}

// Option configures Open.
type Option func(*config)

// WithLogger routes Badger's log lines to l (Badger's Info to Debug). By
// default they are dropped.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithoutChain writes no hash chain: only for benchmarks that measure what
// the chain costs. auditdesk verify reports every event of such a cache
// as added outside a sync.
func WithoutChain() Option { return func(c *config) { c.unchained = true } }

// Chained says whether the store keeps the hash chain (it does unless
// opened WithoutChain): whether CommitHashed wants hashes.
func (s *Store) Chained() bool { return !s.unchained }

// ForReading opens the cache for a command that reads it (query, export,
// verify), which leaves the compaction of what a sync wrote to the next
// sync or the window. A first sync of a million events leaves level 0
// near its limit (WithNumLevelZeroTables), and the first command after it
// that ran past Badger's first compaction tick compacted it all: an export
// took 4.7 s and 690 MB instead of 1.6 s and 470 MB.
func ForReading() Option { return func(c *config) { c.reading = true } }

// WithGCInterval sets how often the value log is garbage-collected; 0 or
// less turns it off. The default is 10 minutes.
func WithGCInterval(d time.Duration) Option { return func(c *config) { c.gcInterval = d } }

// badgerOptions are tuned for a desktop app on a small machine (see
// shared/PERF-NOTES.md): little memory, no stdout, no metrics.
//
// MemTableSize bounds a transaction at 15% of it (2.4 MB here). An entry
// costs its key plus its value when the value stays in the LSM tree (below
// ValueThreshold), else its key plus a 12-byte pointer. A 1000-event page
// of small events costs about 1000 x (key + value + i-key) < 1.6 MB even
// when every value sits just under the threshold and every id has the
// maximum 256 bytes; big events (4 KiB descriptions, 16 KiB details) go to
// the value log and cost ~100 bytes each. TestCommitPageWorstCase holds this.
func badgerOptions(dir string, cfg *config) badger.Options {
	opt := badger.DefaultOptions(dir).
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		// Let L0 hold 24 tables (a 1M-event first sync makes ~20) before
		// compacting: compaction runs many table builders at once and
		// Badger pools their buffers, so a sync that compacts as it goes
		// peaks near 1 GB and runs at half speed. Measured with `auditdesk
		// sync` from `auditdesk simulate`: 1M events 277 MB, 210k events/s
		// (L0 of 2: ~900 MB); 3M, compacting, 954 MB at 110k events/s
		// (L0 of 2: 811 MB at 56k events/s).
		WithNumLevelZeroTables(24).
		WithNumLevelZeroTablesStall(36).
		WithCompression(options.Snappy).
		WithBlockSize(16 << 10).
		WithBlockCacheSize(8 << 20). // must be > 0 with compression
		// Small tables and levels: compaction builds each table whole in
		// memory, so the table size bounds its buffers (2 MB tables peaked
		// at ~1.2 GB RSS over a 1M-event sync, 256 KB ones near 650 MB).
		WithBaseTableSize(256 << 10).
		WithBaseLevelSize(4 << 20).
		// Table indexes and bloom filters in a bounded cache rather than
		// all in memory.
		WithIndexCacheSize(8 << 20).
		WithValueThreshold(1 << 10).
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithMetricsEnabled(false).
		WithDetectConflicts(false). // commits are serialized by writeMu
		// Not WithLoggingLevel: it replaces the logger with Badger's stderr one.
		WithLogger(badgerLogger{cfg.logger})
	if cfg.tune != nil {
		opt = cfg.tune(opt)
	}
	if cfg.reading {
		// What a reader writes (a clean mark) is a table at most.
		opt = opt.WithNumLevelZeroTables(max(48, 2*opt.NumLevelZeroTables)).
			WithNumLevelZeroTablesStall(max(64, 2*opt.NumLevelZeroTablesStall))
	}
	return opt
}

// Open opens the cache in dir, creating it (mode 0700) if needed. It never
// deletes or rewrites an existing cache it cannot read: it returns an
// *OpenError wrapping ErrLocked, ErrCorrupt, ErrNewerFormat or ErrNoSpace.
func Open(dir string, opts ...Option) (*Store, error) {
	cfg := config{gcInterval: 10 * time.Minute}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, &OpenError{Dir: dir, Cause: err}
	}
	dir = abs
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, &OpenError{Dir: dir, Cause: err}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, &OpenError{Dir: dir, Cause: err}
	}
	if err := preflight(dir, cfg.logger); err != nil {
		return nil, err
	}
	opt := badgerOptions(dir, &cfg)
	full, err := openSpace(dir, opt)
	if err != nil {
		return nil, err
	}
	// On a disk without room for what Badger may write by map, open it
	// read-only: reads work, writes return full (see space.go).
	opt = opt.WithReadOnly(full != nil)
	db, err := openBadger(opt)
	if err != nil {
		if full != nil && strings.Contains(err.Error(), badger.ErrTruncateNeeded.Error()) {
			return nil, &OpenError{Dir: dir, Kind: ErrNoSpace, Cause: full}
		}
		return nil, classifyOpen(dir, err)
	}
	s := &Store{
		db: db, dir: dir, log: cfg.logger, stop: make(chan struct{}), stopped: make(chan struct{}),
		unchained: cfg.unchained, readOnly: full != nil, reserve: spaceReserve(opt),
	}
	if full != nil {
		s.broken = full // not the typed nil
		s.refused.Store(true)
	}
	if err := s.checkFormat(); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := restrictFiles(dir); err != nil {
		_ = db.Close()
		return nil, &OpenError{Dir: dir, Cause: err}
	}
	go s.maintain(cfg.gcInterval)
	return s, nil
}

// openBadger turns a panic while reading damaged files into an error.
func openBadger(opt badger.Options) (db *badger.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("badger panicked: %v", r)
		}
	}()
	return badger.Open(opt)
}

// openSpace says whether the disk holding dir lacks room to open the cache
// for writing: a *SpaceError if so, nil if not. A cache not closed cleanly
// (its memtable log holds writes) cannot be opened read-only, since Badger
// must replay and cut its log, nor can a new one be started: on such a
// disk either is an *OpenError.
func openSpace(dir string, opt badger.Options) (*SpaceError, error) {
	lsm, pending, err := tablesOnDisk(dir)
	if err != nil {
		return nil, &OpenError{Dir: dir, Cause: err}
	}
	var full *SpaceError
	if !errors.As(needSpace(dir, lsm, spaceReserve(opt)), &full) {
		return nil, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); pending || err != nil {
		// Replaying a log, or starting a new cache, must write.
		return nil, &OpenError{Dir: dir, Kind: ErrNoSpace, Cause: full}
	}
	return full, nil
}

// preflight refuses a directory holding tables or value logs but no
// MANIFEST (Badger would start an empty database there and delete the
// tables it does not know), and sets aside empty log files.
//
// An empty .vlog or .mem file is what Badger leaves when it runs out of
// space while creating one (it creates, then fails to size it); a real one
// always starts with a header. Badger takes such a file for damage on the
// next open, so a full disk would make an intact cache unopenable. It holds
// nothing, but it is renamed rather than deleted: Open deletes nothing.
func preflight(dir string, log *slog.Logger) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &OpenError{Dir: dir, Cause: err}
	}
	var manifest, data bool
	busy := inUse(dir)
	for _, e := range entries {
		name, ext := e.Name(), filepath.Ext(e.Name())
		switch {
		case name == "MANIFEST":
			manifest = true
		case ext == ".sst":
			data = true
		case ext == ".vlog" || ext == ".mem":
			data = data || ext == ".vlog"
			if busy {
				continue // another AuditDesk has it open: its files are its own
			}
			info, err := e.Info()
			if err != nil || !info.Mode().IsRegular() || info.Size() != 0 {
				continue
			}
			aside := fmt.Sprintf("%s.empty-%d", name, time.Now().UnixNano())
			if err := os.Rename(filepath.Join(dir, name), filepath.Join(dir, aside)); err != nil {
				return &OpenError{Dir: dir, Cause: err}
			}
			log.Warn("store: set aside an empty log file left by a failed write", "file", name, "now", aside)
		}
	}
	if data && !manifest {
		return &OpenError{Dir: dir, Kind: ErrCorrupt, Cause: errors.New("MANIFEST is missing")}
	}
	return nil
}

// checkFormat writes the format version into a new cache and refuses one
// written by a newer AuditDesk or by something else.
func (s *Store) checkFormat() error {
	run := s.db.Update
	if s.readOnly {
		run = s.db.View
	}
	return run(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte{keyVersion})
		if errors.Is(err, badger.ErrKeyNotFound) {
			it := txn.NewIterator(badger.IteratorOptions{})
			it.Rewind()
			empty := !it.Valid()
			it.Close()
			if !empty {
				return &OpenError{Dir: s.dir, Kind: ErrCorrupt, Cause: errors.New("it holds data but no AuditDesk format version")}
			}
			if s.readOnly {
				return &OpenError{Dir: s.dir, Kind: ErrNoSpace, Cause: s.broken}
			}
			return txn.Set([]byte{keyVersion}, []byte{FormatVersion})
		}
		if err != nil {
			return &OpenError{Dir: s.dir, Kind: ErrCorrupt, Cause: err}
		}
		v, err := item.ValueCopy(nil)
		switch {
		case err != nil:
			return &OpenError{Dir: s.dir, Kind: ErrCorrupt, Cause: err}
		case len(v) != 1 || v[0] == 0:
			return &OpenError{Dir: s.dir, Kind: ErrCorrupt, Cause: fmt.Errorf("bad format version %x", v)}
		case v[0] > FormatVersion:
			return &OpenError{Dir: s.dir, Kind: ErrNewerFormat, Cause: fmt.Errorf("format %d, this AuditDesk reads up to %d", v[0], FormatVersion)}
		case v[0] < FormatVersion && !s.readOnly:
			return txn.Set([]byte{keyVersion}, []byte{FormatVersion})
		}
		return nil
	})
}

// Close stops the maintenance goroutine, waits for running calls and closes
// Badger. Calling it again returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if !closed {
		s.writeMu.Lock()
		if s.wrote && s.broken == nil {
			// Readers may trust the saved index again without opening
			// the cache; if this fails they open it, as before.
			if err := s.markClean(); err != nil {
				s.log.Warn("mark the cache clean", "dir", s.dir, "err", err)
			}
		}
		s.writeMu.Unlock()
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.stopped
	s.inflight.Wait()
	err := s.db.Close()
	if perr := restrictFiles(s.dir); err == nil {
		err = perr
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// enter marks a call in flight and stops or resumes writes by the free
// space (checkSpace); the caller must call s.inflight.Done.
func (s *Store) enter() error {
	if err := s.admit(); err != nil {
		return err
	}
	s.checkSpace()
	return nil
}

func (s *Store) admit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.inflight.Add(1)
	return nil
}

// maintain runs value-log GC and keeps new files owner-only until Close.
func (s *Store) maintain(gcEvery time.Duration) {
	defer close(s.stopped)
	perms := time.NewTicker(30 * time.Second)
	defer perms.Stop()
	var gc <-chan time.Time
	if gcEvery > 0 && !s.readOnly {
		t := time.NewTicker(gcEvery)
		defer t.Stop()
		gc = t.C
	}
	for {
		select {
		case <-s.stop:
			return
		case <-perms.C:
			if err := restrictFiles(s.dir); err != nil {
				s.log.Warn("store: restrict file modes", "err", err)
			}
		case <-gc:
			s.runGC()
		}
	}
}

// runGC rewrites value-log files while each pass frees at least half of one.
func (s *Store) runGC() {
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		err := s.db.RunValueLogGC(0.5)
		if err == nil {
			continue
		}
		if !errors.Is(err, badger.ErrNoRewrite) && !errors.Is(err, badger.ErrRejected) {
			s.log.Warn("store: value log GC", "err", err)
		}
		return
	}
}

// restrictFiles makes every file in dir owner-only. Badger creates its
// files 0666 minus umask; the 0700 directory already keeps others out, this
// keeps a copied-out file private too.
func restrictFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile by Badger
		}
		if info.Mode().Perm() != 0o600 {
			if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// badgerLogger sends Badger's log lines to slog.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.log(slog.LevelError, f, a) }
func (b badgerLogger) Warningf(f string, a ...any) { b.log(slog.LevelWarn, f, a) }
func (b badgerLogger) Infof(f string, a ...any)    { b.log(slog.LevelDebug, f, a) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.log(slog.LevelDebug, f, a) }

func (b badgerLogger) log(level slog.Level, f string, a []any) {
	if b.l == nil || !b.l.Enabled(context.Background(), level) {
		return
	}
	b.l.Log(context.Background(), level, "badger: "+oneLine(fmt.Sprintf(f, a...)))
}
