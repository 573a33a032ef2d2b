package session

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// The events a sync brought are marked new, all of them and only them,
// even when the window queried (and so installed a snapshot of part of the
// sync) on the way; a first sync marks none, every event being new.
func TestASyncMarksWhatItBroughtWhateverWasQueriedOnTheWay(t *testing.T) {
	platform := newMovingPlatform(t, 8000, 9)
	c, srv := platform.clock, platform.srv
	st, err := settings.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := NewDesk(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.now = c.Now
	defer func() { _ = d.Close() }()
	token := platform.sim().Tokens().Owner

	// sync syncs, querying the profile (as the window does when the index
	// grows) once it has added 100 events.
	sync := func() (SyncResult, *Profile) {
		t.Helper()
		var pr *Profile
		queried := false
		req := SyncRequest{APIURL: srv.URL, Token: token, PageSize: 100}
		req.OnStart = func(p settings.Profile) { pr = d.Open(p) }
		req.OnProgress = func(p ingest.Progress) {
			if p.New >= 100 && !queried {
				queried = true
				if _, err := pr.Query(context.Background(), audit.Filter{}, audit.DefaultSort, nil); err != nil {
					t.Errorf("a query during the sync: %v", err)
				}
			}
		}
		res, err := d.Sync(context.Background(), req)
		if err != nil || !queried {
			t.Fatalf("sync: %v (queried on the way: %v)", err, queried)
		}
		return res, pr
	}

	first, pr := sync()
	if marks := pr.NewMarks(); len(marks) != 0 {
		t.Errorf("a first sync of %d events marked %d of them new", first.Cache.Events, len(marks))
	}
	seen := map[string]bool{}
	for _, e := range platform.sim().Visible(token, c.Now()) {
		seen[e.ID] = true
	}

	// Two hours on, the platform has more events: those are marked, all of them.
	platform.move(2 * time.Hour)
	second, pr := sync()
	want := map[string]bool{}
	for _, e := range platform.sim().Visible(token, c.Now()) {
		if !seen[e.ID] {
			want[e.ID] = true
		}
	}
	if len(want) < 100 || second.Added == 0 {
		t.Fatalf("the second sync brought %d events (added %d): the test shows nothing", len(want), second.Added)
	}
	marks := pr.NewMarks()
	for id := range want {
		if !marks[id] {
			t.Fatalf("%d of the %d events the sync brought are marked new; %s is not", len(marks), len(want), id)
		}
	}
	if len(marks) != len(want) {
		t.Errorf("%d events marked new, the sync brought %d", len(marks), len(want))
	}
}
