//go:build unix

package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/auditdesk/auditdesk/backend/settings"
)

// workLock is an flock on a work folder. flock conflicts between two opens
// even in one process, and the kernel drops it when its holder dies, so a
// work folder no one can lock is a running export's, and one that can be
// locked is free or a crash's.
type workLock struct {
	f    *os.File
	path string
}

// lockPoll is how often a wait for another export's lock tries again.
const lockPoll = 50 * time.Millisecond

// lockWork makes and locks the work folder w, waiting while another export
// holds it, until ctx ends.
func lockWork(ctx context.Context, w string) (*workLock, error) {
	for {
		if err := os.Mkdir(w, settings.DirMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		f, err := openWork(w)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed by its last holder since the Mkdir: make it again
		}
		if err != nil {
			return nil, err
		}
		for {
			err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if !errors.Is(err, syscall.EWOULDBLOCK) {
				break
			}
			select {
			case <-ctx.Done():
				_ = f.Close()
				return nil, ctx.Err()
			case <-time.After(lockPoll):
			}
		}
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		if same(f, w) {
			return &workLock{f: f, path: w}, nil
		}
		_ = f.Close() // its holder removed it before unlocking: lock a new one
	}
}

// tryLockWork locks the existing work folder w if no export holds it.
func tryLockWork(w string) (*workLock, bool) {
	f, err := openWork(w)
	if err != nil {
		return nil, false
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil || !same(f, w) {
		_ = f.Close()
		return nil, false
	}
	return &workLock{f: f, path: w}, true
}

func openWork(w string) (*os.File, error) {
	f, err := os.Open(w)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.IsDir() {
		_ = f.Close()
		return nil, fmt.Errorf("%s is in the way of the export's work folder; move it", w)
	}
	return f, nil
}

// same reports whether the open f is still the folder at w.
func same(f *os.File, w string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(w)
	return err == nil && os.SameFile(a, b)
}

// unlock removes the (emptied) folder first when asked, so a waiter that
// gets the lock next sees it gone and makes a new one.
func (l *workLock) unlock(remove bool) {
	if remove {
		_ = os.Remove(l.path)
	}
	_ = l.f.Close()
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
