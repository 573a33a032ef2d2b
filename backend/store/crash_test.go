//go:build unix

package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The crash and disk-full tests run the writer in a child process (this
// test binary, re-executed into childWriter by TestMain) so it can be SIGKILLed or
// given a file-size limit.
const childEnv = "AUDITDESK_STORE_CHILD"

// smallFiles makes Badger rotate memtables and value logs often, so kills
// land in flushes and rotations too.
func smallFiles(memtable int64) Option {
	return func(c *config) {
		c.tune = func(o badger.Options) badger.Options {
			return o.WithMemTableSize(memtable).WithValueLogFileSize(1 << 20)
		}
	}
}

// pageEvents are page p's own events (ids say their page) plus, from page
// 2 on, three duplicates of page p-1. Every 10th event goes to the value log.
func pageEvents(p, n int, big bool) []audit.Event {
	evs := make([]audit.Event, 0, n+3)
	mk := func(p, i int) audit.Event {
		e := audit.Event{
			ID: fmt.Sprintf("p%06d-%04d", p, i), Time: t0.Add(time.Duration(p)*time.Second + time.Duration(i)*time.Millisecond),
			User: "u@example.com", Scope: audit.ScopeService, Status: audit.StatusSuccess, Description: strings.Repeat("d", 100),
		}
		if big || i%10 == 0 {
			e.Details = []byte(`"` + strings.Repeat("x", 16*1024) + `"`)
		}
		return e
	}
	for i := range n {
		evs = append(evs, mk(p, i))
	}
	if p > 1 {
		evs = append(evs, mk(p-1, 0), mk(p-1, n/2), mk(p-1, n-1))
	}
	return evs
}

// TestMain runs childWriter instead of the tests in a child process that
// TestCrash and TestDiskFull start.
func TestMain(m *testing.M) {
	if mode, dir, ok := strings.Cut(os.Getenv(childEnv), ":"); ok {
		childWriter(mode, dir) // exits
	}
	os.Exit(m.Run())
}

// childWriter commits pages until it is killed or a write fails.
func childWriter(mode, dir string) {
	n, big, mem := 200, false, int64(4<<20)
	switch mode {
	case "diskfull-vlog":
		n, big, mem = 20, true, 8<<20
	case "diskfull-mem":
		n, mem = 200, 2<<20
	}
	s, err := Open(dir, smallFiles(mem))
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(2)
	}
	cp, _, _ := s.Checkpoint()
	if mode != "crash" {
		// Files of 2x the rotated size cannot be created any more; the ones
		// open now keep working until they fill up.
		signal.Ignore(syscall.SIGXFSZ)
		lim := &syscall.Rlimit{}
		_ = syscall.Getrlimit(syscall.RLIMIT_FSIZE, lim)
		lim.Cur = 3 << 19
		if mode == "diskfull-mem" {
			lim.Cur = 3 << 20
		}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, lim); err != nil {
			fmt.Println("setrlimit:", err)
			os.Exit(2)
		}
	}
	fmt.Println("ready")
	for p := int(cp.Pages) + 1; p < 1_000_000; p++ {
		_, err := s.CommitPage(pageEvents(p, n, big), Checkpoint{Cursor: strconv.Itoa(p), Pages: int64(p), Events: int64(p * n)})
		if err != nil {
			fmt.Printf("failed %d nospace=%v: %s\n", p, errors.Is(err, ErrNoSpace), oneLine(err.Error()))
			_, err = s.CommitPage(pageEvents(p+1, n, big), Checkpoint{Pages: int64(p + 1)})
			fmt.Printf("next commit writefailed=%v\n", errors.Is(err, ErrWriteFailed))
			done := make(chan error, 1)
			go func() { done <- s.Close() }()
			select {
			case err := <-done:
				fmt.Printf("close: %v\n", err)
			case <-time.After(5 * time.Second):
				fmt.Println("close: still blocked after 5s")
			}
			os.Exit(0)
		}
		fmt.Printf("committed %d\n", p)
	}
	os.Exit(3)
}

// startChild runs childWriter in a child process and waits for its "ready".
func startChild(t *testing.T, mode, dir string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode+":"+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == "ready" {
			return cmd, sc
		}
		t.Logf("child: %s", sc.Text())
	}
	_ = cmd.Wait()
	t.Fatalf("child never got ready")
	return nil, nil
}

// verifyPages checks the cache holds exactly pages 1..k of n events each
// and that its counter and 'e' keys agree (and no 'i' key is written);
// it returns k.
func verifyPages(t *testing.T, dir string, n int) int64 {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer func() { _ = s.Close() }()
	cp, _, err := s.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	k := cp.Pages
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	e, i := keyCount(t, s, prefixEvent), keyCount(t, s, prefixID)
	if st.Events != e || i != 0 || e != k*int64(n) {
		t.Fatalf("checkpoint pages %d: counter %d, %d e keys, %d i keys, want %d", k, st.Events, e, i, k*int64(n))
	}
	perPage := map[int64]int{}
	err = s.Scan(context.Background(), time.Time{}, time.Time{}, func(ev audit.Event) error {
		p, err := strconv.ParseInt(ev.ID[1:7], 10, 64)
		perPage[p]++
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range perPage {
		if p < 1 || p > k || c != n {
			t.Fatalf("checkpoint pages %d: page %d has %d events (want %d)", k, p, c, n)
		}
	}
	if int64(len(perPage)) != k || (k > 0 && cp.Cursor != strconv.FormatInt(k, 10)) {
		t.Fatalf("checkpoint %+v, %d pages present", cp, len(perPage))
	}
	return k
}

func TestCrash(t *testing.T) {
	dir := t.TempDir()
	var last int64
	for round := range 12 {
		cmd, _ := startChild(t, "crash", dir)
		time.Sleep(time.Duration(30+rand.IntN(600)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		k := verifyPages(t, dir, 200)
		t.Logf("round %d: killed with %d pages committed", round, k)
		if k < last {
			t.Fatalf("pages went back from %d to %d", last, k)
		}
		last = k
	}
	if last == 0 {
		t.Fatal("the child never committed a page")
	}
}

func TestDiskFull(t *testing.T) {
	for _, tc := range []struct {
		mode string
		n    int
	}{{"diskfull-vlog", 20}, {"diskfull-mem", 200}} {
		t.Run(tc.mode, func(t *testing.T) {
			dir := t.TempDir()
			cmd, sc := startChild(t, tc.mode, dir)
			committed := int64(0)
			var failed string
			for sc.Scan() {
				line := sc.Text()
				if v, ok := strings.CutPrefix(line, "committed "); ok {
					committed, _ = strconv.ParseInt(v, 10, 64)
					continue
				}
				t.Logf("child: %s", line)
				if strings.HasPrefix(line, "failed ") {
					failed = line
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("child: %v", err)
			}
			if failed == "" || !strings.Contains(failed, "nospace=true") {
				t.Fatalf("no commit failed for want of space (%d committed): %q", committed, failed)
			}
			if committed == 0 {
				t.Fatal("nothing committed before the disk filled")
			}
			if k := verifyPages(t, dir, tc.n); k != committed {
				t.Fatalf("cache holds %d pages, %d were committed before the error", k, committed)
			}
		})
	}
}
