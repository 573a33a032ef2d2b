package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Filter is what the auditor narrows the events to: the same semantics in
// the window's filter bar, `auditdesk query` and `auditdesk export`.
// Zero values mean "any".
type Filter struct {
	// Search is a case-insensitive substring of user, scope, category,
	// action, target or description.
	Search string `json:"search,omitempty"`
	// Scope and Status match exactly, and may be values outside Scopes
	// and Statuses (see Validate).
	Scope      Scope    `json:"scope,omitempty"`
	Categories []string `json:"categories,omitempty"` // any of
	Actions    []string `json:"actions,omitempty"`    // any of
	Status     Status   `json:"status,omitempty"`
	Users      []string `json:"users,omitempty"`     // any of
	Targets    []string `json:"targets,omitempty"`   // any of, each the whole target
	Workspace  string   `json:"workspace,omitempty"` // a workspace id
	// Tags are the auditor's own marks (backend/marks), any of: they live
	// beside the cache, so a query resolves them through its options.
	Tags []string `json:"tags,omitempty"`
	// From is inclusive, To exclusive.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// IsZero says whether f filters nothing: every event matches.
func (f Filter) IsZero() bool {
	return f.Search == "" && f.Scope == "" && len(f.Categories) == 0 && len(f.Actions) == 0 && f.Status == "" &&
		len(f.Users) == 0 && len(f.Targets) == 0 && f.Workspace == "" && f.From.IsZero() && f.To.IsZero() && len(f.Tags) == 0
}

// ErrBadFilter is wrapped by every filter and sort validation error.
var ErrBadFilter = errors.New("bad filter")

func badField(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrBadFilter, field, fmt.Sprintf(format, args...))
}

// Validate reports the first bad value, naming its field.
func (f Filter) Validate() error {
	if err := openValue("scope", string(f.Scope), Scopes); err != nil {
		return err
	}
	if err := openValue("status", string(f.Status), Statuses); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return badField("to", "%s is not after from (%s)", f.To.Format(time.RFC3339), f.From.Format(time.RFC3339))
	}
	return nil
}

// openValue checks a scope or a status. Both are open sets: the cache keeps
// the values the platform served, documented or not (event.go), so a
// filter may name any value, and one the cache does not hold matches
// nothing, which is the right answer. Refused are values that cannot be
// meant: text that is not UTF-8 or holds a control character (a paste
// accident; the error quotes it), and a documented value in the wrong case
// ("billing"), a typo that would silently match nothing.
func openValue[T ~string](field, v string, known []T) error {
	if v == "" {
		return nil
	}
	if !utf8.ValidString(v) {
		return badField(field, "%q is not UTF-8 text", v)
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return badField(field, "%q holds a control character", v)
	}
	for _, k := range known {
		if v != string(k) && strings.EqualFold(v, string(k)) {
			return badField(field, "%q is not a %s; did you mean %s?", v, field, k)
		}
	}
	return nil
}

// SortField is a column the events can be sorted by.
type SortField string

// The sortable columns.
const (
	SortTimestamp   SortField = "timestamp"
	SortUser        SortField = "user"
	SortScope       SortField = "scope"
	SortCategory    SortField = "category"
	SortAction      SortField = "action"
	SortTarget      SortField = "target"
	SortStatus      SortField = "status"
	SortDescription SortField = "description"
	SortWorkspace   SortField = "workspace"
	SortID          SortField = "id"
	SortSourceIP    SortField = "source_ip"
)

// SortFields lists every sortable column.
var SortFields = []SortField{SortTimestamp, SortUser, SortScope, SortCategory, SortAction, SortTarget, SortStatus, SortDescription, SortWorkspace, SortID, SortSourceIP}

// Sort orders the events by one column; ties are broken by (timestamp, id)
// in the same direction, so every order is total and stable.
type Sort struct {
	Field SortField `json:"field"`
	Desc  bool      `json:"desc,omitempty"`
}

// DefaultSort is the console's order: newest first.
var DefaultSort = Sort{Field: SortTimestamp, Desc: true}

// ParseSort reads FIELD[:asc|desc]; an empty string is DefaultSort, and a
// field alone sorts ascending.
func ParseSort(s string) (Sort, error) {
	if s == "" {
		return DefaultSort, nil
	}
	field, dir, hasDir := strings.Cut(strings.ToLower(strings.TrimSpace(s)), ":")
	out := Sort{Field: SortField(field)}
	valid := false
	for _, f := range SortFields {
		valid = valid || out.Field == f
	}
	if !valid {
		names := make([]string, len(SortFields))
		for i, f := range SortFields {
			names[i] = string(f)
		}
		return Sort{}, badField("sort", "%q is not a column; use one of %s", field, strings.Join(names, ", "))
	}
	switch {
	case !hasDir || dir == "asc":
	case dir == "desc":
		out.Desc = true
	default:
		return Sort{}, badField("sort", "direction %q is not asc or desc", dir)
	}
	return out, nil
}

// String is the FIELD:asc|desc form ParseSort reads.
func (s Sort) String() string {
	if s.Desc {
		return string(s.Field) + ":desc"
	}
	return string(s.Field) + ":asc"
}

// ParseTime reads a filter's time: RFC 3339, or a date YYYY-MM-DD taken as
// its midnight in loc (UTC when nil). field names the flag in errors.
func ParseTime(field, s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, badField(field, "%q is not a date (YYYY-MM-DD) or an RFC 3339 time (2026-11-20T10:31:02Z)", s)
}
