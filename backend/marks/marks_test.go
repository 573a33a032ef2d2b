package marks

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func edit(t *testing.T, dir string, change func(*Set) error) *Set {
	t.Helper()
	s, err := Edit(dir, change)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMarkUnmarkAndReadBack(t *testing.T) {
	dir := t.TempDir()
	var c1, c2, c3 Change
	s := edit(t, dir, func(s *Set) (err error) {
		if c1, err = s.Mark([]string{"ev-2", "ev-1", "ev-2"}, "finding", "MFA off for an owner", "alice", t0); err != nil {
			return err
		}
		if c2, err = s.Mark([]string{"ev-1", "ev-3"}, "reviewed", "", "alice", t0); err != nil {
			return err
		}
		c3, err = s.Mark([]string{"ev-3"}, " Q4 sample ", "", "bob", t0)
		return err
	})
	if c1 != (Change{Added: 2}) || c2 != (Change{Added: 2}) || c3 != (Change{Added: 1}) {
		t.Fatalf("changes %+v %+v %+v", c1, c2, c3)
	}
	fi, err := os.Stat(Path(dir))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("marks file: %v, mode %v; want owner-only", err, fi.Mode())
	}

	back, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.All(), s.All()) || back.SHA256() != s.SHA256() || back.SHA256() == "" {
		t.Fatalf("read back %+v (%s), wrote %+v (%s)", back.All(), back.SHA256(), s.All(), s.SHA256())
	}
	if got := back.Tags(); !slices.Equal(got, []TagCount{{"finding", 2}, {"reviewed", 2}, {"Q4 sample", 1}}) {
		t.Errorf("tags %v", got)
	}
	if got := back.Tagged([]string{"finding", "reviewed"}); !slices.Equal(got, []string{"ev-1", "ev-2", "ev-3"}) {
		t.Errorf("tagged finding or reviewed: %v", got)
	}
	if got := back.Of("ev-1"); len(got) != 2 || got[0].Tag != "finding" || got[0].Note != "MFA off for an owner" || got[0].By != "alice" || !got[0].At.Equal(t0) {
		t.Errorf("marks of ev-1: %+v", got)
	}

	// A new note replaces the old; an empty one keeps it; unmarking drops
	// only that tag.
	edit(t, dir, func(s *Set) error {
		c, err := s.Mark([]string{"ev-1", "ev-2"}, "finding", "", "bob", t0.Add(time.Hour))
		if c != (Change{}) || err != nil {
			return fmt.Errorf("an empty note changed %+v, %w", c, err)
		}
		if c, err = s.Mark([]string{"ev-2"}, "finding", "fixed in Dec", "bob", t0.Add(time.Hour)); c != (Change{Changed: 1}) || err != nil {
			return fmt.Errorf("a new note: %+v, %w", c, err)
		}
		if c, err = s.Unmark([]string{"ev-1", "ev-9"}, "finding"); c != (Change{Removed: 1}) || err != nil {
			return fmt.Errorf("unmark: %+v, %w", c, err)
		}
		return nil
	})
	back, _ = Read(dir)
	if got := back.Of("ev-2"); len(got) != 1 || got[0].Note != "fixed in Dec" || got[0].By != "bob" {
		t.Errorf("ev-2: %+v", got)
	}
	if got := back.Of("ev-1"); len(got) != 1 || got[0].Tag != "reviewed" {
		t.Errorf("ev-1 after unmarking finding: %+v", got)
	}
}

func TestBadTagsAndNotes(t *testing.T) {
	s, _ := Read(t.TempDir())
	for _, c := range []struct{ tag, note, says string }{
		{"", "", "a tag needs a name"},
		{"   ", "", "a tag needs a name"},
		{"Finding", "", `"Finding"; did you mean finding?`},
		{"REVIEWED", "", "did you mean reviewed?"},
		{strings.Repeat("x", 65), "", "longer than 64 bytes"},
		{"a\x1b[2Jb", "", "control character"},
		{"ok", "bell\a", "the note holds a control character"},
		{"ok", strings.Repeat("n", 4097), "longer than 4096 bytes"},
		{"ok", "\xff", "not UTF-8"},
	} {
		_, err := s.Mark([]string{"ev-1"}, c.tag, c.note, "me", t0)
		if !errors.Is(err, ErrBadTag) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Mark(%q, %q) = %v; want ErrBadTag saying %q", c.tag, c.note, err, c.says)
		}
	}
	if _, err := s.Mark([]string{"ev-1"}, "ok", "two lines\n\tand a tab", "me", t0); err != nil {
		t.Errorf("a note of lines: %v", err)
	}
}

// TestDamagedFileIsNeverOverwritten: marks.json that is not one (edited by
// hand, cut short) is an error naming it, and an edit writes nothing over
// it.
func TestDamagedFileIsNeverOverwritten(t *testing.T) {
	for _, body := range []string{`{"version":1,"marks":[{"id":"ev-1","tag":"finding"`, `{"version":9,"marks":[]}`, `{"version":1,"marks":[],"extra":1}`, "not json"} {
		dir := t.TempDir()
		if err := os.WriteFile(Path(dir), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Edit(dir, func(s *Set) error {
			_, err := s.Mark([]string{"ev-2"}, "finding", "", "me", t0)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), Path(dir)+" is not a marks file") || !strings.Contains(err.Error(), "move it aside") {
			t.Errorf("%q: %v", body, err)
		}
		if b, _ := os.ReadFile(Path(dir)); string(b) != body {
			t.Errorf("%q was overwritten with %q", body, b)
		}
	}
}

// TestMarkingManyIsOneWrite: 100,000 events marked in one edit write the
// file once.
func TestMarkingManyIsOneWrite(t *testing.T) {
	dir := t.TempDir()
	writes := 0
	testWrote = func() { writes++ }
	defer func() { testWrote = nil }()
	ids := make([]string, 100_000)
	for i := range ids {
		ids[i] = "ev-" + strconv.Itoa(i)
	}
	s := edit(t, dir, func(s *Set) error {
		_, err := s.Mark(ids, "reviewed", "sampled", "me", t0)
		return err
	})
	if writes != 1 || s.Len() != len(ids) {
		t.Fatalf("%d writes, %d marks", writes, s.Len())
	}
	edit(t, dir, func(s *Set) error { _, err := s.Mark(ids[:10], "reviewed", "", "me", t0); return err })
	if writes != 1 {
		t.Errorf("an edit that changed nothing wrote the file")
	}
}

// editChildEnv makes this test binary mark events in a folder instead of
// running the tests (TestEditsOfTwoProcessesBothLand).
const editChildEnv = "AUDITDESK_MARKS_CHILD"

func init() {
	if v := os.Getenv(editChildEnv); v != "" {
		dir, who, _ := strings.Cut(v, ":")
		for i := range 40 {
			_, err := Edit(dir, func(s *Set) error {
				_, err := s.Mark([]string{fmt.Sprintf("%s-%d", who, i)}, "finding", "", who, t0)
				return err
			})
			if err != nil {
				fmt.Println(err)
				os.Exit(2)
			}
		}
		os.Exit(0)
	}
}

// TestEditsOfTwoProcessesBothLand: the window and a script marking at once
// (here three processes, 40 edits each) lose none of each other's marks.
func TestEditsOfTwoProcessesBothLand(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	who := []string{"a", "b", "c"}
	for _, w := range who {
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), editChildEnv+"="+dir+":"+w)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child %s: %v %s", w, err, out)
			}
		})
	}
	wg.Wait()
	s, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 120 {
		t.Fatalf("%d marks, want 120", s.Len())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
}
