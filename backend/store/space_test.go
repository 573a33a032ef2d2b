//go:build linux

package store

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/internal/diskspace"
)

// spaceChildEnv makes this test binary run spaceChild instead of the tests
// (see TestFullTmpfs): a SIGBUS there is a failed child, not a dead test.
const spaceChildEnv = "AUDITDESK_STORE_SPACE_CHILD"

func init() {
	if mode, dir, ok := strings.Cut(os.Getenv(spaceChildEnv), ":"); ok {
		spaceChild(mode, dir)
	}
}

// spaceChild commits pages of 200 events (3 MB in the value log each), with
// the store's own options, in one of three modes:
// fill until a commit fails; read what is there and try one more commit;
// more, up to page 12.
func spaceChild(mode, dir string) {
	s, err := Open(dir)
	if err != nil {
		fmt.Printf("open: nospace=%v: %s\n", errors.Is(err, ErrNoSpace), oneLine(err.Error()))
		os.Exit(0)
	}
	cp, _, err := s.Checkpoint()
	if err != nil {
		fmt.Println("checkpoint:", err)
		os.Exit(2)
	}
	st, err := s.Stats()
	if err != nil {
		fmt.Println("stats:", err)
		os.Exit(2)
	}
	fmt.Printf("holds %d %d\n", cp.Pages, st.Events)
	last := 1_000
	switch mode {
	case "read":
		last = int(cp.Pages) + 1
	case "more":
		last = 12
	}
	for p := int(cp.Pages) + 1; p <= last; p++ {
		_, err := s.CommitPage(pageEvents(p, 200, true), Checkpoint{Cursor: strconv.Itoa(p), Pages: int64(p), Events: int64(p * 200)})
		if err != nil {
			fmt.Printf("failed %d nospace=%v: %s\n", p, errors.Is(err, ErrNoSpace), oneLine(err.Error()))
			break
		}
		fmt.Printf("committed %d\n", p)
	}
	if err := s.Close(); err != nil {
		fmt.Println("close:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// runSpaceChild runs spaceChild and returns its output; it fails the test
// if the child dies (a SIGBUS is exit status 2 with a Go stack).
func runSpaceChild(t *testing.T, mode, dir string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), spaceChildEnv+"="+mode+":"+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		text := string(out)
		if len(text) > 1500 {
			text = text[:1500]
		}
		t.Fatalf("%s child: %v\n%s", mode, err, text)
	}
	t.Logf("%s child:\n%s", mode, out)
	return string(out)
}

// mountTmpfs mounts a tmpfs of size at dir (root only) until the test ends.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// TestFullTmpfs fills a real 48 MB tmpfs through the store with its own
// options. Badger writes its logs and tables through memory maps, so
// without a check of the free space the child dies of SIGBUS. With it: a
// commit fails with the one line, the cache reopens read-only on the full
// disk and its reads work, nothing committed is lost, and once the disk is
// grown the next commits carry on exactly.
func TestFullTmpfs(t *testing.T) {
	mnt := t.TempDir()
	mountTmpfs(t, mnt, "48m")
	dir := mnt + "/cache"

	out := runSpaceChild(t, "fill", dir)
	committed := strings.Count(out, "committed ")
	if committed == 0 || !strings.Contains(out, "nospace=true") ||
		!strings.Contains(out, "the disk holding "+dir+" is full: free ") || !strings.Contains(out, " MB or move --data") ||
		strings.Contains(out, "reopen") {
		t.Fatalf("want some pages committed, then the disk-full line (writes resume once space is freed, no reopening); got:\n%s", out)
	}

	out = runSpaceChild(t, "read", dir)
	want := fmt.Sprintf("holds %d %d\n", committed, committed*200)
	if !strings.Contains(out, want) || !strings.Contains(out, "nospace=true") || strings.Contains(out, "committed ") {
		t.Fatalf("on the full disk want %q and a refused commit; got:\n%s", want, out)
	}

	if err := syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_REMOUNT, "size=256m"); err != nil {
		t.Fatalf("grow the tmpfs: %v", err)
	}
	out = runSpaceChild(t, "more", dir)
	if strings.Contains(out, "failed") {
		t.Fatalf("after space was freed:\n%s", out)
	}
	if k := verifyPages(t, dir, 200); k != 12 {
		t.Fatalf("cache holds %d pages, want 12", k)
	}
}

// TestSpaceErrorLine: the refusal is one line that names the disk and
// what to free, and is ErrNoSpace.
func TestSpaceErrorLine(t *testing.T) {
	err := error(&SpaceError{Dir: "/d", Need: 40 << 20, Free: 5<<20 + 1})
	if got, want := err.Error(), "the disk holding /d is full: free 35 MB or move --data"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !errors.Is(err, ErrNoSpace) {
		t.Fatal("not ErrNoSpace")
	}
	oe := &OpenError{Dir: "/d", Kind: ErrNoSpace, Cause: err}
	if got, want := oe.Error(), "store: the disk holding /d is full: free 35 MB or move --data"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestCloseOnADiskFilledByOthers: the cache wrote, then something else
// filled its disk. Close marks the cache clean, which reads its counters,
// and each call looks at the free space first: that look once waited for
// the lock the closing writer held, and Close never returned. Now it
// returns, and the cache holds what was committed.
func TestCloseOnADiskFilledByOthers(t *testing.T) {
	mnt := t.TempDir()
	mountTmpfs(t, mnt, "64m")
	dir := mnt + "/cache"
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitPage(pageEvents(1, 200, false), Checkpoint{Cursor: "1", Pages: 1, Events: 200}); err != nil {
		t.Fatal(err)
	}
	// Another program takes the disk, down to a few hundred KB.
	free, _ := diskspace.Free(mnt)
	ballast := make([]byte, free-(512<<10))
	if err := os.WriteFile(mnt+"/ballast", ballast, 0o600); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		t.Logf("close: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("Close has not returned in 30 s on a disk another program filled")
	}
	if err := os.Remove(mnt + "/ballast"); err != nil {
		t.Fatal(err)
	}
	if k := verifyPages(t, dir, 200); k != 1 {
		t.Fatalf("cache holds %d pages, want 1", k)
	}
}
