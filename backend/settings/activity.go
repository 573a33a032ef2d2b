package settings

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// activityFile is a profile's local activity log: what was done with its
// cache on this machine (exports), one JSON object a line, only appended.
const activityFile = "activity.jsonl"

// Activity is one line of a profile's activity log.
type Activity struct {
	Time time.Time `json:"time"`
	Kind string    `json:"kind"` // "export"
	// Who: the account on this machine and the platform identity of the
	// profile.
	OSUser  string       `json:"osUser"`
	User    string       `json:"user"`
	File    string       `json:"file,omitempty"`
	Format  string       `json:"format,omitempty"`
	Rows    int          `json:"rows"`
	SHA256  string       `json:"sha256,omitempty"`
	Filter  audit.Filter `json:"filter"`
	Sort    audit.Sort   `json:"sort"`
	Zone    string       `json:"timeZone,omitempty"`
	Version string       `json:"appVersion,omitempty"`
	// Import is what an import read and added (Kind "import"; File, Format,
	// Rows and SHA256 say which file).
	Import *ImportFacts `json:"import,omitempty"`
	// Mark is what a mark or an unmark did (Kind "mark", "unmark"; SHA256
	// is the marks file's after it, File its name).
	Mark *MarkFacts `json:"mark,omitempty"`
}

// MarkFacts are a mark's evidence: the tag, how many events were named by
// ID (else the filter chose them), and what changed.
type MarkFacts struct {
	Tag     string `json:"tag"`
	IDs     int    `json:"ids,omitempty"`
	Added   int    `json:"added,omitempty"`
	Changed int    `json:"changed,omitempty"`
	Removed int    `json:"removed,omitempty"`
}

// ImportFacts are an imported file's evidence beyond its name and digest.
type ImportFacts struct {
	Bytes        int64  `json:"bytes"`
	Encoding     string `json:"encoding,omitempty"`
	Separator    string `json:"separator,omitempty"`
	Zone         string `json:"zone,omitempty"`         // the zone zone-less times were taken in
	ZoneFromFile bool   `json:"zoneFromFile,omitempty"` // ... as the file named it
	NoSeconds    int    `json:"noSeconds,omitempty"`    // rows whose time had no seconds
	Verified     bool   `json:"verified,omitempty"`     // an AuditDesk export matched its manifest
	New          int    `json:"new"`
	Duplicates   int    `json:"duplicates"`
	Rejected     int    `json:"rejected"`
	RejectedFile string `json:"rejectedFile,omitempty"`
	// Chain is the cache's chain head after the file: its events are the
	// records up to it.
	Chain string `json:"chain,omitempty"`
}

// ActivityPath is the profile's activity log.
func (s *Store) ActivityPath(p Profile) string {
	return filepath.Join(s.ProfileDir(p), activityFile)
}

// AppendActivity adds a line to the profile's activity log (owner-only).
func (s *Store) AppendActivity(p Profile, a Activity) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("settings: activity: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.OpenFile(s.ActivityPath(p), os.O_CREATE|os.O_RDWR|os.O_APPEND, FileMode)
	if err != nil {
		return fmt.Errorf("settings: activity log: %w", spaceError(filepath.Dir(s.ActivityPath(p)), int64(len(b)), err))
	}
	// After a write cut short, start on a line of its own.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			b = append([]byte{'\n'}, b...)
		}
	}
	_, err = f.Write(append(b, '\n'))
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("settings: activity log: %w", spaceError(filepath.Dir(s.ActivityPath(p)), int64(len(b)), err))
	}
	return nil
}

// ActivityLog reads the profile's activity log, oldest first. A line that
// is not JSON (a write cut short) is skipped, not fatal.
func (s *Store) ActivityLog(p Profile) ([]Activity, error) {
	f, err := os.Open(s.ActivityPath(p))
	if errors.Is(err, fs.ErrNotExist) {
		return []Activity{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("settings: activity log: %w", err)
	}
	defer func() { _ = f.Close() }()
	out := []Activity{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var a Activity
		if json.Unmarshal(sc.Bytes(), &a) == nil {
			out = append(out, a)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("settings: activity log: %w", err)
	}
	return out, nil
}
