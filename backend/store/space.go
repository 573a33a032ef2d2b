package store

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/internal/diskspace"
)

// Badger writes its logs and tables through memory maps of files it sizes
// with ftruncate: the memtable's write-ahead log (.mem, 2 x MemTableSize),
// the value log (.vlog, 2 x ValueLogFileSize), every new table (.sst, in
// table.CreateTable) and DISCARD. Such a file takes no disk space until a
// page of it is touched, so on a full disk the first store into a new page
// is a SIGBUS that kills the process (and on tmpfs even a read of a hole
// is), not an error Badger could return. The only defence is not to let
// Badger write unless the disk has room for everything it may write by
// map before the store looks again.
//
// The store looks before every call (enter) while it takes writes, and at
// Open. What Badger may write by map before the next look:
//
//   - the table of a memtable being flushed: at most MemTableSize;
//   - one commit in the memtable's log and the value log: a transaction
//     is bounded at 15% of MemTableSize in the LSM tree, and a page of
//     1000 events of the largest size validate accepts is taken as at
//     most MemTableSize more in the value log;
//   - a compaction: it writes its new tables before it deletes the old, at
//     worst the whole LSM tree;
//   - spaceSlack for the headers of new files, DISCARD and MANIFEST.

// spaceSlack covers the small files and first pages Badger maps.
const spaceSlack = 1 << 20

// SpaceError is a write refused (or a cache opened for reading only)
// because the disk holding Dir has less free space than the cache may need
// before it can report a failed write as an error. errors.Is(err,
// ErrNoSpace) holds for it.
type SpaceError struct {
	Dir  string
	Need int64 // bytes the cache wants free
	Free int64 // bytes free for this user
}

func (e *SpaceError) Error() string {
	return diskspace.Line(e.Dir, e.Need, e.Free)
}

// Is makes errors.Is(err, ErrNoSpace) true.
func (e *SpaceError) Is(target error) bool { return target == ErrNoSpace }

// spaceReserve is what a cache with options opt wants free beyond its
// tables (see the comment at the top of this file).
func spaceReserve(opt badger.Options) int64 {
	return 2*opt.MemTableSize + spaceSlack
}

// needSpace reports a *SpaceError when the disk holding dir has less than
// lsm + reserve bytes free. A disk whose free space cannot be read passes.
func needSpace(dir string, lsm, reserve int64) error {
	free, ok := diskspace.Free(dir)
	if !ok || free >= lsm+reserve {
		return nil
	}
	return &SpaceError{Dir: dir, Need: lsm + reserve, Free: free}
}

// tablesOnDisk sums the .sst files in dir and reports whether a memtable
// log holds anything (a cache not closed cleanly: opening it replays the
// log, which Badger cannot do read-only).
func tablesOnDisk(dir string) (lsm int64, pendingLog bool, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, false, err
	}
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".sst":
			if info, err := e.Info(); err == nil {
				lsm += info.Size()
			}
		case ".mem":
			if info, err := e.Info(); err == nil && info.Size() > 0 {
				pendingLog = true
			}
		}
	}
	return lsm, pendingLog, nil
}

// lsmSize is what the store's tables take on disk now.
func (s *Store) lsmSize() int64 {
	var n int64
	for _, t := range s.db.Tables() {
		n += int64(t.OnDiskSize)
	}
	return n
}

// checkSpace stops writes while the disk lacks room (see the top of this
// file) and lets them go again once there is. It runs before every call:
// a statfs, plus summing the table sizes only when the disk is near the
// mark. It never stops reads. While a writer holds writeMu the verdict is
// left to the writers, which check under the lock (checkSpaceLocked):
// waiting here would wait for that writer, or, for a writer that reads
// (markClean reads the counters), for itself.
func (s *Store) checkSpace() {
	err, change := s.spaceVerdict()
	if !change || !s.writeMu.TryLock() {
		return
	}
	defer s.writeMu.Unlock()
	s.applySpace(err)
}

// checkSpaceLocked is checkSpace for a writer that holds writeMu; it
// returns why writes are stopped, if they are.
func (s *Store) checkSpaceLocked() error {
	if err, change := s.spaceVerdict(); change {
		s.applySpace(err)
	}
	if s.broken != nil {
		return s.brokenError()
	}
	return nil
}

// spaceVerdict is the space the disk lacks (a *SpaceError), or nil, and
// whether that changes what writes may do.
func (s *Store) spaceVerdict() (err error, change bool) {
	if s.readOnly {
		return nil, false
	}
	free, ok := diskspace.Free(s.dir)
	if !ok {
		return nil, false
	}
	roomy := free >= s.reserve+2*s.lastLSM.Load()+spaceSlack
	if !roomy {
		lsm := s.lsmSize()
		s.lastLSM.Store(lsm)
		if free < lsm+s.reserve {
			err = &SpaceError{Dir: s.dir, Need: lsm + s.reserve, Free: free}
		}
	}
	return err, err != nil || s.refused.Load()
}

// applySpace stops writes for err, or lifts a stop of its own; the caller
// holds writeMu.
func (s *Store) applySpace(err error) {
	var se *SpaceError
	switch {
	case err != nil && (s.broken == nil || errors.As(s.broken, &se)):
		s.broken = err
		s.refused.Store(true)
	case err == nil && errors.As(s.broken, &se):
		s.broken = nil // space was freed: only our own refusal is lifted
		s.refused.Store(false)
	}
}
