package store

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// Sentinels for errors.Is. The errors Open returns wrap one of the first
// three together with the cause, and read as one line that says what to do.
var (
	// ErrLocked: another process (or another Store in this one) holds the cache.
	ErrLocked = errors.New("store: cache is in use")
	// ErrCorrupt: the cache's files cannot be read. Nothing is deleted or repaired.
	ErrCorrupt = errors.New("store: cache is damaged")
	// ErrNewerFormat: the cache was written by a newer AuditDesk.
	ErrNewerFormat = errors.New("store: cache format is newer than this AuditDesk")
	// ErrNoSpace: a write failed for want of disk space (or a file-size limit).
	ErrNoSpace = errors.New("store: no space left for the cache")
	// ErrPageTooBig: a page does not fit in one transaction; commit it in parts.
	ErrPageTooBig = errors.New("store: page too big for one transaction")
	// ErrWriteFailed: an earlier commit failed inside Badger; the Store takes no
	// more writes, because Badger may be left unable to take them safely.
	ErrWriteFailed = errors.New("store: an earlier write failed; close and reopen the cache")
	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("store: closed")
)

// OpenError is what Open returns for a cache it will not use.
type OpenError struct {
	Dir   string
	Kind  error // ErrLocked, ErrCorrupt, ErrNewerFormat, ErrNoSpace or nil
	Cause error
}

func (e *OpenError) Error() string {
	if se := (*SpaceError)(nil); errors.As(e.Cause, &se) {
		return "store: " + se.Error()
	}
	var msg string
	switch {
	case errors.Is(e.Kind, ErrLocked):
		msg = fmt.Sprintf("the cache %s is open in another AuditDesk (or auditdesk command); close it and retry", e.Dir)
	case errors.Is(e.Kind, ErrCorrupt):
		msg = fmt.Sprintf("the cache %s is damaged; it was left untouched: move it aside and sync again, or restore a backup", e.Dir)
	case errors.Is(e.Kind, ErrNewerFormat):
		msg = fmt.Sprintf("the cache %s was written by a newer AuditDesk; update AuditDesk or choose another cache folder", e.Dir)
	case errors.Is(e.Kind, ErrNoSpace):
		msg = fmt.Sprintf("the disk holding %s is full: free some space or move --data", e.Dir)
	default:
		msg = fmt.Sprintf("cannot open the cache %s", e.Dir)
	}
	if e.Cause != nil {
		msg += " (" + oneLine(e.Cause.Error()) + ")"
	}
	return "store: " + msg
}

func (e *OpenError) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Badger flattens its errors to text (y.Wrap uses %+v, not %w), so errno
// values are recognized by their message as well as by errors.Is.
func hasErrno(err error, errnos ...syscall.Errno) bool {
	msg := err.Error()
	for _, n := range errnos {
		if errors.Is(err, n) || strings.Contains(msg, n.Error()) {
			return true
		}
	}
	return false
}

func isNoSpace(err error) bool {
	return hasErrno(err, syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG)
}

// classifyOpen sorts a failed badger.Open. Whatever is not the lock, the
// disk or the environment is taken as damage, so the user is told to move
// the cache aside rather than AuditDesk touching it.
func classifyOpen(dir string, err error) error {
	switch {
	case strings.Contains(err.Error(), "Cannot acquire directory lock"),
		hasErrno(err, syscall.EWOULDBLOCK):
		return &OpenError{Dir: dir, Kind: ErrLocked, Cause: err}
	case isNoSpace(err):
		return &OpenError{Dir: dir, Kind: ErrNoSpace, Cause: err}
	case hasErrno(err, syscall.EACCES, syscall.EPERM, syscall.EROFS, syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM):
		return &OpenError{Dir: dir, Cause: err}
	default:
		return &OpenError{Dir: dir, Kind: ErrCorrupt, Cause: err}
	}
}

// writeError wraps a failed write with ErrNoSpace when that is the cause.
func writeError(op string, err error) error {
	if isNoSpace(err) {
		return fmt.Errorf("%w (%s: %w)", ErrNoSpace, op, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}
