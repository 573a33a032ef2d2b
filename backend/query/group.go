package query

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// GroupField is what a group-by groups events by: a column, or the day,
// week (from Monday) or month of their timestamp in the summary's zone.
type GroupField string

// The fields a group-by takes, named as `query --json` names the columns.
const (
	GroupUser      GroupField = "user"
	GroupScope     GroupField = "scope"
	GroupCategory  GroupField = "category"
	GroupAction    GroupField = "action"
	GroupTarget    GroupField = "target"
	GroupStatus    GroupField = "status"
	GroupWorkspace GroupField = "workspace"
	GroupDay       GroupField = "day"
	GroupWeek      GroupField = "week"
	GroupMonth     GroupField = "month"
)

// GroupFields are the fields a group-by takes, in the order they are
// offered.
var GroupFields = []GroupField{GroupUser, GroupAction, GroupScope, GroupCategory, GroupStatus, GroupTarget, GroupWorkspace, GroupDay, GroupWeek, GroupMonth}

// MaxGroupBy is how many fields one group-by takes.
const MaxGroupBy = 2

// ParseGroupBy reads a comma-separated list of one or two fields ("user",
// "user,status"); an unknown, repeated or third field is an error wrapping
// audit.ErrBadFilter that names the fields there are.
func ParseGroupBy(s string) ([]GroupField, error) {
	var by []GroupField
	for part := range strings.SplitSeq(s, ",") {
		f := GroupField(strings.ToLower(strings.TrimSpace(part)))
		switch {
		case f == "":
			return nil, fmt.Errorf("%w: an empty field in %q", audit.ErrBadFilter, s)
		case !slices.Contains(GroupFields, f):
			return nil, fmt.Errorf("%w: %q is not a field to group by; use %s", audit.ErrBadFilter, part, groupFieldList())
		case slices.Contains(by, f):
			return nil, fmt.Errorf("%w: %q is named twice", audit.ErrBadFilter, part)
		}
		by = append(by, f)
	}
	if len(by) > MaxGroupBy {
		return nil, fmt.Errorf("%w: %d fields; group by one or two", audit.ErrBadFilter, len(by))
	}
	return by, nil
}

func groupFieldList() string {
	names := make([]string, len(GroupFields))
	for i, f := range GroupFields {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// time says whether f groups by a stretch of time.
func (f GroupField) time() (unit, bool) {
	switch f {
	case GroupDay:
		return unit{kDay, 1, day}, true
	case GroupWeek:
		return unit{kWeek, 1, 7 * day}, true
	case GroupMonth:
		return unit{kMonth, 1, 31 * day}, true
	}
	return unit{}, false
}

// Key is one field's value in a group.
type Key struct {
	// Value is the value as the events hold it ("" for none); for a
	// workspace its ID; for a day or a week the first day, YYYY-MM-DD, and
	// for a month YYYY-MM.
	Value string
	// Workspace is the group's workspace (GroupWorkspace), nil for events
	// in none.
	Workspace *audit.Ref
	// From and To bound a day, week or month: From <= timestamp < To, in
	// the summary's zone.
	From, To time.Time
}

// Label is k as people read it, f being the field it is a value of: a
// workspace's name and its ID ("(none)" for events in none), "(empty)"
// for an empty value, else the value. The window, summarize and the
// report's sheets show it.
func (k Key) Label(f GroupField) string {
	switch {
	case f == GroupWorkspace && k.Workspace == nil:
		return "(none)"
	case f == GroupWorkspace:
		name := cmp.Or(k.Workspace.Name, k.Workspace.ID, "(unnamed)")
		if k.Workspace.ID != "" && k.Workspace.ID != name {
			name += " (" + k.Workspace.ID + ")"
		}
		return name
	case k.Value == "":
		return "(empty)"
	}
	return k.Value
}

// Group is the events that share a value of each field grouped by.
type Group struct {
	Keys  []Key // one per field, in the order grouped by
	Count int
}

// Summary is a group-by's answer: the groups by Count descending, then by
// their keys (times in time order, values bytewise), the first Top of them
// when Top is set, and the rest summed.
type Summary struct {
	By         []GroupField
	Total      int // the events grouped: the result's
	Groups     []Group
	Rest       int // events in the groups past Top
	RestGroups int // how many groups those are
}

// GroupBy counts the result's events by one or two fields. top > 0 keeps
// the top groups and sums the rest; loc is where days, weeks and months
// start (nil: UTC). The error is the index's Err when a block holding
// targets is damaged, or a bad field (audit.ErrBadFilter).
func (r *Result) GroupBy(by []GroupField, top int, loc *time.Location) (*Summary, error) {
	if len(by) == 0 || len(by) > MaxGroupBy {
		return nil, fmt.Errorf("query: group by: %w: %d fields; group by one or two", audit.ErrBadFilter, len(by))
	}
	if loc == nil {
		loc = time.UTC
	}
	ix := r.ix
	cols := make([]groupCol, len(by))
	for k, f := range by {
		if !slices.Contains(GroupFields, f) || slices.Contains(by[:k], f) {
			return nil, fmt.Errorf("query: group by: %w: %q", audit.ErrBadFilter, f)
		}
		c, err := ix.groupCol(f, r.rows, loc)
		if err != nil {
			return nil, fmt.Errorf("query: group by: %w", err)
		}
		cols[k] = c
	}
	groups := tallyGroups(cols, len(r.rows))
	s := &Summary{By: by, Total: len(r.rows), Groups: groups}
	slices.SortFunc(s.Groups, func(a, b Group) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		for k := range a.Keys {
			if c := compareKeys(&a.Keys[k], &b.Keys[k]); c != 0 {
				return c
			}
		}
		return 0
	})
	if top > 0 && len(s.Groups) > top {
		for _, g := range s.Groups[top:] {
			s.Rest += g.Count
		}
		s.RestGroups = len(s.Groups) - top
		s.Groups = s.Groups[:top:top]
	}
	return s, nil
}

func compareKeys(a, b *Key) int {
	return cmp.Or(a.From.Compare(b.From), strings.Compare(a.Value, b.Value), strings.Compare(refName(a.Workspace), refName(b.Workspace)))
}

func refName(r *audit.Ref) string {
	if r == nil {
		return ""
	}
	return r.Name
}

// groupCol is one grouped field over a result's rows: each row's code
// (by row: a column of the index; else codes, one per result row, in the
// result's order) and each code's key.
type groupCol struct {
	byRow []uint32 // code of index row i
	codes []uint32 // code of the k-th result row, when byRow is nil
	rows  []uint32
	keys  []Key
}

func (c *groupCol) code(k int) uint32 {
	if c.byRow != nil {
		return c.byRow[c.rows[k]]
	}
	return c.codes[k]
}

func (ix *Index) groupCol(f GroupField, rows []uint32, loc *time.Location) (groupCol, error) {
	dictCol := func(col []uint32, d *dict) groupCol {
		vals := d.values()
		keys := make([]Key, len(vals))
		for c, v := range vals {
			keys[c] = Key{Value: v}
		}
		return groupCol{byRow: col, rows: rows, keys: keys}
	}
	switch f {
	case GroupUser:
		return dictCol(ix.user, ix.userD), nil
	case GroupScope:
		return dictCol(ix.scope, ix.scopeD), nil
	case GroupCategory:
		return dictCol(ix.cat, ix.catD), nil
	case GroupAction:
		return dictCol(ix.act, ix.actD), nil
	case GroupStatus:
		return dictCol(ix.status, ix.statusD), nil
	case GroupWorkspace:
		keys := make([]Key, len(ix.wsD.refs))
		for c := 1; c < len(keys); c++ {
			ref := ix.wsD.refs[c]
			keys[c] = Key{Value: ref.ID, Workspace: &ref}
		}
		return groupCol{byRow: ix.ws, rows: rows, keys: keys}, nil
	case GroupTarget:
		return ix.targetCol(rows)
	}
	u, _ := f.time()
	return ix.timeCol(u, f == GroupMonth, rows, loc), nil
}

// targetCol codes the targets of rows in the order met.
func (ix *Index) targetCol(rows []uint32) (groupCol, error) {
	if !ix.need(textCols...) {
		return groupCol{}, ErrIndexDamaged
	}
	c := groupCol{codes: make([]uint32, len(rows)), rows: rows}
	seen := make(map[string]uint32)
	for k, i := range rows {
		t := ix.shown(int(i), 1)
		if t == nil {
			return groupCol{}, ErrIndexDamaged
		}
		code, ok := seen[string(t)]
		if !ok {
			code = uint32(len(c.keys))
			v := string(t)
			seen[v] = code
			c.keys = append(c.keys, Key{Value: v})
		}
		c.codes[k] = code
	}
	return c, nil
}

// timeCol codes rows by the day, week or month of u they fall in: a row
// inside the stretch of the row before it (rows mostly come in time
// order) costs a comparison.
func (ix *Index) timeCol(u unit, month bool, rows []uint32, loc *time.Location) groupCol {
	c := groupCol{codes: make([]uint32, len(rows)), rows: rows}
	seen := make(map[int64]uint32)
	var from, to int64 // the stretch of code cur
	var cur uint32
	for k, i := range rows {
		ts := ix.ts[i]
		if k == 0 || ts < from || ts >= to {
			start := u.floor(time.Unix(0, ts), loc)
			end := u.next(start, loc)
			from, to = start.UnixNano(), end.UnixNano()
			code, ok := seen[from]
			if !ok {
				code = uint32(len(c.keys))
				seen[from] = code
				layout := time.DateOnly
				if month {
					layout = "2006-01"
				}
				c.keys = append(c.keys, Key{Value: start.Format(layout), From: start, To: end})
			}
			cur = code
		}
		c.codes[k] = cur
	}
	return c
}

// denseGroups bounds the table of counts for two fields: past it, a map.
const denseGroups = 1 << 22

// tallyGroups counts the n result rows by the codes of cols.
func tallyGroups(cols []groupCol, n int) []Group {
	var groups []Group
	group := func(count int, codes ...uint32) {
		g := Group{Keys: make([]Key, len(cols)), Count: count}
		for k, c := range codes {
			g.Keys[k] = cols[k].keys[c]
		}
		groups = append(groups, g)
	}
	if len(cols) == 1 {
		counts := make([]int, len(cols[0].keys))
		c := &cols[0]
		for k := range n {
			counts[c.code(k)]++
		}
		for code, m := range counts {
			if m > 0 {
				group(m, uint32(code))
			}
		}
		return groups
	}
	a, b := &cols[0], &cols[1]
	width := len(b.keys)
	if len(a.keys)*width <= denseGroups {
		counts := make([]int32, len(a.keys)*width)
		for k := range n {
			counts[int(a.code(k))*width+int(b.code(k))]++
		}
		for x, m := range counts {
			if m > 0 {
				group(int(m), uint32(x/width), uint32(x%width))
			}
		}
		return groups
	}
	counts := make(map[uint64]int)
	for k := range n {
		counts[uint64(a.code(k))<<32|uint64(b.code(k))]++
	}
	for x, m := range counts {
		group(m, uint32(x>>32), uint32(x))
	}
	return groups
}
