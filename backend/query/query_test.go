package query

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// compare runs f on ix and on the reference over evs, for every sort both
// ways; full says whether to compare whole events, not only ids.
func compare(t *testing.T, ix *Index, evs []audit.Event, f audit.Filter, full bool, loc *time.Location) {
	t.Helper()
	matched, wantFacets := refQuery(evs, f, audit.Sort{Field: audit.SortTimestamp}, 5)
	for i, field := range audit.SortFields {
		for _, desc := range []bool{false, true} {
			s := audit.Sort{Field: field, Desc: desc}
			res, err := ix.Query(f, s, Options{TopUsers: 5, Location: loc})
			if err != nil {
				t.Fatalf("Query(%+v, %v): %v", f, s, err)
			}
			want := slices.Clone(matched)
			refSort(want, s)
			got := mustRows(t, res, 0, len(evs)+1)
			if res.Total != len(want) || len(got) != len(want) {
				t.Fatalf("Query(%+v, %v): Total %d, %d rows; want %d", f, s, res.Total, len(got), len(want))
			}
			if !slices.Equal(ids(got), ids(want)) {
				t.Fatalf("Query(%+v, %v): rows\n%q\nwant\n%q", f, s, head(ids(got)), head(ids(want)))
			}
			if full || i == 0 {
				for k := range got {
					if !sameEvent(got[k], want[k]) {
						t.Fatalf("Query(%+v, %v): row %d\n%+v\nwant\n%+v", f, s, k, got[k], want[k])
					}
				}
			}
			if i == 0 && !desc {
				if !facetsEqual(res.Facets, wantFacets) {
					t.Fatalf("Query(%+v): facets\n%+v\nwant\n%+v", f, res.Facets, wantFacets)
				}
				if err := checkHistogram(res.Histogram, want, loc); err != nil {
					t.Fatalf("Query(%+v): histogram: %v", f, err)
				}
			}
		}
	}
}

func head(s []string) []string { return s[:min(len(s), 20)] }

func facetsEqual(a, b Facets) bool {
	return slices.Equal(a.Scopes, b.Scopes) && slices.Equal(a.Categories, b.Categories) &&
		slices.Equal(a.Statuses, b.Statuses) && slices.Equal(a.Users, b.Users)
}

func runRandom(t *testing.T, ix *Index, evs []audit.Event, seed uint64, n int, full bool) {
	t.Helper()
	g := newFilterGen(seed, evs)
	locs := []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800)}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		locs = append(locs, ny)
	}
	for range n {
		f, bad := g.filter()
		if bad {
			if _, err := ix.Query(f, audit.DefaultSort, Options{}); !errors.Is(err, audit.ErrBadFilter) {
				t.Fatalf("Query(%+v) = %v; want ErrBadFilter", f, err)
			}
			continue
		}
		compare(t, ix, evs, f, full, locs[g.r.IntN(len(locs))])
	}
}

func TestQueryMatchesReferenceHand(t *testing.T) {
	evs := handEvents()
	// Shuffled: Build must order by (time, id) itself.
	in := slices.Clone(evs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
	ix := buildSlice(t, in)
	for _, term := range fixedTerms {
		compare(t, ix, evs, audit.Filter{Search: term}, true, time.UTC)
	}
	for _, f := range []audit.Filter{
		{},
		{Workspace: "ws-1"},
		{Workspace: ""},
		{Scope: audit.ScopeService, Categories: []string{"AI Notebook"}},
		{Categories: []string{"ai notebook"}},
		{Search: "dừng", Status: audit.StatusSuccess},
		{Search: "\u0110A\u0303 D\u01afNG"},
		{Search: "STRASSE"},
		{Search: "istanbul"},
		{Search: "İstanbul"},
		{Search: "Galaxy"},
		{Search: "pending"},
	} {
		compare(t, ix, evs, f, true, time.UTC)
	}
	runRandom(t, ix, evs, testSeed(t), 300, true)
}

func TestQueryMatchesReferenceSimulator(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 3_000
	}
	evs := append(slices.Clone(simEvents(t, n)), handEvents()...)
	ix := buildSlice(t, evs)
	if ix.Len() != len(evs) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(evs))
	}
	runRandom(t, ix, evs, testSeed(t), 25, false)
}

// The contract's own examples, so a change to folding cannot pass by
// changing the reference too.
func TestSearchExamples(t *testing.T) {
	ix := buildSlice(t, handEvents())
	for _, c := range []struct {
		term string
		want []string
	}{
		{"ĐÃ DỪNG", []string{"h-01", "h-02", "h-09"}},
		{"\u0111a\u0303 d\u01b0\u0300ng", []string{"h-01", "h-02", "h-09"}}, // NFD
		{"strasse", []string{"h-03"}},
		{"σίσυφος", []string{"h-06"}},
		{"обновлена", []string{"h-06"}},
		{"停止", []string{"h-05"}},
		{"🚀", []string{"h-05"}},
		{"da dung", nil}, // not accent-insensitive
		{"  ", []string{"h-08", "h-07", "h-01", "h-02", "h-03", "h-04", "h-09", "h-05", "h-06"}},
	} {
		res, err := ix.Query(audit.Filter{Search: c.term}, audit.Sort{Field: audit.SortTimestamp}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(mustRows(t, res, 0, 100)); !slices.Equal(got, c.want) && (len(got) > 0 || len(c.want) > 0) {
			t.Errorf("search %q = %q, want %q", c.term, got, c.want)
		}
	}
}

func TestQueryRejects(t *testing.T) {
	ix := buildSlice(t, handEvents())
	t1 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		f audit.Filter
		s audit.Sort
	}{
		{audit.Filter{From: t1, To: t1}, audit.DefaultSort},
		{audit.Filter{From: t1, To: t1.Add(-time.Second)}, audit.DefaultSort},
		{audit.Filter{Scope: "billing"}, audit.DefaultSort},
		{audit.Filter{Scope: "Gal\x00axy"}, audit.DefaultSort},
		{audit.Filter{Status: "PENDING\r"}, audit.DefaultSort},
		{audit.Filter{}, audit.Sort{Field: "size"}},
	} {
		if _, err := ix.Query(c.f, c.s, Options{}); !errors.Is(err, audit.ErrBadFilter) {
			t.Errorf("Query(%+v, %v) = %v; want ErrBadFilter", c.f, c.s, err)
		}
	}
}
