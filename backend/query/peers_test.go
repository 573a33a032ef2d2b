package query

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// BenchmarkPeers runs the same queries, in the same run, on the index and
// on two peers over the same rows, each peer timed as a whole process the
// way a user would run it:
//
//   - sqlite3 (the CLI, Debian's package, installed by the Makefile): a
//     table events(id, ts, user, scope, category, action, target, status,
//     description, workspace) with indexes on ts, scope, category, status
//     and user, and ANALYZE run, built once per run (not timed);
//     `sqlite3 -readonly db 'SELECT count(*) FROM events WHERE ...'`;
//   - grep over a JSONL copy of the events: `grep -i -F -c TERM`, in the
//     environment's locale (C.UTF-8 on the build machines).
//
// The queries (terms picked from the simulator's data, seed 7; at 200,000
// events the share is nearly the same at any N as the terms come from
// fixed vocabularies):
//
//   - A: a search matching ~1% of events: "WHISPER-JA", a model name of
//     the simulator's inference endpoints (2,048 of 200,000 rows, 1.02%;
//     almost all in descriptions, a few in targets). sqlite tests
//     lower(field) LIKE '%whisper-ja%' over the six searched fields
//     (user, scope, category, action, target, description), as the index
//     does; grep counts lines, which is at least the index's count (it
//     also sees ids, workspace, details), so it is reported, not checked.
//   - B: status FAILED and scope Billing (no search). No grep.
//   - C: status FAILED and a search: "H100", a GPU type in descriptions
//     (and in GPU-quota targets), 486 of 200,000 rows (0.24%). sqlite:
//     status='FAILED' AND the same six-field LIKE as A; grep: a pipeline,
//     `grep -i -F TERM | grep -c -F '"status":"FAILED"'`, at least the
//     index's count like A.
//
// Terms are ASCII on purpose: the index folds Unicode fully (NFC, then
// full case folding: "K" Kelvin sign, "ſ", "ﬁ" all fold to ASCII), while
// sqlite's lower() and LIKE fold ASCII only, so a non-ASCII term (or an
// ASCII term matching such folded text) would make the counts differ for
// reasons that are not bugs. The benchmark fails if the index and sqlite
// disagree on any count.
//
// Each peer runs once to check and warm the page cache, then
// peerRuns times, and reports the median; the index's Query is timed
// indexRuns times (or for indexBudget), median too. Metrics: index-X-ms,
// sqlite-X-ms, grep-X-ms, sqlite/index-X and grep/index-X. The goal of
// the issue is sqlite/index >= 10 for searches (A and C).
//
//	go test -run '^$' -bench Peers -benchtime 1x ./backend/query/
//	AUDITDESK_BENCH_EVENTS=1000000 go test -run '^$' -bench Peers -benchtime 1x ./backend/query/
func BenchmarkPeers(b *testing.B) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Fatalf("BenchmarkPeers needs the sqlite3 CLI on PATH (Debian: apt-get install sqlite3; the Makefile installs it): %v", err)
	}
	grep, err := exec.LookPath("grep")
	if err != nil {
		b.Fatalf("BenchmarkPeers needs grep on PATH: %v", err)
	}

	ix, evs := benchIndex(b)
	dir := b.TempDir()
	start := time.Now()
	db := buildPeerSQLite(b, sqlite, dir, evs)
	b.Logf("sqlite3 database of %d events built in %v", len(evs), time.Since(start).Round(time.Millisecond))
	jsonl := filepath.Join(dir, "events.jsonl")
	writePeerJSONL(b, jsonl, evs)

	const (
		termA = "WHISPER-JA"
		termC = "H100"
	)
	failed := `"status":"FAILED"`
	queries := []peerQuery{
		{
			name:   "A",
			filter: audit.Filter{Search: termA},
			sql:    "SELECT count(*) FROM events WHERE " + sqlSearch(b, termA),
			grep:   []string{grep, "-i", "-F", "-c", "--", termA, jsonl},
		},
		{
			name:   "B",
			filter: audit.Filter{Status: audit.StatusFailed, Scope: audit.ScopeBilling},
			sql:    "SELECT count(*) FROM events WHERE status='FAILED' AND scope='Billing'",
		},
		{
			name:   "C",
			filter: audit.Filter{Status: audit.StatusFailed, Search: termC},
			sql:    "SELECT count(*) FROM events WHERE status='FAILED' AND (" + sqlSearch(b, termC) + ")",
			grep: []string{"sh", "-c", fmt.Sprintf("%s -i -F -- %s %s | %s -c -F -- %s",
				grep, shQuote(termC), shQuote(jsonl), grep, shQuote(failed))},
		},
	}
	for _, q := range queries {
		plan := runPeer(b, sqlite, "-readonly", db, "EXPLAIN QUERY PLAN "+q.sql)
		b.Logf("%s: sqlite plan: %s", q.name, strings.Join(strings.Fields(plan), " "))
	}

	for b.Loop() {
		for i := range queries {
			queries[i].measure(b, sqlite, db, ix)
		}
	}
	// What any sqlite3 process costs (start, open, schema): B and C spend
	// most of their time here, so their ratios are whole-process ones.
	floor := make([]time.Duration, peerRuns)
	for i := range floor {
		s := time.Now()
		runPeer(b, sqlite, "-readonly", db, "SELECT count(*) FROM events WHERE rowid=1")
		floor[i] = time.Since(s)
	}
	b.Logf("a sqlite3 process reading one row: %.1f ms", peerMS(peerMedian(floor)))
	for _, q := range queries {
		b.ReportMetric(peerMS(q.index), "index-"+q.name+"-ms")
		b.ReportMetric(peerMS(q.sqlite), "sqlite-"+q.name+"-ms")
		b.ReportMetric(float64(q.sqlite)/float64(q.index), "sqlite/index-"+q.name)
		line := fmt.Sprintf("%s: %d rows of %d; index %.3f ms; sqlite %.1f ms (x%.1f)",
			q.name, q.n, len(evs), peerMS(q.index), peerMS(q.sqlite), float64(q.sqlite)/float64(q.index))
		if q.grep != nil {
			b.ReportMetric(peerMS(q.grepT), "grep-"+q.name+"-ms")
			b.ReportMetric(float64(q.grepT)/float64(q.index), "grep/index-"+q.name)
			line += fmt.Sprintf("; grep %.1f ms (%d lines, x%.1f)", peerMS(q.grepT), q.grepN, float64(q.grepT)/float64(q.index))
		}
		b.Log(line)
	}
}

const (
	peerRuns    = 5                      // timed runs of each peer process
	indexRuns   = 50                     // timed Query calls at most...
	indexBudget = 500 * time.Millisecond // ...or until this is spent (at least 3)
)

type peerQuery struct {
	name   string
	filter audit.Filter
	sql    string   // counts the matches
	grep   []string // prints a count of lines; nil: not applicable

	n                    int // the index's count, which sqlite's must equal
	grepN                int
	index, sqlite, grepT time.Duration // medians
}

func (q *peerQuery) measure(b *testing.B, sqlite, db string, ix *Index) {
	var times []time.Duration
	for t0 := time.Now(); len(times) < indexRuns && (len(times) < 3 || time.Since(t0) < indexBudget); {
		s := time.Now()
		res, err := ix.Query(q.filter, audit.DefaultSort, Options{})
		times = append(times, time.Since(s))
		if err != nil {
			b.Fatal(err)
		}
		q.n = res.Total
	}
	q.index = peerMedian(times)

	count := func(args ...string) int {
		out := runPeer(b, args[0], args[1:]...)
		n, err := strconv.Atoi(strings.TrimSpace(out))
		if err != nil {
			b.Fatalf("%s: %s printed %q, not a count", q.name, filepath.Base(args[0]), out)
		}
		return n
	}
	timed := func(args ...string) (int, time.Duration) {
		n := count(args...) // checks, and warms the page cache
		times := make([]time.Duration, peerRuns)
		for i := range times {
			s := time.Now()
			count(args...)
			times[i] = time.Since(s)
		}
		return n, peerMedian(times)
	}

	var n int
	n, q.sqlite = timed(sqlite, "-readonly", db, q.sql)
	if n != q.n {
		b.Fatalf("%s (%+v): the index counts %d, sqlite3 %d (%s)", q.name, q.filter, q.n, n, q.sql)
	}
	if q.grep != nil {
		q.grepN, q.grepT = timed(q.grep...)
		if q.grepN < q.n {
			b.Fatalf("%s (%+v): the index counts %d, grep only %d lines (%s)", q.name, q.filter, q.n, q.grepN, strings.Join(q.grep, " "))
		}
	}
}

// runPeer runs a peer to completion and returns its standard output.
func runPeer(b *testing.B, name string, args ...string) string {
	cmd := exec.CommandContext(b.Context(), name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// sqlSearch is the index's search in SQL: the term in any of the six
// searched fields, ASCII case-insensitively. term must be ASCII with no
// LIKE wildcards or quotes (see BenchmarkPeers).
func sqlSearch(b *testing.B, term string) string {
	for _, c := range []byte(term) {
		if c >= 0x80 || strings.IndexByte(`%_'\`, c) >= 0 {
			b.Fatalf("search term %q: ASCII without %%, _, ' or \\ only", term)
		}
	}
	t := strings.ToLower(term)
	var ors []string
	for _, col := range []string{"user", "scope", "category", "action", "target", "description"} {
		ors = append(ors, fmt.Sprintf("lower(%s) LIKE '%%%s%%'", col, t))
	}
	return strings.Join(ors, " OR ")
}

// buildPeerSQLite writes the events as SQL and loads them with the sqlite3
// CLI itself, then adds the indexes. It returns the database's path.
func buildPeerSQLite(b *testing.B, sqlite, dir string, evs []audit.Event) string {
	script := filepath.Join(dir, "events.sql")
	f, err := os.Create(script)
	if err != nil {
		b.Fatal(err)
	}
	// Built in a bytes.Buffer (whose writes cannot fail) and written out
	// every megabyte.
	var w bytes.Buffer
	flush := func() {
		if _, err := f.Write(w.Bytes()); err != nil {
			b.Fatal(err)
		}
		w.Reset()
	}
	w.WriteString("PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\nBEGIN;\n" +
		"CREATE TABLE events(id TEXT PRIMARY KEY, ts INTEGER, user TEXT, scope TEXT, category TEXT, " +
		"action TEXT, target TEXT, status TEXT, description TEXT, workspace TEXT);\n")
	for i, e := range evs {
		if i%500 == 0 {
			if i > 0 {
				w.WriteString(";\n")
			}
			if w.Len() > 1<<20 {
				flush()
			}
			w.WriteString("INSERT INTO events VALUES\n")
		} else {
			w.WriteString(",\n")
		}
		ws := ""
		if e.Workspace != nil {
			ws = e.Workspace.ID
		}
		w.WriteByte('(')
		w.WriteString(sqlString(e.ID))
		w.WriteByte(',')
		w.WriteString(strconv.FormatInt(e.Time.UnixMilli(), 10))
		for _, s := range []string{e.User, string(e.Scope), e.Category, e.Action, e.Target, string(e.Status), e.Description, ws} {
			w.WriteByte(',')
			w.WriteString(sqlString(s))
		}
		w.WriteByte(')')
	}
	if len(evs) > 0 {
		w.WriteString(";\n")
	}
	w.WriteString("COMMIT;\n")
	for _, col := range []string{"ts", "scope", "category", "status", "user"} {
		fmt.Fprintf(&w, "CREATE INDEX events_%s ON events(%s);\n", col, col)
	}
	w.WriteString("ANALYZE;\n")
	flush()
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}

	db := filepath.Join(dir, "events.db")
	runPeer(b, sqlite, "-bail", db, ".read "+script)
	out := runPeer(b, sqlite, "-readonly", db, "SELECT count(*) FROM events")
	if n, err := strconv.Atoi(strings.TrimSpace(out)); err != nil || n != len(evs) {
		b.Fatalf("sqlite3 holds %q rows, want %d", strings.TrimSpace(out), len(evs))
	}
	return db
}

// sqlString quotes s as an SQL string literal. The simulator's text has no
// NUL, the one byte a literal cannot hold.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// peerJSON is an event as one JSONL line, with the API's field names.
type peerJSON struct {
	ID          string          `json:"id"`
	Timestamp   string          `json:"timestamp"`
	User        string          `json:"user"`
	Scope       audit.Scope     `json:"scope"`
	Category    string          `json:"category"`
	Action      string          `json:"action"`
	Target      string          `json:"target"`
	Status      audit.Status    `json:"status"`
	Description string          `json:"description"`
	Workspace   *audit.Ref      `json:"workspace,omitempty"`
	SourceIP    string          `json:"source_ip,omitempty"`
	Details     json.RawMessage `json:"details,omitempty"`
}

func writePeerJSONL(b *testing.B, path string, evs []audit.Event) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w) // one line per event: newlines in text are escaped
	enc.SetEscapeHTML(false)  // so text stays as typed, as grep would see an export
	for _, e := range evs {
		err := enc.Encode(peerJSON{
			ID: e.ID, Timestamp: e.Time.UTC().Format(time.RFC3339Nano), User: e.User, Scope: e.Scope,
			Category: e.Category, Action: e.Action, Target: e.Target, Status: e.Status,
			Description: e.Description, Workspace: e.Workspace, SourceIP: e.SourceIP, Details: e.Details,
		})
		if err != nil {
			b.Fatalf("event %s: %v", e.ID, err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// shQuote quotes s for sh.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func peerMedian(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func peerMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
