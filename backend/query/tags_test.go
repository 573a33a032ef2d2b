package query

import (
	"slices"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// TestTagsFilterMatchesReference: a filter's tags, resolved to the IDs of
// the events carrying them (Options.Tagged), narrow a query as the plain
// loop says, with any other filter, and a tag no event carries, or no
// resolver at all, matches nothing.
func TestTagsFilterMatchesReference(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 5_000)), handEvents()...)
	path, _ := writeFile(t, buildSlice(t, evs), t.TempDir(), "index.bin")
	ix, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := newFilterGen(testSeed(t), evs)
	tags := []string{"finding", "reviewed", "Q4"}
	marked := map[string][]string{} // tag -> ids
	for _, tag := range tags {
		for range 1 + g.r.IntN(300) {
			marked[tag] = append(marked[tag], evs[g.r.IntN(len(evs))].ID)
		}
	}
	marked["finding"] = append(marked["finding"], "not-in-the-index")
	tagged := func(want []string) []string {
		var ids []string
		for _, tag := range want {
			ids = append(ids, marked[tag]...)
		}
		return ids
	}
	for range 80 {
		f, bad := g.filter()
		if bad {
			continue
		}
		f.Tags = []string{tags[g.r.IntN(len(tags))]}
		if g.r.IntN(3) == 0 {
			f.Tags = append(f.Tags, "unused")
		}
		res, err := ix.Query(f, audit.DefaultSort, Options{Tagged: tagged})
		if err != nil {
			t.Fatal(err)
		}
		carry := tagged(f.Tags)
		var want []string
		for _, e := range evs {
			if slices.Contains(carry, e.ID) && refMatch(f, e) {
				want = append(want, e.ID)
			}
		}
		got := ids(mustRows(t, res, 0, res.Total))
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("filter %+v: %d events, want %d", f, len(got), len(want))
		}
	}
	for _, opts := range []Options{{}, {Tagged: tagged}} {
		res, err := ix.Query(audit.Filter{Tags: []string{"unused"}}, audit.DefaultSort, opts)
		if err != nil || res.Total != 0 {
			t.Fatalf("an unused tag: %v, %d events", err, res.Total)
		}
	}
}
