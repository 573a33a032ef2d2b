//go:build !unix

package export

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"

	"github.com/auditdesk/auditdesk/backend/settings"
)

// workLock, here, excludes only the exports of this process: there is no
// flock to tell another process's running export from a crash's. So an
// export settles only its own FILE's work folder, and two AuditDesk
// processes exporting to one FILE at the same moment are not kept apart
// (they never were).
type workLock struct {
	path string
	done chan struct{}
}

var (
	workMu   sync.Mutex
	workHeld = map[string]chan struct{}{}
)

func lockWork(ctx context.Context, w string) (*workLock, error) {
	for {
		workMu.Lock()
		held, busy := workHeld[w]
		if !busy {
			done := make(chan struct{})
			workHeld[w] = done
			workMu.Unlock()
			if err := os.Mkdir(w, settings.DirMode); err != nil && !errors.Is(err, fs.ErrExist) {
				(&workLock{path: w, done: done}).unlock(false)
				return nil, err
			}
			return &workLock{path: w, done: done}, nil
		}
		workMu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-held:
		}
	}
}

// tryLockWork cannot tell whether another process writes in w: it says no.
func tryLockWork(string) (*workLock, bool) { return nil, false }

func (l *workLock) unlock(remove bool) {
	if remove {
		_ = os.Remove(l.path)
	}
	workMu.Lock()
	delete(workHeld, l.path)
	workMu.Unlock()
	close(l.done)
}

// syncDir does nothing here: Windows cannot sync a folder, and NTFS
// journals its renames.
func syncDir(string) error { return nil }
