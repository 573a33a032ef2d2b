package query

import (
	"slices"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func TestIndexOfFindsEveryRowAfterAppend(t *testing.T) {
	evs := simEvents(t, 3000)
	ix := buildSlice(t, evs[:2000])
	ix, err := ix.Append(evs[2000:])
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Query(audit.Filter{Status: audit.StatusFailed}, audit.Sort{Field: audit.SortUser}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := mustRows(t, res, 0, res.Total)
	for i, e := range rows {
		if got := res.IndexOf(e.ID); got != i {
			t.Fatalf("IndexOf(%s) = %d, want %d", e.ID, got, i)
		}
	}
	for _, e := range evs {
		if e.Status == audit.StatusSuccess && res.IndexOf(e.ID) != -1 {
			t.Fatalf("IndexOf(%s) found a SUCCESS event in a FAILED view", e.ID)
		}
	}
	if res.IndexOf("no-such-id") != -1 {
		t.Error("IndexOf found an id that is not there")
	}
}

func TestValuesMatchAReference(t *testing.T) {
	evs := append(simEvents(t, 2000), handEvents()...)
	ix := buildSlice(t, evs)
	for _, c := range []struct {
		field ValueField
		sub   string
		get   func(audit.Event) string
	}{
		{ValueUsers, "", func(e audit.Event) string { return e.User }},
		{ValueUsers, "SATO", func(e audit.Event) string { return e.User }},
		{ValueActions, "notebook", func(e audit.Event) string { return e.Action }},
		{ValueActions, "ДИМА", func(e audit.Event) string { return e.Action }},
		{ValueUsers, "дима", func(e audit.Event) string { return e.User }},
		{ValueCategories, "gpu", func(e audit.Event) string { return e.Category }},
	} {
		want := map[string]int{}
		for _, e := range evs {
			if v := c.get(e); strings.Contains(refFold(v), refFold(c.sub)) {
				want[v]++
			}
		}
		got := ix.Values(c.field, c.sub, 0)
		if len(got) != len(want) {
			t.Fatalf("Values(%s, %q): %d values, want %d", c.field, c.sub, len(got), len(want))
		}
		for i, v := range got {
			if want[v.Value] != v.N {
				t.Fatalf("Values(%s, %q): %s counts %d, want %d", c.field, c.sub, v.Value, v.N, want[v.Value])
			}
			if i > 0 && (got[i-1].N < v.N || got[i-1].N == v.N && got[i-1].Value > v.Value) {
				t.Fatalf("Values(%s, %q) out of order at %d: %v", c.field, c.sub, i, got[i-1:i+1])
			}
		}
		if top := ix.Values(c.field, c.sub, 3); len(want) >= 3 && !slices.Equal(top, got[:3]) {
			t.Errorf("Values(%s, %q, 3) = %v, want %v", c.field, c.sub, top, got[:3])
		}
	}
	if v := ix.Values("colour", "", 0); len(v) != 0 {
		t.Errorf("Values of an unknown column: %v", v)
	}
}

func TestAddedTo(t *testing.T) {
	evs := simEvents(t, 3000)
	old := buildSlice(t, evs[:2500])
	// A sync brings newer events and one late, older event.
	late := evs[2600]
	late.ID, late.Time = "late-1", evs[2400].Time
	next, err := old.Append(append(append([]audit.Event(nil), evs[2500:]...), late))
	if err != nil {
		t.Fatal(err)
	}
	got := next.AddedTo(old)
	want := map[string]bool{"late-1": true}
	for _, e := range evs[2500:] {
		want[e.ID] = true
	}
	if len(got) != len(want) {
		t.Fatalf("AddedTo: %d ids, want %d", len(got), len(want))
	}
	for _, id := range got {
		if !want[id] || old.Has(id) || !next.Has(id) {
			t.Fatalf("AddedTo lists %s", id)
		}
	}
}

// The type-ahead's counts are those of the view: the events the filter
// matches without its own filter on the field, compared with a plain
// count over the reference's matches.
func TestValuesInCountsInTheView(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 4_000)), handEvents()...)
	ix := buildSlice(t, evs)
	g := newFilterGen(testSeed(t), evs)
	checked := 0
	for range 150 {
		f, bad := g.filter()
		if bad {
			continue
		}
		for _, field := range []ValueField{ValueUsers, ValueActions, ValueCategories} {
			sub := ""
			if g.r.IntN(3) == 0 {
				sub = "a"
			}
			got, err := ix.ValuesIn(f, field, sub, 0, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ref := f
			var value func(e audit.Event) string
			switch field {
			case ValueUsers:
				ref.Users, value = nil, func(e audit.Event) string { return e.User }
			case ValueActions:
				ref.Actions, value = nil, func(e audit.Event) string { return e.Action }
			default:
				ref.Categories, value = nil, func(e audit.Event) string { return e.Category }
			}
			want := map[string]int{}
			for _, e := range evs {
				if v := value(e); refMatch(ref, e) && (sub == "" || strings.Contains(refFold(v), sub)) {
					want[v]++
				}
			}
			if w := refCounts(want, 0); !slices.Equal(got, w) {
				t.Fatalf("ValuesIn(%+v, %s, %q): %d values, want %d (%v / %v)", f, field, sub, len(got), len(w), got[:min(3, len(got))], w[:min(3, len(w))])
			}
			checked += len(got)
		}
	}
	if checked == 0 {
		t.Fatal("no filter matched a value: the test shows nothing")
	}
}
