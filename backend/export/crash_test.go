package export

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
)

// crashChild makes the test binary, run again by
// TestKillDuringExportKeepsAPair, one export that stops at a point and
// waits there to be killed: "FORMAT POINT PATH", POINT "rows" (half-way
// through the rows) or "rename:N" (before the Nth move of a file).
const crashChild = "AUDITDESK_EXPORT_CRASH_CHILD"

const (
	crashEvents = 2100 // one window of rows and a part
	crashedAt   = "crash point:"
	crashDone   = "export finished"
)

// An export killed (SIGKILL, from outside) at any point leaves FILE with
// the older manifest or the new one as its manifest, never a mix:
// verify-export passes straight after the kill, and the next export to the
// folder puts that manifest beside FILE and removes every leftover. The
// issue's case is the kill before the move onto FILE.manifest.json.
func TestKillDuringExportKeepsAPair(t *testing.T) {
	if spec := os.Getenv(crashChild); spec != "" {
		crashingExport(t, spec)
		return
	}
	ctx := t.Context()
	ix := buildIndex(t, simEvents(t, crashEvents))
	older := result(t, ix, audit.Filter{Scope: audit.ScopeBilling}, audit.Sort{})
	newer := result(t, ix, audit.Filter{}, audit.Sort{})
	if older.Total == newer.Total {
		t.Fatal("the two views must differ in rows")
	}
	// CSV is killed at every point; the moves do not depend on the format,
	// so XLSX, slower, only while writing and at the issue's move.
	issueCase := ""
	for _, format := range []Format{CSV, XLSX} {
		for i := 0; ; i++ {
			point := "rows"
			if i > 0 {
				point = fmt.Sprintf("rename:%d", i)
			}
			if format == XLSX && i > 0 && issueCase == "" {
				break
			}
			if format == XLSX && i > 0 && point != issueCase {
				continue
			}
			if i > 8 {
				t.Fatalf("%s: the export never finished", format)
			}
			dir := t.TempDir()
			base := "t." + string(format)
			path := filepath.Join(dir, base)
			if _, err := Write(ctx, request(path, older, time.UTC)); err != nil {
				t.Fatal(err)
			}
			where, done := exportUntilKilled(t, format, point, path)
			what := fmt.Sprintf("%s killed at %s (%s)", format, point, where)
			if done {
				what = fmt.Sprintf("%s not killed (%s)", format, point)
			}

			c, err := VerifyFile(ctx, path)
			t.Logf("%s: verify-export sees %d rows (older %d, new %d)", what, c.Rows, older.Total, newer.Total)
			if where == path+ManifestSuffix {
				issueCase = point
			}
			switch {
			case err != nil || !c.SHA256OK || !c.RowsOK:
				t.Errorf("%s: verify-export: %v, %+v", what, err, c)
			case done || where == path+ManifestSuffix:
				if c.Rows != newer.Total {
					t.Errorf("%s: FILE holds %d rows, want the new export's %d", what, c.Rows, newer.Total)
				}
			case point == "rows" && c.Rows != older.Total:
				t.Errorf("%s: FILE holds %d rows, want the older export's %d", what, c.Rows, older.Total)
			case c.Rows != older.Total && c.Rows != newer.Total:
				t.Errorf("%s: FILE holds %d rows, neither export's", what, c.Rows)
			}

			// The next export to the folder, of another file, makes the
			// pair beside FILE whole: the one verify-export saw.
			next := filepath.Join(dir, "next.csv")
			if _, err := Write(ctx, request(next, older, time.UTC)); err != nil {
				t.Fatal(err)
			}
			if left := leftovers(t, dir, base, base+ManifestSuffix, "next.csv", "next.csv"+ManifestSuffix); len(left) > 0 {
				t.Errorf("%s: the next export left %v", what, left)
			}
			m, err := ReadManifest(path + ManifestSuffix)
			sum, serr := FileSHA256(path)
			if err != nil || serr != nil || m.SHA256 != sum || m.Rows != c.Rows {
				t.Errorf("%s: after the next export the manifest beside FILE names %s and %d rows, FILE is %s (%v, %v); verify-export saw %d rows",
					what, m.SHA256, m.Rows, sum, err, serr, c.Rows)
			}
			if done || format == XLSX && point == issueCase {
				break
			}
		}
	}
	if issueCase == "" {
		t.Error("no kill fell before the move onto FILE.manifest.json")
	}
}

// exportUntilKilled runs crashingExport in a child process and kills it
// where it stops; done is true when it finished instead.
func exportUntilKilled(t *testing.T, format Format, point, path string) (where string, done bool) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestKillDuringExportKeepsAPair$")
	cmd.Env = append(os.Environ(), crashChild+"="+string(format)+" "+point+" "+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if w, ok := strings.CutPrefix(line, crashedAt); ok {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if cmd.ProcessState.Success() {
				t.Fatalf("the child at %s was not killed", point)
			}
			return strings.TrimSpace(w), false
		}
		done = done || line == crashDone
	}
	if err := cmd.Wait(); err != nil || !done {
		t.Fatalf("the exporting child at %s: %v\n%s\n%s", point, err, strings.Join(seen, "\n"), stderr.String())
	}
	return "", true
}

// crashingExport is the child's export of every row to PATH.
func crashingExport(t *testing.T, spec string) {
	parts := strings.SplitN(spec, " ", 3)
	if len(parts) != 3 {
		t.Fatalf("%s=%q", crashChild, spec)
	}
	format, point, path := Format(parts[0]), parts[1], parts[2]
	if n, ok := strings.CutPrefix(point, "rename:"); ok {
		at, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("%s=%q", crashChild, spec)
		}
		calls := 0
		rename = func(from, to string) error {
			if calls++; calls == at {
				stopHere(to)
			}
			return os.Rename(from, to)
		}
	}
	res := result(t, buildIndex(t, simEvents(t, crashEvents)), audit.Filter{}, audit.Sort{})
	req := request(path, res, time.UTC)
	req.Format = format
	if point == "rows" {
		req.OnProgress = func(p Progress) {
			if p.Rows >= p.Total/2 {
				stopHere("rows")
			}
		}
	}
	if _, err := Write(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	fmt.Println(crashDone)
}

// stopHere says where the child is and waits for the kill.
func stopHere(where string) {
	fmt.Println(crashedAt, where)
	time.Sleep(time.Minute)
	os.Exit(3)
}

// The next export to a folder settles what crashes left there for other
// files: a work folder whose file was never moved is removed, one whose
// file was moved gets its manifest put beside that file (and verify-export
// reads it there before that), and old builds' temp files go once nothing
// has touched them for an hour. Files that are not an export's stay.
func TestNextExportSettlesTheFolder(t *testing.T) {
	ctx := t.Context()
	ix := buildIndex(t, simEvents(t, 500))
	older := result(t, ix, audit.Filter{Scope: audit.ScopeBilling}, audit.Sort{})
	newer := result(t, ix, audit.Filter{}, audit.Sort{})
	dir, elsewhere := t.TempDir(), t.TempDir()
	write := func(path string, res *query.Result) {
		t.Helper()
		if _, err := Write(ctx, request(path, res, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	file := func(path string, b []byte, age time.Duration) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	read := func(path string) []byte {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// y.csv: killed between the moves. The older pair was there; now the
	// new file is, and the new manifest waits in the work folder.
	write(filepath.Join(dir, "y.csv"), older)
	write(filepath.Join(elsewhere, "y.csv"), newer)
	file(filepath.Join(dir, "y.csv"), read(filepath.Join(elsewhere, "y.csv")), 0)
	file(filepath.Join(dir, ".y.csv"+workSuffix, "y.csv"+ManifestSuffix), read(filepath.Join(elsewhere, "y.csv"+ManifestSuffix)), 0)
	if c := check(t, filepath.Join(dir, "y.csv")); !c.SHA256OK || !c.RowsOK || c.Rows != newer.Total {
		t.Errorf("verify-export of y.csv between the moves: %+v", c)
	}
	// x.csv: killed while writing; it never existed.
	file(filepath.Join(dir, ".x.csv"+workSuffix, "x.csv"), []byte("id,time\n1,"), 0)
	// An old build's temp files, killed long ago and just now.
	file(filepath.Join(dir, ".t.csv.123456.tmp"), []byte("partial"), 2*time.Hour)
	file(filepath.Join(dir, ".t.csv.manifest.json.789.tmp"), []byte("{"), 2*time.Hour)
	file(filepath.Join(dir, ".u.xlsx.42.tmp"), []byte("maybe still written"), time.Minute)
	// Not an export's.
	file(filepath.Join(dir, ".notes.txt.5.tmp"), []byte("mine"), 2*time.Hour)
	file(filepath.Join(dir, ".cache"+workSuffix+".txt"), []byte("mine"), 2*time.Hour)

	write(filepath.Join(dir, "t.csv"), older)
	keep := []string{"t.csv", "t.csv" + ManifestSuffix, "y.csv", "y.csv" + ManifestSuffix, ".u.xlsx.42.tmp", ".notes.txt.5.tmp", ".cache" + workSuffix + ".txt"}
	if left := leftovers(t, dir, keep...); len(left) > 0 {
		t.Errorf("the export left %v", left)
	}
	if got, want := read(filepath.Join(dir, "y.csv"+ManifestSuffix)), read(filepath.Join(elsewhere, "y.csv"+ManifestSuffix)); !bytes.Equal(got, want) {
		t.Errorf("y.csv's manifest is not the new one:\n%s", got)
	}
	if c := check(t, filepath.Join(dir, "y.csv")); !c.SHA256OK || !c.RowsOK || c.Rows != newer.Total {
		t.Errorf("verify-export of y.csv after the next export: %+v", c)
	}
}

// Exports to one folder run at once: one to another file settles nothing
// of a running export's work, and one to the same file waits for it, then
// replaces its pair.
func TestExportsToOneFolderAtOnce(t *testing.T) {
	ctx := t.Context()
	ix := buildIndex(t, simEvents(t, 6000))
	all := result(t, ix, audit.Filter{}, audit.Sort{})
	billing := result(t, ix, audit.Filter{Scope: audit.ScopeBilling}, audit.Sort{})
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")

	paused, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	first := request(a, all, time.UTC)
	first.OnProgress = func(p Progress) {
		if p.Rows < p.Total {
			once.Do(func() { close(paused); <-resume })
		}
	}
	errFirst := make(chan error, 1)
	go func() { _, err := Write(ctx, first); errFirst <- err }()
	<-paused

	if _, err := Write(ctx, request(filepath.Join(dir, "b.csv"), billing, time.UTC)); err != nil {
		t.Fatal(err)
	}
	errSecond := make(chan error, 1)
	go func() { _, err := Write(ctx, request(a, billing, time.UTC)); errSecond <- err }()
	select {
	case err := <-errSecond:
		t.Fatalf("a second export to a.csv ran while the first held it: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(resume)
	if err := <-errFirst; err != nil {
		t.Fatalf("the first export: %v", err)
	}
	if err := <-errSecond; err != nil {
		t.Fatalf("the second export: %v", err)
	}
	if c := check(t, a); !c.SHA256OK || !c.RowsOK || c.Rows != billing.Total {
		t.Errorf("a.csv after both: %+v", c)
	}
	if c := check(t, filepath.Join(dir, "b.csv")); !c.SHA256OK || !c.RowsOK {
		t.Errorf("b.csv: %+v", c)
	}
	if left := leftovers(t, dir, "a.csv", "a.csv"+ManifestSuffix, "b.csv", "b.csv"+ManifestSuffix); len(left) > 0 {
		t.Errorf("the exports left %v", left)
	}

	// A wait for the lock ends with the context.
	held, err := lockWork(ctx, workFor(a).w)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := Write(short, request(a, all, time.UTC)); !errors.Is(err, ErrCancelled) {
		t.Errorf("an export waiting for a held file, cancelled: %v", err)
	}
	held.unlock(true)
}
