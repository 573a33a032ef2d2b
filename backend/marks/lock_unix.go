//go:build unix

package marks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/auditdesk/auditdesk/backend/settings"
)

// lock takes the exclusive lock on dir's marks.lock, waiting for another
// process that holds it; unlock releases it.
func lock(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_CREATE|os.O_RDWR, settings.FileMode)
	if err != nil {
		return nil, fmt.Errorf("marks: lock: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("marks: lock: %w", err)
	}
	return func() { _ = f.Close() }, nil // closing releases the flock
}
