// Package settings holds where AuditDesk keeps its files and the user's
// preferences: the data dir, settings.json, the log file, and the window's
// remembered geometry.
package settings

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// EnvData names the variable that overrides the default data dir.
const EnvData = "AUDITDESK_DATA"

// File and folder modes: everything AuditDesk writes is its owner's alone.
const (
	FileMode fs.FileMode = 0o600
	DirMode  fs.FileMode = 0o700
)

const (
	settingsFile = "settings.json"
	logFile      = "auditdesk.log"
)

// ResolveDir picks the data dir: the --data flag, else $AUDITDESK_DATA,
// else the OS's per-user config folder + /auditdesk.
func ResolveDir(flagValue string) (string, error) {
	dir := flagValue
	if dir == "" {
		dir = os.Getenv(EnvData)
	}
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("settings: no per-user config folder (%w); pass --data DIR or set %s", err, EnvData)
		}
		dir = filepath.Join(base, "auditdesk")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("settings: data dir %q: %w", dir, err)
	}
	return abs, nil
}

// Window is the main window's remembered geometry.
type Window struct {
	Width     int  `json:"width,omitempty"`
	Height    int  `json:"height,omitempty"`
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Placed    bool `json:"placed,omitempty"` // X and Y were saved from a real window
	Maximised bool `json:"maximised,omitempty"`
}

// Prefs are the user's preferences, saved as settings.json.
type Prefs struct {
	Window Window `json:"window"`
	// Profile is the name of the profile the window shows.
	Profile string `json:"profile,omitempty"`
	// TimeZone of the window's timestamps and dates: an IANA name, UTC or
	// Local; "" is UTC.
	TimeZone string `json:"timeZone,omitempty"`
	Theme    string `json:"theme,omitempty"`   // light, dark or system ("")
	Density  string `json:"density,omitempty"` // comfortable ("") or compact
	// Columns are the table's columns in order, with widths and which are
	// hidden; empty is the default set.
	Columns []Column `json:"columns,omitempty"`
	// Views are the auditor's saved views.
	Views []View `json:"views,omitempty"`
	// Last is the view the window showed last, restored at its next
	// launch unless ForgetLast.
	Last       *LastView `json:"last,omitempty"`
	ForgetLast bool      `json:"forgetLast,omitempty"`
}

// LastView is the filter and sort the window showed last: Preset names a
// time range relative to now (24h, 7d, ...), taken again from the launch's
// now, else From and To are as they were; View is the saved view applied,
// if one was.
type LastView struct {
	Filter audit.FilterText `json:"filter"`
	Preset string           `json:"preset,omitempty"`
	Sort   audit.SortField  `json:"sort,omitempty"`
	Desc   bool             `json:"desc,omitempty"`
	View   string           `json:"view,omitempty"`
}

// Column is one of the table's columns as the auditor left it.
type Column struct {
	Key    string `json:"key"`
	Width  int    `json:"width,omitempty"` // px; 0 is the default
	Hidden bool   `json:"hidden,omitempty"`
}

// View is a named filter, sort and set of columns.
type View struct {
	Name    string           `json:"name"`
	Filter  audit.FilterText `json:"filter"`
	Sort    audit.SortField  `json:"sort,omitempty"`
	Desc    bool             `json:"desc,omitempty"`
	Columns []Column         `json:"columns,omitempty"`
}

// Store is the data dir and the preferences kept in it. Safe for
// concurrent use.
type Store struct {
	dir string

	mu    sync.Mutex
	prefs Prefs
}

// Open creates the data dir if needed (owner-only), tightens its mode if it
// was created more open, and loads settings.json. A missing file gives the
// defaults; an unreadable or corrupt one is an error that names the file,
// and the file is left as it is.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("settings: create data dir %s: %w", dir, err)
	}
	if err := os.Chmod(dir, DirMode); err != nil {
		return nil, fmt.Errorf("settings: restrict data dir %s: %w", dir, err)
	}
	s := &Store{dir: dir}
	path := s.path(settingsFile)
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return s, nil
	case err != nil:
		return nil, fmt.Errorf("settings: read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &s.prefs); err != nil {
		return nil, fmt.Errorf("settings: %s is not valid JSON (%w); fix or move it aside", path, err)
	}
	return s, nil
}

// Dir is the data dir's absolute path.
func (s *Store) Dir() string { return s.dir }

// LogPath is where the app's log goes.
func (s *Store) LogPath() string { return s.path(logFile) }

// SettingsPath is the preferences file.
func (s *Store) SettingsPath() string { return s.path(settingsFile) }

func (s *Store) path(name string) string { return filepath.Join(s.dir, name) }

// Prefs returns a copy of the current preferences.
func (s *Store) Prefs() Prefs {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.prefs
}

// Update changes the preferences with fn and saves them atomically.
func (s *Store) Update(fn func(*Prefs)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.prefs
	fn(&next)
	b, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: encode: %w", err)
	}
	if err := WriteFileAtomic(s.path(settingsFile), append(b, '\n')); err != nil {
		return err
	}
	s.prefs = next
	return nil
}

// OpenLog opens the log file for appending, owner-only.
func (s *Store) OpenLog() (*os.File, error) {
	f, err := os.OpenFile(s.LogPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, FileMode)
	if err != nil {
		return nil, fmt.Errorf("settings: open log %s: %w", s.LogPath(), err)
	}
	// A log made by an older build with a wider mode is narrowed too.
	if err := f.Chmod(FileMode); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("settings: restrict log %s: %w", s.LogPath(), err)
	}
	return f, nil
}

// WriteFileAtomic writes data to path with WriteAtomic.
func WriteFileAtomic(path string, data []byte) error {
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomic has write fill a temp file beside path, syncs it and renames
// it over path, so a reader sees the old file or the new one, never a part.
// The file is owner-only; on any failure the temp file is removed and path
// is untouched.
func WriteAtomic(path string, write func(io.Writer) error) (err error) {
	st, err := Stage(path)
	if err != nil {
		return fmt.Errorf("settings: write %s: %w", path, spaceError(filepath.Dir(path), fileSize(path), err))
	}
	cw := &countWriter{w: st.File}
	defer func() {
		if err != nil {
			st.Abort()
			size := max(cw.n, fileSize(path))
			err = fmt.Errorf("settings: write %s: %w", path, spaceError(filepath.Dir(path), size, err))
		}
	}()
	w := bufio.NewWriterSize(cw, 1<<20)
	if err = write(w); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = st.Close(); err != nil {
		return err
	}
	return st.Commit()
}

// countWriter counts the bytes its writer took.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Staged is a file being written in a temp file beside its path, owner-only,
// until Commit renames it there. Several can be staged and committed
// together (an export and its manifest), so a failure in any leaves every
// path as it was.
type Staged struct {
	File   *os.File
	path   string
	closed bool
}

// RemoveStaged removes the temp files of path that a process killed
// between Stage and Commit left, and returns them. Only path's one writer
// (the holder of a cache) may call it, before it stages its own.
func RemoveStaged(path string) []string {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp"))
	var removed []string
	for _, f := range stale {
		if os.Remove(f) == nil {
			removed = append(removed, f)
		}
	}
	return removed
}

// Stage creates the temp file for path.
func Stage(path string) (*Staged, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	if err := tmp.Chmod(FileMode); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return nil, err
	}
	return &Staged{File: tmp, path: path}, nil
}

// Close syncs the temp file to disk and closes it.
func (s *Staged) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if err := s.File.Sync(); err != nil {
		_ = s.File.Close()
		return err
	}
	return s.File.Close()
}

// Commit closes the temp file if needed and renames it over the path.
func (s *Staged) Commit() error {
	if err := s.Close(); err != nil {
		return err
	}
	return os.Rename(s.File.Name(), s.path)
}

// Abort removes the temp file; the path is untouched. It is safe after
// Commit (it then removes nothing).
func (s *Staged) Abort() {
	if !s.closed {
		s.closed = true
		_ = s.File.Close()
	}
	_ = os.Remove(s.File.Name())
}

// ErrNoProfile is returned by work that needs a profile when none exists
// yet.
var ErrNoProfile = errors.New("no profile yet: connect to your platform with an API URL and token, or open the demo")

// Go soft memory limits (unless GOMEMLIMIT is set): near the limit the
// collector works harder instead of letting garbage double the heap.
const (
	// SoftMemoryLimit holds for every auditdesk process. It was set
	// above the live heap of a 1M-event profile's index (~290 MB) when
	// the index lived in the heap (opening 1M events took 279 ms at 256
	// MiB, 152 ms at 512 MiB); the index is a mapped file now, outside
	// the heap, and the limit still bounds an index built or appended in
	// memory (a rebuild from the cache, a disk too full to stage a file).
	SoftMemoryLimit = 512 << 20
	// SyncMemoryLimit holds for `auditdesk sync`, whose live heap is small
	// (~75 MB at 1M events): measured there, peak RSS 260-290 MB at
	// 210-240k events/s, against 420 MB at 256 MiB.
	SyncMemoryLimit = 96 << 20
	// ImportMemoryLimit holds for `auditdesk import`, whose live heap is a
	// sync's and Badger's memtables, which an import fills faster than a
	// sync does: at 96 MiB the collector gave freed memtables back to the
	// system only to take them again (a million console-CSV rows: 6.3 s,
	// peak RSS 251 MB); at 256 MiB 4.9 s, 300 MB, as with no limit.
	ImportMemoryLimit = 256 << 20
	// ExportMemoryLimit holds for `auditdesk export`, whose live heap
	// (then the index too, now the chain's hashes and the writers'
	// buffers) passed SoftMemoryLimit, where the collector ran without
	// pause: an XLSX of 1,000,000 rows took 39.0-44.7 s at 512 MiB,
	// 19.5-20.3 s at 1 GiB (peak RSS 666 MB, 735 MB); a CSV 4.3 s, 3.8 s.
	ExportMemoryLimit = 1 << 30
)
