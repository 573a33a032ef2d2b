package app

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/marks"
	"github.com/auditdesk/auditdesk/backend/session"
)

// Marks is the service of the auditor's own marks: a tag (finding,
// follow-up, reviewed, or one the auditor names) and a note on events, one
// event or every event of the view; taking a tag off; undoing the last of
// them; the tags in use. What undoes a mark stays here, in Go: the undo
// of 100,000 events marked never crosses the bridge.
type Marks struct{ *core }

// TagCount is a tag and how many events carry it. Builtin tags come first,
// listed even when no event carries them (N is 0), for the Mark dialog.
type TagCount struct {
	Tag     string `json:"tag"`
	N       int    `json:"n"`
	Builtin bool   `json:"builtin"`
}

// MarkInfo is one mark of an event, for the details panel.
type MarkInfo struct {
	Tag  string `json:"tag"`
	Note string `json:"note"`
	By   string `json:"by"`
	At   string `json:"at"` // RFC 3339, UTC
}

// MarkResult is what Mark, Unmark or Undo did. For an Undo, Tag, Unmark
// and Events say what it undid, and Added, Changed and Removed what it did
// to put the marks back.
type MarkResult struct {
	Tag    string `json:"tag"`
	Unmark bool   `json:"unmark"`
	Undo   bool   `json:"undo"`
	// Events is how many events the mark named or its filter matched; for
	// an Undo, how many the undone mark changed.
	Events  int `json:"events"`
	Added   int `json:"added"`
	Changed int `json:"changed"`
	Removed int `json:"removed"`
	// Undoable is how many marks of this profile Undo can still take back.
	Undoable int `json:"undoable"`
	// Tags are the tags in use after it, as Tags lists them.
	Tags []TagCount `json:"tags"`
}

// MarksChange is the payload of EventMarksChanged.
type MarksChange struct {
	Profile string     `json:"profile"`
	Tags    []TagCount `json:"tags"`
}

// EventMarksChanged is emitted after the window marked, unmarked or undid:
// the table reads its rows again, in place (their tags changed, and a view
// filtered by a tag may hold other events), and the Tag filter its counts.
const EventMarksChanged = "marks:changed"

// maxUndo bounds the marks the window can undo, newest kept.
const maxUndo = 50

// undoStack is what undoes the window's marks, newest last. Each entry
// belongs to a profile: Undo takes back the newest of the one shown.
type undoStack struct {
	mu      sync.Mutex
	entries []undoEntry
}

type undoEntry struct {
	profile string
	undo    session.MarkUndo
	tag     string
	unmark  bool
	events  int // the events the mark changed
}

func (u *undoStack) push(e undoEntry) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.entries = append(u.entries, e)
	if n := len(u.entries); n > maxUndo {
		u.entries = slices.Delete(u.entries, 0, n-maxUndo)
	}
}

// pop takes the newest entry of profile.
func (u *undoStack) pop(profile string) (undoEntry, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for i := len(u.entries) - 1; i >= 0; i-- {
		if e := u.entries[i]; e.profile == profile {
			u.entries = slices.Delete(u.entries, i, i+1)
			return e, true
		}
	}
	return undoEntry{}, false
}

// count is how many entries profile has.
func (u *undoStack) count(profile string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, e := range u.entries {
		if e.profile == profile {
			n++
		}
	}
	return n
}

// ErrNothingToUndo is Undo with no mark of the profile shown to take back
// (invalid_input: the window says it as news, not as a failure).
var ErrNothingToUndo = Invalid("nothing to undo: no mark made in this window is left to take back")

// Mark tags events with tag and note: those of ids, or with none, every
// event filter matches (the view: the table's count). An event that has
// the tag already gets the new note; an empty note keeps its old one. A bad
// tag or note, or an ID the cache does not hold, is invalid_input.
func (m *Marks) Mark(ids []string, filter audit.FilterText, tag, note string) (MarkResult, error) {
	return m.edit(ids, filter, tag, note, false)
}

// Unmark takes tag off events: those of ids, or with none, every event
// filter matches.
func (m *Marks) Unmark(ids []string, filter audit.FilterText, tag string) (MarkResult, error) {
	return m.edit(ids, filter, tag, "", true)
}

func (m *Marks) edit(ids []string, filter audit.FilterText, tag, note string, unmark bool) (MarkResult, error) {
	f, _, err := filter.Parse()
	if err != nil {
		return MarkResult{}, Invalid(err.Error())
	}
	pr, err := m.current()
	if err != nil {
		return MarkResult{}, err
	}
	res, err := pr.Mark(context.Background(), session.MarkRequest{
		Filter: f, IDs: ids, Tag: tag, Note: note, Unmark: unmark, OSUser: session.OSUser(),
	})
	if errors.Is(err, session.ErrBadQuery) {
		return MarkResult{}, Invalid(err.Error())
	}
	changed := res.Added + res.Changed + res.Removed
	if err != nil && changed == 0 {
		return MarkResult{}, err
	}
	// A mark saved whose activity record failed is still a mark: it can be
	// undone, and the window shows it, though the error is what is said.
	if changed > 0 && res.Undo.Events() > 0 {
		m.undo.push(undoEntry{profile: pr.Info().Name, undo: res.Undo, tag: res.Tag, unmark: unmark, events: changed})
	}
	out, ferr := m.finish(pr, MarkResult{
		Tag: res.Tag, Unmark: unmark, Events: res.Matched,
		Added: res.Added, Changed: res.Changed, Removed: res.Removed,
	}, changed > 0)
	if err != nil {
		return MarkResult{}, err
	}
	return out, ferr
}

// Undo puts back the marks as they were before the newest mark or unmark
// this window made in the profile shown: exactly, notes, authors and times
// included. With none left it is ErrNothingToUndo (invalid_input).
func (m *Marks) Undo() (MarkResult, error) {
	pr, err := m.current()
	if err != nil {
		return MarkResult{}, err
	}
	e, ok := m.undo.pop(pr.Info().Name)
	if !ok {
		return MarkResult{}, ErrNothingToUndo
	}
	res, err := pr.Undo(context.Background(), e.undo, session.OSUser())
	changed := res.Added + res.Changed + res.Removed
	if err != nil && changed == 0 {
		m.undo.push(e) // nothing was put back: it can be tried again
		return MarkResult{}, err
	}
	out, ferr := m.finish(pr, MarkResult{
		Tag: e.tag, Unmark: e.unmark, Undo: true, Events: e.events,
		Added: res.Added, Changed: res.Changed, Removed: res.Removed,
	}, changed > 0)
	if err != nil {
		return MarkResult{}, err
	}
	return out, ferr
}

// finish fills in what follows a change to the marks, and tells the
// window when there was one.
func (m *Marks) finish(pr *session.Profile, out MarkResult, changed bool) (MarkResult, error) {
	name := pr.Info().Name
	out.Undoable = m.undo.count(name)
	tags, err := tagCounts(pr)
	if err != nil {
		return out, err
	}
	out.Tags = tags
	if changed {
		m.emit.Emit(EventMarksChanged, MarksChange{Profile: name, Tags: tags})
	}
	return out, nil
}

// Tags lists the builtin tags, then the auditor's own in use, each with
// how many events carry it.
func (m *Marks) Tags() ([]TagCount, error) {
	pr, err := m.current()
	if err != nil {
		return nil, err
	}
	return tagCounts(pr)
}

// CheckTag is a tag as a mark keeps it (trimmed), or invalid_input saying
// why it cannot be one: the Mark dialog's check of a new tag's name.
func (m *Marks) CheckTag(tag string) (string, error) {
	t, err := marks.CheckTag(tag)
	if err != nil {
		return "", Invalid(err.Error())
	}
	return t, nil
}

func tagCounts(pr *session.Profile) ([]TagCount, error) {
	s, err := pr.Marks()
	if err != nil {
		return nil, err
	}
	used := s.Tags()
	out := make([]TagCount, 0, len(marks.Builtin)+len(used))
	for _, b := range marks.Builtin {
		out = append(out, TagCount{Tag: b, Builtin: true})
	}
	for _, t := range used {
		if i := slices.Index(marks.Builtin, t.Tag); i >= 0 {
			out[i].N = t.N
			continue
		}
		out = append(out, TagCount{Tag: t.Tag, N: t.N})
	}
	return out, nil
}

// marksOf are an event's marks on the wire, by tag.
func marksOf(s *marks.Set, id string) []MarkInfo {
	ms := s.Of(id)
	out := make([]MarkInfo, len(ms))
	for i, mk := range ms {
		out[i] = MarkInfo{Tag: mk.Tag, Note: mk.Note, By: mk.By, At: rfc3339(mk.At)}
	}
	return out
}

// tagsOf are the tags of an event, by tag.
func tagsOf(s *marks.Set, id string) []string {
	if s == nil || s.Len() == 0 {
		return []string{}
	}
	ms := s.Of(id)
	out := make([]string, len(ms))
	for i, mk := range ms {
		out[i] = mk.Tag
	}
	return out
}
