package session

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/internal/benchenv"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
	"github.com/auditdesk/auditdesk/backend/store"
)

// Opening a profile over AUDITDESK_BENCH_EVENTS simulator events in a real
// Badger cache: 200,000 by default as in backend/query; `make bench` runs
// the 1,000,000.
//
//	AUDITDESK_BENCH_EVENTS=1000000 go test -run '^$' -bench 'OpenProfile|OpenRSS' -benchtime 3x ./backend/session/

func benchEvents(b *testing.B) int {
	return benchenv.Events(b, 200_000)
}

var benchNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// benchData is a data dir holding one profile whose cache has the events
// and a saved index.bin. Both benchmarks share it, so it lives in its own
// temporary dir (a b.TempDir goes with its benchmark); TestMain removes it.
type benchData struct {
	dir     string
	profile settings.Profile
	events  int
	err     error
}

var (
	benchOnce sync.Once
	bench     benchData
)

func benchFixture(b *testing.B) benchData {
	n := benchEvents(b)
	benchOnce.Do(func() {
		start := time.Now()
		bench = makeBenchData(n)
		b.Logf("data dir of %d events made in %v", bench.events, time.Since(start).Round(time.Millisecond))
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench
}

func removeBenchFixture() {
	if bench.dir != "" {
		_ = os.RemoveAll(bench.dir)
	}
}

// makeBenchData writes the simulator's events into a new cache through
// CommitPage, in 1000-event pages with their checkpoints as a sync does,
// then opens the profile once, which builds and saves index.bin.
func makeBenchData(n int) (d benchData) {
	dir, err := os.MkdirTemp("", "auditdesk-session-bench-")
	if err != nil {
		return benchData{err: err}
	}
	d.dir = dir
	fail := func(err error) benchData { d.err = fmt.Errorf("bench data: %w", err); return d }
	sim, err := simulator.New(simulator.Config{Events: n, Seed: 7, Clock: func() time.Time { return benchNow }})
	if err != nil {
		return fail(err)
	}
	st, err := settings.Open(dir)
	if err != nil {
		return fail(err)
	}
	id, _ := sim.Identity(sim.Tokens().Owner)
	p, err := st.ProfileFor("https://api.bench.invalid", id, benchNow)
	if err != nil {
		return fail(err)
	}
	p.LastSync, p.LastSuccess = benchNow, benchNow
	if err := st.SaveProfile(p); err != nil {
		return fail(err)
	}
	d.profile = p

	cache, err := store.Open(st.CacheDir(p))
	if err != nil {
		return fail(err)
	}
	cp := store.Checkpoint{RunStarted: benchNow}
	page := make([]audit.Event, 0, 1000)
	for i := range sim.Len() {
		page = append(page, sim.EventAt(i))
		if len(page) < cap(page) && i < sim.Len()-1 {
			continue
		}
		cp.Pages++
		cp.Events += int64(len(page))
		cp.Newest = page[len(page)-1].Time
		cp.SyncedAt = benchNow
		cp.Complete = i == sim.Len()-1
		ps, err := cache.CommitPage(page, cp)
		if err == nil && ps.New != len(page) {
			err = fmt.Errorf("page %d: %d of %d events new", cp.Pages, ps.New, len(page))
		}
		if err != nil {
			_ = cache.Close()
			return fail(err)
		}
		page = page[:0]
	}
	if err := cache.Close(); err != nil {
		return fail(err)
	}

	m := NewDesk(st, slog.New(slog.DiscardHandler))
	ix, err := m.Open(p).Index(context.Background())
	if err == nil && ix.Len() != sim.Len() {
		err = fmt.Errorf("the index holds %d events, want %d", ix.Len(), sim.Len())
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	if _, err := os.Stat(m.Open(p).indexPath()); err != nil {
		return fail(err)
	}
	d.events = sim.Len()
	return d
}

// BenchmarkOpenProfile opens the profile as a freshly started process
// does: settings, the most recent profile, a new Manager, Index (which
// opens the Badger cache), then the whole index sorted newest first and
// its first 200 rows. "saved" reads index.bin; "build" has none and builds
// the index from the cache (and saves it, as Index does before it
// returns). The index file and cache are in the page cache (warm).
//
// Figures, medians over the iterations: queryable-ms (saved) or
// build-open-ms (build) is the time until Index returns, after which any
// query over the whole index can run; newest-rows-ms adds that first query
// and Rows(0, 200). The app's soft memory limit is set (unless GOMEMLIMIT
// is), so the GC works as it would in the window.
func BenchmarkOpenProfile(b *testing.B) {
	d := benchFixture(b)
	if os.Getenv("GOMEMLIMIT") == "" { // as main.go
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(settings.SoftMemoryLimit))
	}
	b.Run("saved", func(b *testing.B) {
		ready, rows := benchOpen(b, d, false)
		b.ReportMetric(ready, "queryable-ms")
		b.ReportMetric(rows, "newest-rows-ms")
	})
	b.Run("build", func(b *testing.B) {
		ready, rows := benchOpen(b, d, true)
		b.ReportMetric(ready, "build-open-ms")
		b.ReportMetric(rows, "newest-rows-ms")
	})
}

func benchOpen(b *testing.B, d benchData, rebuild bool) (readyMS, rowsMS float64) {
	var ready, rows []float64
	for b.Loop() {
		b.StopTimer()
		if rebuild {
			st, err := settings.Open(d.dir)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.Remove(filepath.Join(st.ProfileDir(d.profile), indexFile)); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC() // the last iteration's index is garbage
		b.StartTimer()

		start := time.Now()
		st, err := settings.Open(d.dir)
		if err != nil {
			b.Fatal(err)
		}
		p, err := st.FindProfile("")
		if err != nil {
			b.Fatal(err)
		}
		m := NewDesk(st, slog.New(slog.DiscardHandler))
		ix, err := m.Open(p).Index(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Since(start)
		res, err := ix.Query(audit.Filter{}, audit.DefaultSort, query.Options{})
		if err != nil {
			b.Fatal(err)
		}
		got, err := res.Rows(0, 200)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Since(start)

		b.StopTimer()
		if res.Total != d.events || len(got) != min(200, d.events) || !got[0].Time.Equal(ix.Newest()) {
			b.Fatalf("%d of %d events, %d rows, first at %v; want the newest at %v", res.Total, d.events, len(got), got[0].Time, ix.Newest())
		}
		if err := m.Close(); err != nil { // the next iteration opens the same cache
			b.Fatal(err)
		}
		ready = append(ready, ms(t1))
		rows = append(rows, ms(t2))
		b.StartTimer()
	}
	return median(ready), median(rows)
}

// BenchmarkOpenRSS is the resident memory of a process that opened the
// profile from its saved index and ran a few typical queries (see
// rssChild): this test binary run again with AUDITDESK_RSS_CHILD, so none
// of this process's memory counts. rss-MB is VmRSS after a GC with the
// profile open, peak-rss-MB the process's high-water mark (VmHWM); both
// the highest over the iterations.
func BenchmarkOpenRSS(b *testing.B) {
	d := benchFixture(b)
	var rss, peak float64
	for b.Loop() {
		cmd := exec.CommandContext(b.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), rssChildEnv+"="+d.dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("rss child: %v: %s", err, stderr.String())
		}
		fig, err := parseRSSLine(string(out))
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("child, kB: VmRSS %d, VmHWM %d, RssAnon %d, RssFile %d", fig["VmRSS"], fig["VmHWM"], fig["RssAnon"], fig["RssFile"])
		rss = max(rss, float64(fig["VmRSS"])/1024)
		peak = max(peak, float64(fig["VmHWM"])/1024)
	}
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(peak, "peak-rss-MB")
}

// parseRSSLine reads the child's "auditdesk-rss K=V ..." line.
func parseRSSLine(out string) (map[string]int64, error) {
	for line := range strings.Lines(out) {
		rest, ok := strings.CutPrefix(line, rssLinePrefix+" ")
		if !ok {
			continue
		}
		fig := map[string]int64{}
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("rss child said %q", line)
			}
			fig[k] = n
		}
		if fig["VmRSS"] == 0 || fig["VmHWM"] == 0 {
			return nil, fmt.Errorf("rss child said %q", line)
		}
		return fig, nil
	}
	return nil, fmt.Errorf("rss child printed no %s line: %q", rssLinePrefix, out)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
