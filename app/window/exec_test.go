//go:build !desktop && !dev && !bindings

package window

import (
	"strings"
	"testing"
)

// The command line hands the window to auditdesk-window beside it; without
// that file it says, on one line, what is missing and what to do.
func TestTheWindowWithoutItsBinarySaysWhatToDo(t *testing.T) {
	err := Open(Config{Args: []string{"--data", t.TempDir()}})
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if err == nil || strings.Contains(msg, "\n") || !strings.Contains(msg, "auditdesk-window is missing") || !strings.Contains(msg, "install AuditDesk again") {
		t.Fatalf("Open = %q; want one line naming auditdesk-window and what to do", msg)
	}
}
