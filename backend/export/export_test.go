package export

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func TestFormatFor(t *testing.T) {
	for _, c := range []struct {
		format, path string
		want         Format
		bad          bool
	}{
		{"", "a.csv", CSV, false},
		{"", "A.XLSX", XLSX, false},
		{"csv", "report.txt", CSV, false},
		{"XLSX", "report", XLSX, false},
		{"", "report.txt", "", true},
		{"pdf", "a.csv", "", true},
	} {
		got, err := FormatFor(c.format, c.path)
		if got != c.want || (err != nil) != c.bad || c.bad && !errors.Is(err, ErrBadRequest) {
			t.Errorf("FormatFor(%q, %q) = %q, %v", c.format, c.path, got, err)
		}
	}
}

// A cancelled export leaves nothing, and the file it would have replaced
// stays as it was; so does a failed one.
func TestCancelLeavesNothingAndKeepsTheOldFile(t *testing.T) {
	res := result(t, buildIndex(t, simEvents(t, 20000)), audit.Filter{}, audit.Sort{})
	for _, format := range []Format{CSV, XLSX} {
		dir := t.TempDir()
		path := filepath.Join(dir, "report."+string(format))
		old := []byte("the report of last week\n")
		if err := os.WriteFile(path, old, 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		req := request(path, res, time.UTC)
		var seen []Progress
		req.OnProgress = func(p Progress) {
			seen = append(seen, p)
			if p.Rows >= res.Total/2 {
				cancel()
			}
		}
		_, err := Write(ctx, req)
		cancel()
		if !errors.Is(err, ErrCancelled) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: cancelled export: %v", format, err)
		}
		if len(seen) < 2 || seen[len(seen)-1].Rows >= res.Total || seen[0].Total != res.Total {
			t.Errorf("%s: progress %v", format, seen)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != string(old) {
			t.Errorf("%s: the old file is now %q, %v", format, b, err)
		}
		if left := leftovers(t, dir, "report."+string(format)); len(left) > 0 {
			t.Errorf("%s: a cancelled export left %v", format, left)
		}
	}
}

func TestFailuresSayWhatToDo(t *testing.T) {
	res := result(t, buildIndex(t, hostileEvents()), audit.Filter{}, audit.Sort{})
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "folder.csv"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		kind error
		says string
	}{
		{filepath.Join(dir, "missing", "report.csv"), ErrNoFolder, "create it or choose another folder"},
		// sysfs refuses new files even to root, as a folder of someone
		// else's refuses them to a user.
		{"/sys/auditdesk-report.csv", ErrPermission, "choose a folder of yours"},
		{filepath.Join(dir, "folder.csv"), ErrBadRequest, "is a folder"},
		{filepath.Join(dir, "report.pdf"), ErrBadRequest, ".csv, .xlsx or .parquet"},
	} {
		_, err := Write(context.Background(), request(c.path, res, time.UTC))
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Write(%s) = %v; want one line: %v, %q", c.path, err, c.kind, c.says)
		}
	}
	if left := leftovers(t, dir, "folder.csv"); len(left) > 0 {
		t.Errorf("failed exports left %v", left)
	}
}

// diskFullChild runs TestDiskFull inside its own user and mount namespace,
// where it can mount a small tmpfs of its own, as root or not.
const diskFullChild = "AUDITDESK_DISKFULL_CHILD"

func TestDiskFull(t *testing.T) {
	if os.Getenv(diskFullChild) == "" {
		unshare, err := exec.LookPath("unshare")
		if err != nil {
			t.Fatalf("this test needs unshare (util-linux) for a tmpfs of its own: %v", err)
		}
		cmd := exec.CommandContext(t.Context(), unshare, "--user", "--map-root-user", "--mount", os.Args[0], "-test.run=^TestDiskFull$", "-test.v")
		cmd.Env = append(os.Environ(), diskFullChild+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestDiskFull") {
			t.Fatalf("the disk-full export in a namespace of its own: %v\n%s", err, out)
		}
		return
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256k"); err != nil {
		t.Fatalf("mount a small tmpfs on %s: %v", dir, err)
	}
	defer func() { _ = syscall.Unmount(dir, 0) }()
	res := result(t, buildIndex(t, simEvents(t, 5000)), audit.Filter{}, audit.Sort{})
	for _, format := range []Format{CSV, XLSX} {
		path := filepath.Join(dir, "report."+string(format))
		_, err := Write(context.Background(), request(path, res, time.UTC))
		if !errors.Is(err, ErrNoSpace) || !strings.Contains(err.Error(), "free some space") {
			t.Errorf("%s on a full disk: %v", format, err)
		}
		if left := leftovers(t, dir); len(left) > 0 {
			t.Errorf("%s: a failed export left %v", format, left)
		}
	}
}

// earlySync writes every byte in order while it syncs on the way, and its
// Sync waits for the early sync and reports a failed one.
func TestEarlySync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := &earlySync{f: f}
	chunk := make([]byte, 1<<20)
	var want []byte
	for i := range earlySyncBytes>>20 + 2 { // an early sync, and more after it
		for k := range chunk {
			chunk[k] = byte(i + k)
		}
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
		want = append(want, chunk...)
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read back %d bytes (%v), want %d", len(got), err, len(want))
	}
	// An early sync that failed is Sync's error, even if the file syncs.
	w.syncing = make(chan error, 1)
	w.syncing <- errors.New("EIO")
	if err := w.Sync(); err == nil || err.Error() != "EIO" {
		t.Fatalf("Sync after a failed early sync: %v", err)
	}
	_ = f.Close()
}
