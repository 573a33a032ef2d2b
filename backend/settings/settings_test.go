package settings

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestResolveDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "xdg"))
	t.Setenv("HOME", filepath.Join(tmp, "home"))

	tests := []struct {
		name, flag, env, want string
	}{
		{"flag wins", filepath.Join(tmp, "flag"), filepath.Join(tmp, "env"), filepath.Join(tmp, "flag")},
		{"env next", "", filepath.Join(tmp, "env"), filepath.Join(tmp, "env")},
		{"os config dir last", "", "", filepath.Join(tmp, "xdg", "auditdesk")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvData, tt.env)
			got, err := ResolveDir(tt.flag)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ResolveDir(%q) = %q, want %q", tt.flag, got, tt.want)
			}
		})
	}
}

func TestResolveDirMakesRelativeAbsolute(t *testing.T) {
	got, err := ResolveDir("rel/dir")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(got) {
		t.Errorf("ResolveDir(rel/dir) = %q, want an absolute path", got)
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestOpenCreatesOwnerOnlyFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	// A folder made too open by someone else is narrowed.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir); m != DirMode {
		t.Errorf("data dir mode = %o, want %o", m, DirMode)
	}
	if err := s.Update(func(p *Prefs) { p.Window.Width = 1300 }); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, s.SettingsPath()); m != FileMode {
		t.Errorf("settings mode = %o, want %o", m, FileMode)
	}
	// An old log with a wide mode is narrowed on open.
	if err := os.WriteFile(s.LogPath(), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := s.OpenLog()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	if m := mode(t, s.LogPath()); m != FileMode {
		t.Errorf("log mode = %o, want %o", m, FileMode)
	}
}

func TestPrefsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Prefs(); !reflect.DeepEqual(got, Prefs{}) {
		t.Fatalf("fresh prefs = %+v, want zero", got)
	}
	want := Window{Width: 1400, Height: 880, X: 40, Y: 30, Placed: true}
	if err := s.Update(func(p *Prefs) { p.Window = want }); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.Prefs().Window; got != want {
		t.Errorf("reloaded window = %+v, want %+v", got, want)
	}
	// No temp files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left a temp file: %s", e.Name())
		}
	}
}

func TestOpenCorruptSettingsKeepsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	bad := []byte("{not json")
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open with corrupt settings: err = %v, want one naming %s", err, path)
	}
	got, _ := os.ReadFile(path)
	if string(got) != string(bad) {
		t.Errorf("corrupt settings file was changed to %q", got)
	}
}

func TestWriteFileAtomicFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Renaming onto a directory fails after the temp file is written.
	target := filepath.Join(dir, "sub")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, []byte("new")); err == nil {
		t.Fatal("WriteFileAtomic onto a non-empty dir: want an error")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left a temp file after failure: %s", e.Name())
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("unrelated file changed: %q", got)
	}
}
