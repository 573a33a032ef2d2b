//go:build !unix && !desktop && !dev && !bindings

package window

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// execWindow runs the window's process and exits with its status.
func execWindow(win string, args []string) error {
	cmd := exec.Command(win, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("open the window (%s): %w", win, err)
	}
	os.Exit(0)
	return nil
}
