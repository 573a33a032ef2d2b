//go:build !desktop && !dev && !bindings

package window

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// windowBinary is the sibling that opens the window: the build linked
// with GTK and WebKitGTK.
const windowBinary = "auditdesk-window"

// Open hands the window to auditdesk-window beside this binary, with the
// same arguments and environment: it becomes that process where the OS
// allows (execWindow), so signals and the exit status are its.
func Open(cfg Config) error {
	args := cfg.Args
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the window: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	name := windowBinary
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	win := filepath.Join(filepath.Dir(self), name)
	if _, err := os.Stat(win); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the window is not installed: %s is missing beside %s; install AuditDesk again (from source: make build)", name, filepath.Base(self))
	}
	return execWindow(win, args)
}
