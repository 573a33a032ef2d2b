//go:build unix && !desktop && !dev && !bindings

package window

import (
	"fmt"
	"os"
	"syscall"
)

// execWindow replaces this process with the window's.
func execWindow(win string, args []string) error {
	if err := syscall.Exec(win, append([]string{win}, args...), os.Environ()); err != nil {
		return fmt.Errorf("open the window (%s): %w", win, err)
	}
	return nil // not reached
}
