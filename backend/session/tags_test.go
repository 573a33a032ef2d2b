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
