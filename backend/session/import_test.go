package session

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// importKillChildEnv, set to "DATA|FILE|PAGES", makes the test binary a
// child that imports FILE into DATA's default case and SIGKILLs itself
// once PAGES pages of it are committed.
const importKillChildEnv = "AUDITDESK_IMPORT_KILL_CHILD"

func importKillChild(spec string) {
	parts := strings.Split(spec, "|")
	pages, _ := strconv.Atoi(parts[2])
	testImportPage = func(n int) {
		if n == pages {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	st, err := settings.Open(parts[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	d := NewDesk(st, slog.New(slog.DiscardHandler))
	if _, err := d.Import(context.Background(), ImportRequest{Files: []string{parts[1]}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(4) // not killed: the test fails
}

// jsonLines writes evs as query --json prints them, to a file.
func jsonLines(t *testing.T, evs []audit.Event, path string) {
	t.Helper()
	var b strings.Builder
	for _, e := range evs {
		m := map[string]any{
			"id": e.ID, "timestamp": e.Time.UTC().Format(audit.TimeLayout), "user": e.User, "scope": e.Scope,
			"category": e.Category, "action": e.Action, "target": e.Target, "status": e.Status,
			"description": e.Description, "workspace": e.Workspace,
		}
		line, _ := json.Marshal(m)
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func caseEvents(t *testing.T, data string) (int64, string) {
	t.Helper()
	st, err := settings.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDesk(st, slog.New(slog.DiscardHandler))
	defer func() { _ = d.Close() }()
	pr, err := d.Find(DefaultCase)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pr.Status()
	if err != nil {
		t.Fatal(err)
	}
	v, err := pr.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.ChainBroken || len(v.Problems) > 0 || v.Events != s.Events {
		t.Fatalf("verify after the kill: %+v", v.VerifyReport)
	}
	ix, err := pr.Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if int64(ix.Len()) != s.Events {
		t.Fatalf("the index holds %d events, the cache %d", ix.Len(), s.Events)
	}
	return s.Events, s.Head.String()
}

// An import killed (SIGKILL) after some of its pages were committed leaves
// the case as it was before that file once it is opened again: the pages
// rolled back, the chain and index whole; importing the file again then
// lands it whole.
func TestImportKilledIsRolledBack(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sim, err := simulator.New(simulator.Config{Events: 6000, Seed: 3, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	evs := sim.Visible(sim.Tokens().Owner, now)
	dir, data := t.TempDir(), t.TempDir()
	first, second := filepath.Join(dir, "first.jsonl"), filepath.Join(dir, "second.jsonl")
	jsonLines(t, evs[:2000], first)
	jsonLines(t, evs[1500:], second) // overlapping, and 5 pages or so

	st, err := settings.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDesk(st, slog.New(slog.DiscardHandler))
	if _, err := d.Import(context.Background(), ImportRequest{Files: []string{first}}); err != nil {
		t.Fatal(err)
	}
	_ = d.Close()
	n0, head0 := caseEvents(t, data)
	if n0 != 2000 {
		t.Fatalf("%d events after the first file, want 2000", n0)
	}

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), importKillChildEnv+"="+data+"|"+second+"|3")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed: %v, %s", err, out)
	}
	n1, head1 := caseEvents(t, data)
	if n1 != n0 || head1 != head0 {
		t.Fatalf("after the kill: %d events, head %s; before the file: %d, %s", n1, head1, n0, head0)
	}

	st, _ = settings.Open(data)
	d = NewDesk(st, slog.New(slog.DiscardHandler))
	res, err := d.Import(context.Background(), ImportRequest{Files: []string{second}})
	_ = d.Close()
	if err != nil || res.Files[0].Err != nil || res.Files[0].New != len(evs)-2000 || res.Files[0].Duplicates != 500 {
		t.Fatalf("the file again: %+v, %v", res.Files, err)
	}
	if n, _ := caseEvents(t, data); n != int64(len(evs)) {
		t.Fatalf("%d events, want %d", n, len(evs))
	}
}

// An import cancelled part way (the window's Cancel, Ctrl+C) is rolled back
// at once: the case as it was, the cancel said.
func TestImportCancelledIsRolledBack(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sim, err := simulator.New(simulator.Config{Events: 4000, Seed: 5, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	evs := sim.Visible(sim.Tokens().Owner, now)
	dir, data := t.TempDir(), t.TempDir()
	first, second := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	jsonLines(t, evs[:1000], first)
	jsonLines(t, evs[1000:], second)
	st, err := settings.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDesk(st, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { testImportPage = nil }()
	testImportPage = func(n int) {
		if n == 2 {
			cancel()
		}
	}
	res, err := d.Import(ctx, ImportRequest{Files: []string{first, second}})
	_ = d.Close()
	if !errors.Is(err, context.Canceled) || len(res.Files) != 2 || res.Files[0].Err != nil || !errors.Is(res.Files[1].Err, context.Canceled) {
		t.Fatalf("a cancelled import: %+v, %v", res.Files, err)
	}
	if n, _ := caseEvents(t, data); n != 1000 {
		t.Fatalf("%d events after the cancel, want the first file's 1000", n)
	}
}

// consoleFile writes evs as the console's CSV export, in the order given.
func consoleFile(t *testing.T, evs []audit.Event, path string) {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"Timestamp", "User", "Scope", "Category", "Action", "Target", "Status", "Description"})
	for _, e := range evs {
		_ = w.Write([]string{e.Time.UTC().Format(time.DateTime), e.User, string(e.Scope), e.Category, e.Action, e.Target, string(e.Status), e.Description})
	}
	w.Flush()
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A first file's index grows as its pages are committed, whichever way the
// file runs in time (a console export lists the newest first, the events
// of one second in no order), and is what an index built from the cache
// would be; a file in no time order is indexed from the cache. An
// overlapping second file's duplicates stay out of it.
func TestImportGrowsTheIndex(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	// Many events a second, so that runs of one instant are common.
	sim, err := simulator.New(simulator.Config{Events: 5000, Seed: 8, Span: time.Hour, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	evs := sim.Visible(sim.Tokens().Owner, now)
	same := 0
	for i := 1; i < len(evs); i++ {
		if evs[i].Time.Truncate(time.Second).Equal(evs[i-1].Time.Truncate(time.Second)) {
			same++
		}
	}
	if same < 100 {
		t.Fatalf("only %d events share their second with the one before: the test shows nothing", same)
	}
	newest := slices.Clone(evs)
	slices.Reverse(newest)
	shuffled := slices.Clone(evs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, tc := range []struct {
		name    string
		evs     []audit.Event
		rebuilt bool
	}{{"newest first", newest, false}, {"oldest first", evs, false}, {"no order", shuffled, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir, data := t.TempDir(), t.TempDir()
			path := filepath.Join(dir, "console.csv")
			consoleFile(t, tc.evs, path)
			st, err := settings.Open(data)
			if err != nil {
				t.Fatal(err)
			}
			var logged lockedLog
			d := NewDesk(st, slog.New(slog.NewTextHandler(&logged, nil)))
			defer func() { _ = d.Close() }()
			res, err := d.Import(context.Background(), ImportRequest{Files: []string{path}})
			if err != nil || res.Files[0].Err != nil || res.Files[0].New != len(evs) {
				t.Fatalf("import: %+v, %v", res.Files, err)
			}
			if got := strings.Contains(logged.String(), "building the query index from the cache"); got != tc.rebuilt {
				t.Fatalf("the index was built from the cache: %v, want %v\n%s", got, tc.rebuilt, logged.String())
			}
			pr := d.Open(res.Profile)
			ix, err := pr.Index(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			cache, done, err := pr.use()
			if err != nil {
				t.Fatal(err)
			}
			defer done()
			built, err := query.Build(context.Background(), scanAll(context.Background(), cache, time.Time{}))
			if err != nil {
				t.Fatal(err)
			}
			sameRows(t, ix, built)
			if _, err := os.Stat(filepath.Join(st.ProfileDir(res.Profile), spillDir)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the import left its index's column files: %v", err)
			}
		})
	}
}

// sameRows fails unless a and b give the same rows, sorted by time and by
// user.
func sameRows(t *testing.T, a, b *query.Index) {
	t.Helper()
	if a.Len() != b.Len() {
		t.Fatalf("%d events, want %d", a.Len(), b.Len())
	}
	for _, s := range []audit.Sort{audit.DefaultSort, {Field: audit.SortUser}} {
		ra, _ := a.Query(audit.Filter{}, s, query.Options{})
		rb, _ := b.Query(audit.Filter{}, s, query.Options{})
		x, errA := ra.Rows(0, ra.Total)
		y, errB := rb.Rows(0, rb.Total)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		for i := range x {
			if !reflect.DeepEqual(x[i], y[i]) {
				t.Fatalf("sorted by %s, row %d: %+v, want %+v", s, i, x[i], y[i])
			}
		}
	}
}
