package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	openT(t, dir)
	_, err := Open(dir)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "close it and retry") {
		t.Fatalf("second Open: %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("message spans lines: %q", err)
	}
}

func TestOpenLockedTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	openT(t, dir)
	// An empty log file, as another process's fresh one may be for an instant.
	empty := filepath.Join(dir, "000099.vlog")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	if _, err := Open(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	after := snapshot(t, dir)
	if _, ok := after[empty]; !ok || len(after) != len(before) {
		t.Fatalf("a second Open of a cache in use renamed its files: before %d files, after %d", len(before), len(after))
	}
}

// snapshot reads every file of dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func assertUntouched(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Fatalf("files changed: %d before, %d after", len(before), len(after))
	}
	for p, b := range before {
		if after[p] != b {
			t.Fatalf("%s changed by the failed open", p)
		}
	}
}

func populated(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s := openT(t, dir)
	if _, err := s.CommitPage(newRealistic(7).page(500), Checkpoint{Pages: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOpenCorruptManifest(t *testing.T) {
	for name, garble := range map[string]func([]byte) []byte{
		"flipped":   func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b },
		"magic":     func(b []byte) []byte { copy(b, "JUNK"); return b },
		"truncated": func(b []byte) []byte { return b[:5] },
		"garbage":   func([]byte) []byte { return []byte(strings.Repeat("\xde\xad", 4096)) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := populated(t)
			mf := filepath.Join(dir, "MANIFEST")
			b, err := os.ReadFile(mf)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(mf, garble(b), 0o600); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			s, err := Open(dir)
			if err == nil {
				_ = s.Close()
				t.Fatal("opened a cache with a garbled MANIFEST")
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "left untouched") {
				t.Fatalf("Open: %v", err)
			}
			assertUntouched(t, dir, before)
		})
	}
}

func TestOpenMissingManifest(t *testing.T) {
	dir := populated(t)
	if err := os.Remove(filepath.Join(dir, "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	if _, err := Open(dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open: %v", err)
	}
	assertUntouched(t, dir, before)
}

func TestOpenNewerFormat(t *testing.T) {
	dir := populated(t)
	db, err := badger.Open(badgerOptions(dir, &config{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte{keyVersion}, []byte{FormatVersion + 1}) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	if !errors.Is(err, ErrNewerFormat) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Open: %v", err)
	}
	// The refused cache is still usable by Badger and still holds its data.
	db, err = badger.Open(badgerOptions(dir, &config{}).WithReadOnly(true))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if err := db.View(func(txn *badger.Txn) error { _, err := txn.Get([]byte{keyCounters}); return err }); err != nil {
		t.Fatal(err)
	}
}

func TestOpenForeignBadger(t *testing.T) {
	dir := t.TempDir()
	db, err := badger.Open(badgerOptions(dir, &config{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("hello"), []byte("world")) }); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if _, err := Open(dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open: %v", err)
	}
}

func TestOpenWritesFormatVersion(t *testing.T) {
	s := openT(t, t.TempDir())
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte{keyVersion})
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 1 || v[0] != FormatVersion {
				return fmt.Errorf("version %x", v)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A cache of format 1 (id keys beside the events) reads as it is, takes
// new pages, tells its events duplicates, and is marked format 2, so that
// an AuditDesk of format 1, which looks events up by id keys alone, does
// not write to it.
func TestOpenFormat1(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	g := newRealistic(3)
	p1 := g.page(50)
	if _, err := s.CommitPage(p1, Checkpoint{Cursor: "c1"}); err != nil {
		t.Fatal(err)
	}
	writeIDKeys(t, s)
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte{keyVersion}, []byte{1}) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir)
	st, err := s.CommitPage(append(g.page(20), p1[10:20]...), Checkpoint{Cursor: "c2"})
	if err != nil || st.New != 20 || st.Duplicates != 10 {
		t.Fatalf("a page on a format 1 cache: %+v, %v", st, err)
	}
	if e, ok, err := s.Get(p1[3].ID); !ok || err != nil || !equalEvent(e, p1[3]) {
		t.Fatalf("Get by a format 1 id key: %v %v", ok, err)
	}
	if rep, err := s.Verify(context.Background()); err != nil || rep.ChainBroken || len(rep.Problems) > 0 || rep.Events != 70 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	err = s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte{keyVersion})
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 1 || v[0] != FormatVersion || FormatVersion != 2 {
				return fmt.Errorf("version %x after an open to write", v)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
