package query

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/store"
)

func TestRowsWindows(t *testing.T) {
	evs := simEvents(t, 1_000)
	ix := buildSlice(t, evs)
	res, err := ix.Query(audit.Filter{}, audit.Sort{Field: audit.SortTimestamp}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(evs)
	for _, c := range []struct {
		offset, limit int
		want          []audit.Event
	}{
		{0, 200, evs[:200]},
		{200, 200, evs[200:400]},
		{n - 50, 200, evs[n-50:]}, // partial last window
		{n, 200, nil},             // just past the end
		{n + 500, 10, nil},        // far past the end
		{10, 0, nil},              // limit 0
		{10, -3, nil},
		{-5, 3, evs[:3]}, // a negative offset is 0
		{0, n + 100, evs},
	} {
		got := mustRows(t, res, c.offset, c.limit)
		if got == nil || len(got) != len(c.want) {
			t.Fatalf("Rows(%d, %d): %d rows (nil %v), want %d", c.offset, c.limit, len(got), got == nil, len(c.want))
		}
		for i := range got {
			if !sameEvent(got[i], c.want[i]) {
				t.Fatalf("Rows(%d, %d)[%d] = %+v, want %+v", c.offset, c.limit, i, got[i], c.want[i])
			}
		}
	}
	// Rows are copies: changing one changes nothing in the index.
	r := mustRows(t, res, 0, n)
	for i := range r {
		if len(r[i].Details) > 0 {
			r[i].Details[0] = 'X'
			r[i].Workspace = nil
		}
	}
	for i, e := range mustRows(t, res, 0, n) {
		if !sameEvent(e, evs[i]) {
			t.Fatalf("row %d changed through a returned event", i)
		}
	}
}

// A Result belongs to its snapshot: building another Index (here from more
// events) changes nothing in it, and many goroutines may query one Index.
func TestSnapshotAndConcurrency(t *testing.T) {
	evs := simEvents(t, 3_000)
	ix := buildSlice(t, evs[:2_000])
	f := audit.Filter{Search: "e", Status: audit.StatusSuccess}
	res, err := ix.Query(f, audit.Sort{Field: audit.SortUser, Desc: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := mustRows(t, res, 0, res.Total)
	facets, hist := res.Facets, slices.Clone(res.Histogram)

	ix2 := buildSlice(t, evs)
	if _, err := ix2.Query(f, audit.Sort{Field: audit.SortUser, Desc: true}, Options{}); err != nil {
		t.Fatal(err)
	}
	after := mustRows(t, res, 0, res.Total+10)
	if len(after) != len(before) || !facetsEqual(res.Facets, facets) || !slices.Equal(res.Histogram, hist) {
		t.Fatalf("Result changed after a new Build: %d rows, was %d", len(after), len(before))
	}
	for i := range after {
		if !sameEvent(after[i], before[i]) {
			t.Fatalf("row %d changed after a new Build", i)
		}
	}

	want := idsBySort(ix2, f)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 16 {
		wg.Go(func() {
			for k := range len(audit.SortFields) {
				field := audit.SortFields[(g+k)%len(audit.SortFields)]
				if msg := idsChanged(ix2, f, field, Options{Location: time.FixedZone("X", 3600)}, want, "concurrent %s differs"); msg != "" {
					errs <- msg
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestBuildFromStore(t *testing.T) {
	evs := simEvents(t, 5_000)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	for i := 0; i < len(evs); i += 1000 {
		if _, err := st.CommitPage(slices.Clone(evs[i:min(i+1000, len(evs))]), store.Checkpoint{Pages: int64(i/1000 + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	ix, err := Build(ctx, func(fn func(audit.Event) error) error { return st.Scan(ctx, time.Time{}, time.Time{}, fn) })
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != len(evs) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(evs))
	}
	compare(t, ix, evs, audit.Filter{}, true, time.UTC)
	runRandom(t, ix, evs, testSeed(t), 10, true)

	// A cancelled context stops the build.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Build(cctx, func(fn func(audit.Event) error) error { return st.Scan(cctx, time.Time{}, time.Time{}, fn) }); err == nil {
		t.Fatal("Build with a cancelled context succeeded")
	}
}

// A cache keeps scopes and statuses outside the documented sets, and the
// filter finds them: in an index built from a real store, in one read back
// from its file, and in one that had never seen the values until an
// Append. A value no event holds matches nothing, without an error.
func TestFilterOnValuesOutsideTheDocumentedSets(t *testing.T) {
	ctx := context.Background()
	evs := slices.Clone(simEvents(t, 2_000))
	var odd []audit.Event
	for i := range 5 {
		e := evs[100+i*300]
		e.ID, e.Scope, e.Status = "odd-"+e.ID, "Compliance", "PENDING"
		odd = append(odd, e)
	}
	odd[4].Status = audit.StatusFailed // Compliance, but not PENDING
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.CommitPage(append(slices.Clone(evs), odd...), store.Checkpoint{Pages: 1}); err != nil {
		t.Fatal(err)
	}
	built, err := Build(ctx, func(fn func(audit.Event) error) error { return st.Scan(ctx, time.Time{}, time.Time{}, fn) })
	if err != nil {
		t.Fatal(err)
	}
	read, _ := roundTrip(t, built)
	unseen := buildSlice(t, evs)
	appended, err := unseen.Append(odd)
	if err != nil {
		t.Fatal(err)
	}

	// As the window's filter bar and the command line write it.
	f, _, err := audit.FilterText{Scope: " Compliance", Status: "PENDING "}.Parse()
	if err != nil {
		t.Fatalf("--scope Compliance --status PENDING: %v", err)
	}
	want := []string{odd[3].ID, odd[2].ID, odd[1].ID, odd[0].ID} // newest first
	for name, ix := range map[string]*Index{"built from the store": built, "read from its file": read, "appended to": appended} {
		res, err := ix.Query(f, audit.DefaultSort, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := ids(mustRows(t, res, 0, 10)); !slices.Equal(got, want) {
			t.Errorf("%s: Compliance and PENDING found %q, want %q", name, got, want)
		}
		if res.Facets.Statuses[0] != (Count{Value: "PENDING", N: 4}) {
			t.Errorf("%s: status facets %+v", name, res.Facets.Statuses)
		}
		res, err = ix.Query(audit.Filter{Scope: "Compliance"}, audit.DefaultSort, Options{})
		if err != nil || res.Total != 5 {
			t.Errorf("%s: scope Compliance alone: %v, %v; want 5", name, res, err)
		}
	}
	// The index before the Append had never heard of them.
	for _, f := range []audit.Filter{{Scope: "Compliance"}, {Status: "PENDING"}, {Scope: "Galaxy", Status: "IN_PROGRESS"}} {
		if res, err := unseen.Query(f, audit.DefaultSort, Options{}); err != nil || res.Total != 0 {
			t.Errorf("%+v on an index without it: %v, %v; want no rows and no error", f, res, err)
		}
	}
}
