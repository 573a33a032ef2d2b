//go:build linux

package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestWriteAtomicFullDisk writes more than a 1 MB tmpfs holds: the error
// is the disk-full line, ENOSPC underneath, and the old file is intact.
func TestWriteAtomicFullDisk(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, 0) })
	path := filepath.Join(mnt, "index.bin")
	if err := WriteFileAtomic(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, make([]byte, 3<<20))
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !IsNoSpace(err) ||
		!strings.Contains(err.Error(), "the disk holding "+mnt+" is full: free ") || !strings.HasSuffix(err.Error(), " MB or move --data") {
		t.Fatalf("got %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "old" {
		t.Fatalf("old file: %q %v", b, err)
	}
	st, err := Open(mnt)
	if err != nil {
		t.Fatal(err)
	}
	fill, err := os.Create(filepath.Join(mnt, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fill.Write(make([]byte, 2<<20))
	_ = fill.Close()
	p := Profile{Name: "p"}
	if err := os.MkdirAll(st.ProfileDir(p), DirMode); err != nil && !IsNoSpace(err) {
		t.Fatal(err)
	}
	if err := st.AppendActivity(p, Activity{Kind: "export"}); err == nil || !strings.Contains(err.Error(), "is full: free ") {
		t.Fatalf("activity on a full disk: %v", err)
	}
}
