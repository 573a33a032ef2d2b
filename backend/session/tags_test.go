package session

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// TestWindowQueryAndValuesFollowMarks: the window's query (Query, held for
// Rows) and its type-ahead (Values) narrow by a filter's tags as the CLI
// does, and a mark made after the window read the marks is seen at once.
func TestWindowQueryAndValuesFollowMarks(t *testing.T) {
	res, st, _ := syncedClosed(t, simulator.Config{Events: 2000, Seed: 9})
	d := NewDesk(st, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { _ = d.Close() })
	pr := d.Open(res.Profile)
	ctx := context.Background()

	f := audit.Filter{Tags: []string{"finding"}}
	r, err := pr.Query(ctx, f, audit.DefaultSort, time.UTC)
	if err != nil || r.Total != 0 {
		t.Fatalf("before any mark: %v, %d events", err, r.Total)
	}
	all, err := pr.Query(ctx, audit.Filter{Status: audit.StatusFailed}, audit.Sort{Field: audit.SortTimestamp}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := pr.Rows(all, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	if _, err := pr.Mark(ctx, MarkRequest{IDs: ids, Tag: "finding", Note: "look", OSUser: "me"}); err != nil {
		t.Fatal(err)
	}
	r, err = pr.Query(ctx, f, audit.Sort{Field: audit.SortTimestamp}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pr.Rows(r, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, e := range got {
		gotIDs = append(gotIDs, e.ID)
	}
	if !slices.Equal(gotIDs, ids) {
		t.Fatalf("the window's query by tag: %v, want %v", gotIDs, ids)
	}
	vals, err := pr.Values(ctx, audit.Filter{Tags: []string{"finding"}}, query.ValueUsers, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vals {
		n += v.N
	}
	if n != len(ids) {
		t.Errorf("the type-ahead counts %d users' events among the tagged, want %d", n, len(ids))
	}
}

// TestUndoPutsMarksBackExactly: an undo of a mark takes off what it added
// and gives back the notes it replaced, who and when included; an undo of
// an unmark puts the marks back; each is a write the activity log
// records, so verify stays OK.
func TestUndoPutsMarksBackExactly(t *testing.T) {
	res, st, _ := syncedClosed(t, simulator.Config{Events: 500, Seed: 4})
	d := NewDesk(st, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { _ = d.Close() })
	pr := d.Open(res.Profile)
	ctx := context.Background()
	all, err := pr.Query(ctx, audit.Filter{}, audit.Sort{Field: audit.SortTimestamp}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := pr.Rows(all, 0, 4)
	ids := []string{evs[0].ID, evs[1].ID, evs[2].ID, evs[3].ID}
	if _, err := pr.Mark(ctx, MarkRequest{IDs: ids[:2], Tag: "finding", Note: "first", OSUser: "alice"}); err != nil {
		t.Fatal(err)
	}
	set, _ := pr.Marks()
	before := set.All()

	// A new note on two, and two more events: undone, the first two have
	// their note and author back and the others no mark.
	r, err := pr.Mark(ctx, MarkRequest{IDs: ids, Tag: "finding", Note: "second", OSUser: "bob"})
	if err != nil || r.Added != 2 || r.Changed != 2 || r.Undo.Events() != 4 {
		t.Fatalf("mark: %+v, %v", r, err)
	}
	if u, err := pr.Undo(ctx, r.Undo, "bob"); err != nil || u.Removed != 2 || u.Changed != 2 {
		t.Fatalf("undo: %+v, %v", u, err)
	}
	set, _ = pr.Marks()
	if got := set.All(); !slices.Equal(got, before) {
		t.Fatalf("after undo %+v, want %+v", got, before)
	}

	// An unmark, undone.
	r, err = pr.Mark(ctx, MarkRequest{IDs: ids[:1], Tag: "finding", Unmark: true, OSUser: "bob"})
	if err != nil || r.Removed != 1 {
		t.Fatalf("unmark: %+v, %v", r, err)
	}
	if _, err := pr.Undo(ctx, r.Undo, "bob"); err != nil {
		t.Fatal(err)
	}
	set, _ = pr.Marks()
	if got := set.All(); !slices.Equal(got, before) {
		t.Fatalf("after undoing the unmark %+v, want %+v", got, before)
	}
	v, err := pr.Verify(ctx)
	if err != nil || !v.Marks.OK {
		t.Fatalf("verify after undos: %+v, %v", v.Marks, err)
	}
}
