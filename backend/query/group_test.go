package query

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// refGroupKey is an event's value of f written the obvious way: days,
// weeks and months from the calendar in loc.
func refGroupKey(e audit.Event, f GroupField, loc *time.Location) Key {
	lt := e.Time.In(loc)
	y, m, d := lt.Date()
	switch f {
	case GroupUser:
		return Key{Value: e.User}
	case GroupScope:
		return Key{Value: string(e.Scope)}
	case GroupCategory:
		return Key{Value: e.Category}
	case GroupAction:
		return Key{Value: e.Action}
	case GroupTarget:
		return Key{Value: e.Target}
	case GroupStatus:
		return Key{Value: string(e.Status)}
	case GroupWorkspace:
		if e.Workspace == nil {
			return Key{}
		}
		ref := *e.Workspace
		return Key{Value: ref.ID, Workspace: &ref}
	case GroupDay:
		from := time.Date(y, m, d, 0, 0, 0, 0, loc)
		return Key{Value: from.Format("2006-01-02"), From: from, To: time.Date(y, m, d+1, 0, 0, 0, 0, loc)}
	case GroupWeek:
		back := (int(lt.Weekday()) + 6) % 7 // days since Monday
		from := time.Date(y, m, d-back, 0, 0, 0, 0, loc)
		return Key{Value: from.Format("2006-01-02"), From: from, To: time.Date(y, m, d-back+7, 0, 0, 0, 0, loc)}
	case GroupMonth:
		from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return Key{Value: from.Format("2006-01"), From: from, To: time.Date(y, m+1, 1, 0, 0, 0, 0, loc)}
	}
	panic("no field " + f)
}

// refGroupBy is GroupBy by a plain loop over the matched events and a map.
func refGroupBy(evs []audit.Event, f audit.Filter, by []GroupField, top int, loc *time.Location) *Summary {
	type entry struct {
		keys  []Key
		count int
	}
	m := map[string]*entry{}
	s := &Summary{By: by}
	for _, e := range evs {
		if !refMatch(f, e) {
			continue
		}
		s.Total++
		var keys []Key
		var name strings.Builder
		for _, g := range by {
			k := refGroupKey(e, g, loc)
			keys = append(keys, k)
			fmt.Fprintf(&name, "%q|%d|", k.Value, k.From.UnixNano())
			if k.Workspace != nil {
				fmt.Fprintf(&name, "%q|", k.Workspace.Name)
			}
		}
		if m[name.String()] == nil {
			m[name.String()] = &entry{keys: keys}
		}
		m[name.String()].count++
	}
	for _, e := range m {
		s.Groups = append(s.Groups, Group{Keys: e.keys, Count: e.count})
	}
	slices.SortFunc(s.Groups, func(a, b Group) int {
		c := cmp.Compare(b.Count, a.Count)
		for k := range a.Keys {
			x, y := a.Keys[k], b.Keys[k]
			c = cmp.Or(c, x.From.Compare(y.From), strings.Compare(x.Value, y.Value))
			if x.Workspace != nil && y.Workspace != nil {
				c = cmp.Or(c, strings.Compare(x.Workspace.Name, y.Workspace.Name))
			}
		}
		return c
	})
	if top > 0 && len(s.Groups) > top {
		for _, g := range s.Groups[top:] {
			s.Rest += g.Count
		}
		s.RestGroups = len(s.Groups) - top
		s.Groups = s.Groups[:top]
	}
	return s
}

func sameKey(a, b Key) bool {
	if a.Value != b.Value || !a.From.Equal(b.From) || !a.To.Equal(b.To) || (a.Workspace == nil) != (b.Workspace == nil) {
		return false
	}
	return a.Workspace == nil || *a.Workspace == *b.Workspace
}

// diffSummary says how got differs from want, "" when it does not.
func diffSummary(got, want *Summary) string {
	if got.Total != want.Total || got.Rest != want.Rest || got.RestGroups != want.RestGroups || len(got.Groups) != len(want.Groups) {
		return fmt.Sprintf("total %d rest %d in %d groups, %d groups; want %d, %d in %d, %d groups",
			got.Total, got.Rest, got.RestGroups, len(got.Groups), want.Total, want.Rest, want.RestGroups, len(want.Groups))
	}
	for i := range got.Groups {
		g, w := got.Groups[i], want.Groups[i]
		same := g.Count == w.Count
		for k := range g.Keys {
			same = same && sameKey(g.Keys[k], w.Keys[k])
		}
		if !same {
			return fmt.Sprintf("group %d = %+v, want %+v", i, g, w)
		}
	}
	return ""
}

var groupLocs = func() []*time.Location {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	ny, _ := time.LoadLocation("America/New_York") // days of 23 and 25 hours
	return []*time.Location{time.UTC, tokyo, ny}
}()

func checkGroupBy(t *testing.T, ix *Index, evs []audit.Event, f audit.Filter, by []GroupField, top int, loc *time.Location) {
	t.Helper()
	res, err := ix.Query(f, audit.Sort{Field: audit.SortUser}, Options{}) // not in time order: GroupBy must not rely on it
	if err != nil {
		t.Fatal(err)
	}
	got, err := res.GroupBy(by, top, loc)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffSummary(got, refGroupBy(evs, f, by, top, loc)); d != "" {
		t.Fatalf("group by %v, top %d, in %s, filter %+v: %s", by, top, loc, f, d)
	}
}

func TestGroupByMatchesReferenceHand(t *testing.T) {
	evs := handEvents()
	ix := buildSlice(t, evs)
	for _, a := range GroupFields {
		checkGroupBy(t, ix, evs, audit.Filter{}, []GroupField{a}, 0, time.UTC)
		for _, b := range GroupFields {
			if a != b {
				checkGroupBy(t, ix, evs, audit.Filter{}, []GroupField{a, b}, 3, groupLocs[2])
			}
		}
	}
}

// TestGroupByMatchesReferenceSimulator groups random filters' results by
// random fields, in memory and from a mapped file, against a plain loop.
func TestGroupByMatchesReferenceSimulator(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 3_000
	}
	evs := append(slices.Clone(simEvents(t, n)), handEvents()...)
	path, _ := writeFile(t, buildSlice(t, evs), t.TempDir(), "index.bin")
	mapped, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := newFilterGen(testSeed(t), evs)
	for i := range 60 {
		f, bad := g.filter()
		if bad {
			continue // a filter the query refuses (TestQueryRejects)
		}
		by := []GroupField{GroupFields[g.r.IntN(len(GroupFields))]}
		if i%3 != 0 {
			if b := GroupFields[g.r.IntN(len(GroupFields))]; b != by[0] {
				by = append(by, b)
			}
		}
		top := []int{0, 1, 5, 40}[g.r.IntN(4)]
		checkGroupBy(t, mapped, evs, f, by, top, groupLocs[g.r.IntN(len(groupLocs))])
	}
	// The whole cache by the two widest fields a dense table would hold:
	// past denseGroups, the map.
	checkGroupBy(t, mapped, evs, audit.Filter{}, []GroupField{GroupTarget, GroupUser}, 25, time.UTC)
}

func TestParseGroupBy(t *testing.T) {
	for in, want := range map[string][]GroupField{
		"user":            {GroupUser},
		"User, status":    {GroupUser, GroupStatus},
		"month,workspace": {GroupMonth, GroupWorkspace},
	} {
		got, err := ParseGroupBy(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseGroupBy(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"":                    "an empty field",
		"user,":               "an empty field",
		"size":                `"size" is not a field to group by; use user, action, scope, category, status, target, workspace, day, week, month`,
		"user,user":           `"user" is named twice`,
		"user,status,action":  "3 fields; group by one or two",
		"timestamp":           "is not a field",
		"user;status":         "is not a field",
		"description, status": "is not a field",
	} {
		_, err := ParseGroupBy(in)
		if err == nil || !errors.Is(err, audit.ErrBadFilter) || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseGroupBy(%q) = %v, want an ErrBadFilter saying %q", in, err, msg)
		}
	}
}
