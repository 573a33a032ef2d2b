package settings

import (
	"errors"
	"os"
	"syscall"

	"github.com/auditdesk/auditdesk/backend/internal/diskspace"
)

// spaceSlack is what a write wants free beyond its own bytes.
const spaceSlack = 1 << 20

// SpaceError is a write that failed because the disk holding Dir is full
// (or a quota or file-size limit was hit). It unwraps to the system's
// error, so errors.Is(err, syscall.ENOSPC) holds.
type SpaceError struct {
	Dir   string
	Need  int64 // bytes the write wanted free
	Free  int64 // bytes free for this user after it failed
	Cause error
}

func (e *SpaceError) Error() string {
	return diskspace.Line(e.Dir, e.Need, e.Free)
}

func (e *SpaceError) Unwrap() error { return e.Cause }

// IsNoSpace reports whether err is a write refused for want of space.
func IsNoSpace(err error) bool {
	var se *SpaceError
	return errors.As(err, &se) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG)
}

// spaceError turns err into a *SpaceError for the disk holding dir when it
// is one of want of space; size is what the write needed (its bytes, or
// the file it replaces if bigger). Other errors come back as they are.
func spaceError(dir string, size int64, err error) error {
	var se *SpaceError
	if err == nil || errors.As(err, &se) || !IsNoSpace(err) {
		return err
	}
	free, _ := diskspace.Free(dir)
	return &SpaceError{Dir: dir, Need: size + spaceSlack, Free: free, Cause: err}
}

// fileSize is the size of the file at path, 0 if there is none.
func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return 0
	}
	return info.Size()
}
