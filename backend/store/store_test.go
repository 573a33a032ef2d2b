package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func scanAll(t *testing.T, s *Store, from, to time.Time) []audit.Event {
	t.Helper()
	var out []audit.Event
	if err := s.Scan(context.Background(), from, to, func(e audit.Event) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return out
}

func TestRoundTripHostileEvents(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	want := hostileEvents()
	st, err := s.CommitPage(want, Checkpoint{Pages: 1, Events: int64(len(want))})
	if err != nil || st.New != len(want) || st.Duplicates != 0 {
		t.Fatalf("CommitPage = %+v, %v", st, err)
	}
	check := func(s *Store) {
		for _, w := range want {
			got, ok, err := s.Get(w.ID)
			if err != nil || !ok || !equalEvent(got, w) {
				t.Fatalf("Get(%.20s) = %v %v\n got %#v\nwant %#v", w.ID, ok, err, got, w)
			}
		}
		if _, ok, err := s.Get("nope"); ok || err != nil {
			t.Fatalf("Get(nope) = %v, %v", ok, err)
		}
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check(openT(t, dir)) // reopen keeps everything
}

func TestDedupe(t *testing.T) {
	s := openT(t, t.TempDir())
	g := newRealistic(3)
	p1 := g.page(10)
	page := append(append([]audit.Event{}, p1...), p1[0], p1[3], p1[3]) // duplicates within the page
	st, err := s.CommitPage(page, Checkpoint{Pages: 1})
	if err != nil || !reflect.DeepEqual(st, PageStats{New: 10, Duplicates: 3, Added: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
		t.Fatalf("page 1: %+v, %v", st, err)
	}
	p2 := append(g.page(5), p1[1], p1[2], p1[9]) // duplicates of the cache
	st, err = s.CommitPage(p2, Checkpoint{Pages: 2})
	if err != nil || !reflect.DeepEqual(st, PageStats{New: 5, Duplicates: 3, Added: []int{0, 1, 2, 3, 4}}) {
		t.Fatalf("page 2: %+v, %v", st, err)
	}
	st, err = s.CommitPage(p1, Checkpoint{Pages: 3})
	if err != nil || !reflect.DeepEqual(st, PageStats{New: 0, Duplicates: 10}) {
		t.Fatalf("page 3: %+v, %v", st, err)
	}
	stats, err := s.Stats()
	if err != nil || stats.Events != 15 {
		t.Fatalf("Stats = %+v, %v", stats, err)
	}
	if e, i := keyCount(t, s, prefixEvent), keyCount(t, s, prefixID); e != 15 || i != 0 {
		t.Fatalf("keys: %d e, %d i", e, i)
	}
	if !stats.Oldest.Equal(p1[0].Time) || !stats.Newest.Equal(p2[4].Time) {
		t.Fatalf("Oldest/Newest %v %v", stats.Oldest, stats.Newest)
	}
}

func TestScanOrderAndBounds(t *testing.T) {
	s := openT(t, t.TempDir())
	var evs []audit.Event
	// Committed out of order, three per timestamp, ids not in insertion order.
	for i := 9; i >= 0; i-- {
		for _, id := range []string{"c", "a", "b"} {
			evs = append(evs, audit.Event{ID: fmt.Sprintf("%d-%s", i, id), Time: t0.Add(time.Duration(i) * time.Second), User: id})
		}
	}
	evs = append(evs, audit.Event{ID: "old", Time: time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)})
	if _, err := s.CommitPage(evs[:15], Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitPage(evs[15:], Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	all := scanAll(t, s, time.Time{}, time.Time{})
	if len(all) != len(evs) || all[0].ID != "old" {
		t.Fatalf("scan: %d events, first %q", len(all), all[0].ID)
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.Time.After(b.Time) || (a.Time.Equal(b.Time) && a.ID >= b.ID) {
			t.Fatalf("order: %s@%v before %s@%v", a.ID, a.Time, b.ID, b.Time)
		}
	}
	ids := func(es []audit.Event) string {
		var b strings.Builder
		for _, e := range es {
			b.WriteString(e.ID + " ")
		}
		return b.String()
	}
	tests := []struct {
		from, to time.Time
		want     string
	}{
		{t0.Add(3 * time.Second), t0.Add(5 * time.Second), "3-a 3-b 3-c 4-a 4-b 4-c "}, // to is exclusive
		{t0.Add(8 * time.Second), time.Time{}, "8-a 8-b 8-c 9-a 9-b 9-c "},
		{time.Time{}, t0, "old "},
		{t0.Add(3*time.Second + 1), t0.Add(4 * time.Second), ""},
		{time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), ids(all)},
	}
	for _, tt := range tests {
		if got := ids(scanAll(t, s, tt.from, tt.to)); got != tt.want {
			t.Errorf("Scan(%v, %v) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := s.Scan(context.Background(), time.Time{}, time.Time{}, func(audit.Event) error {
		if n++; n == 4 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 4 {
		t.Fatalf("fn error: %v after %d", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Scan(ctx, time.Time{}, time.Time{}, func(audit.Event) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled scan: %v", err)
	}
}

func TestCheckpointAtomicWithPage(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	if _, ok, err := s.Checkpoint(); ok || err != nil {
		t.Fatalf("fresh Checkpoint: %v %v", ok, err)
	}
	g := newRealistic(4)
	p1 := g.page(100)
	cp1 := Checkpoint{WindowStart: t0, Cursor: "cur-1", SyncedAt: t0.Add(time.Hour), Pages: 1, Events: 100}
	v0 := s.db.MaxVersion()
	if _, err := s.CommitPage(p1, cp1); err != nil {
		t.Fatal(err)
	}
	// Badger gives every committed transaction the next version.
	if v := s.db.MaxVersion(); v != v0+1 {
		t.Fatalf("CommitPage took %d transactions, want 1", v-v0)
	}
	got, ok, err := s.Checkpoint()
	cp1.Newest = p1[99].Time // raised to the newest event held
	if err != nil || !ok || got != cp1 {
		t.Fatalf("Checkpoint = %+v %v %v, want %+v", got, ok, err, cp1)
	}
	// A page with an invalid event writes nothing: neither events nor checkpoint.
	bad := append(g.page(10), audit.Event{ID: "", Time: t0})
	if _, err := s.CommitPage(bad, Checkpoint{Cursor: "cur-2", Pages: 2}); !errors.Is(err, audit.ErrInvalidEvent) {
		t.Fatalf("invalid page: %v", err)
	}
	if _, ok, _ := s.Get(bad[0].ID); ok {
		t.Fatal("event of a refused page stored")
	}
	if got, _, _ := s.Checkpoint(); got != cp1 {
		t.Fatalf("checkpoint moved by a refused page: %+v", got)
	}
	// Same for a page too big for one transaction.
	huge := newRealistic(5).page(40000)
	if _, err := s.CommitPage(huge, Checkpoint{Cursor: "cur-3"}); !errors.Is(err, ErrPageTooBig) {
		t.Fatalf("huge page: %v", err)
	}
	stats, _ := s.Stats()
	if got, _, _ := s.Checkpoint(); got != cp1 || stats.Events != 100 || keyCount(t, s, prefixEvent) != 100 {
		t.Fatalf("after refused huge page: %+v, %d events", got, stats.Events)
	}
	if !stats.LastSync.Equal(cp1.SyncedAt) {
		t.Fatalf("LastSync %v", stats.LastSync)
	}
	_ = s.Close()
	if got, _, _ := openT(t, dir).Checkpoint(); got != cp1 {
		t.Fatalf("after reopen: %+v", got)
	}
}

// TestCommitPageWorstCase: 1000 events of any size the API allows fit in
// one transaction with the chosen MemTableSize and ValueThreshold.
func TestCommitPageWorstCase(t *testing.T) {
	s := openT(t, t.TempDir())
	big := make([]audit.Event, 1000)
	for i := range big {
		big[i] = audit.Event{
			ID: fmt.Sprintf("big-%d", i), Time: t0, User: "u@example.com",
			Description: strings.Repeat("ü", 2048), Details: []byte(`"` + strings.Repeat("d", 16*1024-2) + `"`),
		}
	}
	// Values just under the threshold stay in the LSM tree: the costliest case.
	inline := make([]audit.Event, 1000)
	for i := range inline {
		id := fmt.Sprintf("%0*d", audit.MaxIDLen, i)
		inline[i] = audit.Event{ID: id, Time: t0, Description: strings.Repeat("x", 1000)}
		if n := len(appendEventValue(nil, &inline[i])); n >= 1<<10 {
			t.Fatalf("inline value of %d bytes", n)
		}
	}
	for name, page := range map[string][]audit.Event{"big": big, "inline": inline} {
		st, err := s.CommitPage(page, Checkpoint{})
		if err != nil || st.New != 1000 {
			t.Fatalf("%s page: %+v, %v", name, st, err)
		}
	}
	if e, ok, err := s.Get("big-999"); !ok || err != nil || !equalEvent(e, big[999]) {
		t.Fatalf("Get big-999: %v %v", ok, err)
	}
}

func TestMeta(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	if _, ok, err := s.Meta("identity"); ok || err != nil {
		t.Fatalf("missing meta: %v %v", ok, err)
	}
	if err := s.SetMeta("identity", []byte(`{"user":"a@b.c"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta("", nil); err == nil {
		t.Fatal("empty meta key accepted")
	}
	_ = s.Close()
	if v, ok, err := openT(t, dir).Meta("identity"); !ok || err != nil || string(v) != `{"user":"a@b.c"}` {
		t.Fatalf("Meta after reopen = %q %v %v", v, ok, err)
	}
}

func TestFileModesOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	s := openT(t, dir)
	if _, err := s.CommitPage(newRealistic(6).page(1000), Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("ReadDir: %d, %v", len(entries), err)
	}
	for _, e := range entries {
		info, _ := e.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", e.Name(), info.Mode())
		}
	}
	if info, _ := os.Stat(dir); info.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", info.Mode())
	}
}

func TestClosed(t *testing.T) {
	s := openT(t, t.TempDir())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.CommitPage(nil, Checkpoint{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("CommitPage after Close: %v", err)
	}
	if _, err := s.Stats(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Stats after Close: %v", err)
	}
}

// TestLogging: Badger writes nothing to stdout or stderr; with WithLogger
// its lines go to slog.
func TestLogging(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	s, err := Open(t.TempDir())
	if err == nil {
		_, err = s.CommitPage(newRealistic(8).page(10), Checkpoint{})
		err = errors.Join(err, s.Close())
	}
	os.Stdout, os.Stderr = oldOut, oldErr
	_ = w.Close()
	out, _ := io.ReadAll(r)
	if err != nil || len(out) > 0 {
		t.Fatalf("err %v; output %q", err, out)
	}

	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s = openT(t, t.TempDir(), WithLogger(l))
	_ = s.Close()
	if !strings.Contains(buf.String(), "badger: ") {
		t.Fatalf("no Badger lines in slog: %q", buf.String())
	}
}

// TestValueLogGC runs the GC loop often while commits go on; Close stops it.
func TestValueLogGC(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, WithGCInterval(5*time.Millisecond), smallVlog())
	for p := 1; p <= 20; p++ {
		page := make([]audit.Event, 20)
		for i := range page {
			page[i] = audit.Event{
				ID: fmt.Sprintf("gc-%d-%d", p, i), Time: t0.Add(time.Duration(p*100+i) * time.Second),
				Details: []byte(strings.Repeat("z", 8<<10)),
			}
		}
		if _, err := s.CommitPage(page, Checkpoint{Pages: int64(p)}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openT(t, dir)
	if st, err := s.Stats(); err != nil || st.Events != 400 || len(scanAll(t, s, time.Time{}, time.Time{})) != 400 {
		t.Fatalf("after GC: %+v %v", st, err)
	}
}

func smallVlog() Option {
	return func(c *config) {
		c.tune = func(o badger.Options) badger.Options { return o.WithValueLogFileSize(1 << 20) }
	}
}
