// Package marks holds an auditor's own marks on events: a tag (finding,
// follow-up, reviewed, or one the auditor names) and a note, with who made
// it and when. Marks live in a file of their own beside a profile's cache,
// never in the cache: the events stay as the platform sent them.
//
// The file (marks.json, owner-only) is read whole and written whole,
// atomically (a reader sees the old file or the new one), under an
// exclusive lock on marks.lock, so that the window and `auditdesk mark`
// may change it at once without losing each other's marks. Marking any
// number of events is one write.
package marks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/settings"
)

// The tags the window offers first; any other name is the auditor's own.
const (
	Finding  = "finding"
	FollowUp = "follow-up"
	Reviewed = "reviewed"
)

// Builtin are the tags offered first, in their order.
var Builtin = []string{Finding, FollowUp, Reviewed}

// File and lock names in a profile's folder.
const (
	FileName = "marks.json"
	lockName = "marks.lock"
)

// MaxTag and MaxNote bound what one mark holds, in bytes.
const (
	MaxTag  = 64
	MaxNote = 4096
)

// ErrBadTag wraps every refused tag or note.
var ErrBadTag = errors.New("bad tag")

// Mark is one tag on one event.
type Mark struct {
	ID   string    `json:"id"` // the event's
	Tag  string    `json:"tag"`
	Note string    `json:"note,omitempty"`
	By   string    `json:"by"` // the account on this machine
	At   time.Time `json:"at"`
}

// file is marks.json.
type file struct {
	Version int    `json:"version"`
	Marks   []Mark `json:"marks"`
}

const version = 1

// CheckTag refuses a tag a filter or a mark cannot mean: empty, longer
// than MaxTag, with a control character, or not UTF-8. Tags are kept as
// given but for the space around them; a builtin tag in another case
// ("Finding") is refused with the tag meant, as a typo would otherwise
// make a tag of its own.
func CheckTag(tag string) (string, error) {
	t := strings.TrimSpace(tag)
	switch {
	case t == "":
		return "", fmt.Errorf("%w: a tag needs a name", ErrBadTag)
	case len(t) > MaxTag:
		return "", fmt.Errorf("%w: %q is longer than %d bytes", ErrBadTag, t, MaxTag)
	case !utf8.ValidString(t):
		return "", fmt.Errorf("%w: %q is not UTF-8 text", ErrBadTag, t)
	case strings.ContainsFunc(t, unicode.IsControl):
		return "", fmt.Errorf("%w: %q holds a control character", ErrBadTag, t)
	}
	for _, b := range Builtin {
		if t != b && strings.EqualFold(t, b) {
			return "", fmt.Errorf("%w: %q; did you mean %s?", ErrBadTag, t, b)
		}
	}
	return t, nil
}

func checkNote(note string) error {
	switch {
	case len(note) > MaxNote:
		return fmt.Errorf("%w: the note is longer than %d bytes", ErrBadTag, MaxNote)
	case !utf8.ValidString(note):
		return fmt.Errorf("%w: the note is not UTF-8 text", ErrBadTag)
	case strings.ContainsFunc(note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		return fmt.Errorf("%w: the note holds a control character", ErrBadTag)
	}
	return nil
}

// Set is the marks of one profile, as read from its folder.
type Set struct {
	dir   string
	marks []Mark         // sorted by ID, then Tag
	at    map[key]int    // index into marks
	sum   [32]byte       // SHA-256 of the file as read or written; zero for none
	tags  map[string]int // tag -> marks
	// onChange, set by Edit, hears that Mark or Unmark changed the set.
	onChange func()
}

type key struct{ id, tag string }

// Path is the marks file of the profile whose folder is dir.
func Path(dir string) string { return filepath.Join(dir, FileName) }

// Read reads the marks in dir; no file is no marks. A file that is not
// the marks AuditDesk writes is an error naming it: its marks are never
// dropped by a write over it.
func Read(dir string) (*Set, error) {
	s := &Set{dir: dir}
	b, err := os.ReadFile(Path(dir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.index()
		return s, nil
	case err != nil:
		return nil, fmt.Errorf("marks: %w", err)
	}
	var f file
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil || f.Version != version || dec.More() {
		if err == nil {
			err = fmt.Errorf("version %d", f.Version)
		}
		return nil, fmt.Errorf("marks: %s is not a marks file this AuditDesk reads (%w): move it aside to start anew", Path(dir), err)
	}
	s.marks = f.Marks
	s.sum = sha256.Sum256(b)
	s.index()
	return s, nil
}

func (s *Set) index() {
	slices.SortFunc(s.marks, func(a, b Mark) int {
		return strings.Compare(a.ID+"\x00"+a.Tag, b.ID+"\x00"+b.Tag)
	})
	s.marks = slices.CompactFunc(s.marks, func(a, b Mark) bool { return a.ID == b.ID && a.Tag == b.Tag })
	s.at = make(map[key]int, len(s.marks))
	s.tags = map[string]int{}
	for i, m := range s.marks {
		s.at[key{m.ID, m.Tag}] = i
		s.tags[m.Tag]++
	}
}

// Len is how many marks the set holds.
func (s *Set) Len() int { return len(s.marks) }

// SHA256 is the hex SHA-256 of the file as last read or written; "" when
// there is none.
func (s *Set) SHA256() string {
	if s.sum == [32]byte{} {
		return ""
	}
	return hex.EncodeToString(s.sum[:])
}

// All lists the marks by event ID, then tag.
func (s *Set) All() []Mark { return slices.Clone(s.marks) }

// Of lists the marks of one event, by tag.
func (s *Set) Of(id string) []Mark {
	i, _ := slices.BinarySearchFunc(s.marks, id, func(m Mark, id string) int { return strings.Compare(m.ID, id) })
	var out []Mark
	for ; i < len(s.marks) && s.marks[i].ID == id; i++ {
		out = append(out, s.marks[i])
	}
	return out
}

// TagCount is a tag and how many events carry it.
type TagCount struct {
	Tag string `json:"tag"`
	N   int    `json:"n"`
}

// Tags lists the tags in use: the builtin ones first, in their order, then
// the others by name, each with its count.
func (s *Set) Tags() []TagCount {
	var out []TagCount
	for _, b := range Builtin {
		if n := s.tags[b]; n > 0 {
			out = append(out, TagCount{b, n})
		}
	}
	var own []string
	for t := range s.tags {
		if !slices.Contains(Builtin, t) {
			own = append(own, t)
		}
	}
	slices.Sort(own)
	for _, t := range own {
		out = append(out, TagCount{t, s.tags[t]})
	}
	return out
}

// Tagged lists the IDs of the events that carry any of tags, each once.
func (s *Set) Tagged(tags []string) []string {
	var ids []string
	for _, m := range s.marks {
		if slices.Contains(tags, m.Tag) && (len(ids) == 0 || ids[len(ids)-1] != m.ID) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// Change is what a Mark or an Unmark did.
type Change struct {
	Added, Changed, Removed int
}

// Edit reads the marks in dir under the lock, lets change alter them
// (Mark, Unmark), and writes them back, atomically, if it changed any; the
// lock is held throughout, so another process's edit waits for this one
// and then starts from what it wrote. It returns the set as written.
func Edit(dir string, change func(*Set) error) (*Set, error) {
	unlock, err := lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	s, err := Read(dir)
	if err != nil {
		return nil, err
	}
	before := s.sum
	dirty := false
	s.onChange = func() { dirty = true }
	if err := change(s); err != nil {
		return nil, err
	}
	s.onChange = nil
	if !dirty {
		return s, nil
	}
	b, err := json.Marshal(file{Version: version, Marks: s.marks})
	if err != nil {
		return nil, fmt.Errorf("marks: %w", err)
	}
	b = append(b, '\n')
	if err := settings.WriteAtomic(Path(dir), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		s.sum = before
		return nil, fmt.Errorf("marks: %w", err)
	}
	s.sum = sha256.Sum256(b)
	if testWrote != nil {
		testWrote()
	}
	return s, nil
}

// testWrote, when set (tests), hears each write of a marks file.
var testWrote func()

// Mark tags the events ids with tag and note, by whom and when; an event
// that has the tag already gets the new note (a note left empty keeps the
// old one).
func (s *Set) Mark(ids []string, tag, note, by string, at time.Time) (Change, error) {
	tag, err := CheckTag(tag)
	if err != nil {
		return Change{}, err
	}
	if err := checkNote(note); err != nil {
		return Change{}, err
	}
	var c Change
	for _, id := range ids {
		if i, ok := s.at[key{id, tag}]; ok {
			if note != "" && s.marks[i].Note != note {
				s.marks[i].Note, s.marks[i].By, s.marks[i].At = note, by, at.UTC()
				c.Changed++
			}
			continue
		}
		s.marks = append(s.marks, Mark{ID: id, Tag: tag, Note: note, By: by, At: at.UTC()})
		s.at[key{id, tag}] = len(s.marks) - 1 // until index(): a repeated id counts once
		c.Added++
	}
	if c.Added > 0 {
		s.index()
	}
	if c.Added+c.Changed > 0 && s.onChange != nil {
		s.onChange()
	}
	return c, nil
}

// With lists the marks with tag on the events ids, for an undo (Restore).
func (s *Set) With(ids []string, tag string) []Mark {
	var out []Mark
	for _, id := range ids {
		if i, ok := s.at[key{id, tag}]; ok {
			out = append(out, s.marks[i])
		}
	}
	return out
}

// Restore puts the events ids back as before says they were with tag:
// the tag off those before does not hold, and those it holds as they were
// (note, who, when). It undoes a Mark or an Unmark of ids with tag.
func (s *Set) Restore(ids []string, tag string, before []Mark) Change {
	was := make(map[string]Mark, len(before))
	for _, m := range before {
		if m.Tag == tag {
			was[m.ID] = m
		}
	}
	var c Change
	drop := map[string]bool{}
	for _, id := range ids {
		i, ok := s.at[key{id, tag}]
		old, had := was[id]
		switch {
		case ok && !had:
			drop[id] = true
			c.Removed++
		case ok && had && s.marks[i] != old:
			s.marks[i] = old
			c.Changed++
		case !ok && had:
			s.marks = append(s.marks, old)
			s.at[key{id, tag}] = len(s.marks) - 1
			c.Added++
		}
	}
	if len(drop) > 0 {
		s.marks = slices.DeleteFunc(s.marks, func(m Mark) bool { return m.Tag == tag && drop[m.ID] })
	}
	if c != (Change{}) {
		s.index()
		if s.onChange != nil {
			s.onChange()
		}
	}
	return c
}

// Unmark takes tag off the events ids.
func (s *Set) Unmark(ids []string, tag string) (Change, error) {
	tag, err := CheckTag(tag)
	if err != nil {
		return Change{}, err
	}
	drop := make(map[string]bool, len(ids))
	for _, id := range ids {
		if _, ok := s.at[key{id, tag}]; ok {
			drop[id] = true
		}
	}
	if len(drop) == 0 {
		return Change{}, nil
	}
	s.marks = slices.DeleteFunc(s.marks, func(m Mark) bool { return m.Tag == tag && drop[m.ID] })
	s.index()
	if s.onChange != nil {
		s.onChange()
	}
	return Change{Removed: len(drop)}, nil
}
