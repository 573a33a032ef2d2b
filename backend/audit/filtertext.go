package audit

import (
	"strings"
	"time"
)

// FilterText is a filter as people write it: times as text, read in a
// time zone. The window's filter bar and the command line's FILTERS both
// go through Parse, so the same input means the same thing in both.
type FilterText struct {
	Search     string   `json:"search"`
	Scope      string   `json:"scope"`
	Categories []string `json:"categories"`
	Actions    []string `json:"actions"`
	Status     string   `json:"status"`
	Users      []string `json:"users"`
	Targets    []string `json:"targets"`
	Workspace  string   `json:"workspace"`
	Tags       []string `json:"tags,omitempty"` // any of
	// From and To are RFC 3339, or YYYY-MM-DD taken as midnight in
	// TimeZone; "" is open.
	From string `json:"from"`
	To   string `json:"to"`
	// TimeZone is an IANA name, UTC or Local; "" is UTC.
	TimeZone string `json:"timeZone"`
}

// Parse validates the text and returns the filter and its time zone;
// errors wrap ErrBadFilter and name the field. Scope and status may be any
// value the cache can hold (Filter.Validate says which are refused); a
// status is case-folded only to a documented one ("failed" is FAILED),
// and any other is kept as written, so the cache's own spelling finds it.
func (ft FilterText) Parse() (Filter, *time.Location, error) {
	loc, err := LoadZone(ft.TimeZone)
	if err != nil {
		return Filter{}, nil, err
	}
	f := Filter{
		Search:     ft.Search,
		Scope:      Scope(strings.TrimSpace(ft.Scope)),
		Categories: nonEmpty(ft.Categories),
		Actions:    nonEmpty(ft.Actions),
		Status:     foldStatus(strings.TrimSpace(ft.Status)),
		Users:      nonEmpty(ft.Users),
		Targets:    nonEmpty(ft.Targets),
		Workspace:  strings.TrimSpace(ft.Workspace),
		Tags:       trimmed(ft.Tags),
	}
	if f.From, err = ParseTime("from", ft.From, loc); err != nil {
		return Filter{}, nil, err
	}
	if f.To, err = ParseTime("to", ft.To, loc); err != nil {
		return Filter{}, nil, err
	}
	if err := f.Validate(); err != nil {
		return Filter{}, nil, err
	}
	return f, loc, nil
}

// foldStatus gives a documented status its spelling, whatever its case.
func foldStatus(s string) Status {
	for _, k := range Statuses {
		if strings.EqualFold(s, string(k)) {
			return k
		}
	}
	return Status(s)
}

// trimmed is nonEmpty with the space around each value taken off, as a
// tag is kept (marks.CheckTag).
func trimmed(vs []string) []string {
	out := nonEmpty(vs)
	for i, v := range out {
		out[i] = strings.TrimSpace(v)
	}
	return out
}

// nonEmpty drops blank values, so an "any of" list with only blanks is no
// filter at all rather than one that matches nothing.
func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// LoadZone reads a time zone name: an IANA name, UTC or Local; "" is UTC.
func LoadZone(name string) (*time.Location, error) {
	switch strings.TrimSpace(name) {
	case "", "UTC", "utc":
		return time.UTC, nil
	case "Local", "local":
		return time.Local, nil
	}
	loc, err := time.LoadLocation(strings.TrimSpace(name))
	if err != nil {
		return nil, badField("tz", "%q is not a time zone; use an IANA name such as Asia/Tokyo, or UTC", name)
	}
	return loc, nil
}
