package session

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// rssChildEnv, set to a data dir, makes the test binary the child of
// BenchmarkOpenRSS: it opens that dir's profile as the app does and prints
// its memory, so the benchmark process's own memory does not count.
const rssChildEnv = "AUDITDESK_RSS_CHILD"

// rssLinePrefix starts the child's one line of figures (kB each).
const rssLinePrefix = "auditdesk-rss"

func TestMain(m *testing.M) {
	if spec := os.Getenv(importKillChildEnv); spec != "" {
		importKillChild(spec)
	}
	if dir := os.Getenv(rssChildEnv); dir != "" {
		if err := rssChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, "rss child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	removeBenchFixture() // it outlives any one benchmark's TempDir
	os.Exit(code)
}

// rssChild does what the app does at startup, then a few typical queries,
// and prints "auditdesk-rss VmRSS=.. VmHWM=.. RssAnon=.. RssFile=..".
func rssChild(dir string) error {
	if os.Getenv("GOMEMLIMIT") == "" { // as main.go
		debug.SetMemoryLimit(settings.SoftMemoryLimit)
	}
	st, err := settings.Open(dir)
	if err != nil {
		return err
	}
	p, err := st.FindProfile("")
	if err != nil {
		return err
	}
	m := NewDesk(st, slog.New(slog.DiscardHandler))
	defer func() { _ = m.Close() }()
	ix, err := m.Open(p).Index(context.Background())
	if err != nil {
		return err
	}
	// The window keeps its recent results, up to 8 (app/query.go), these 5.
	var held []*query.Result
	run := func(f audit.Filter, s audit.Sort) error {
		res, err := ix.Query(f, s, query.Options{})
		if err != nil {
			return err
		}
		held = append(held, res)
		// The first screen, and a scroll to the middle and to the end.
		for _, off := range []int{0, res.Total / 2, res.Total - 200} {
			if _, err := res.Rows(off, 200); err != nil {
				return err
			}
		}
		return nil
	}
	for _, q := range []struct {
		f audit.Filter
		s audit.Sort
	}{
		{audit.Filter{}, audit.DefaultSort},
		{audit.Filter{Search: "whisper-ja"}, audit.DefaultSort}, // ~1% of rows (see query's BenchmarkPeers)
		{audit.Filter{Status: audit.StatusFailed, Scope: audit.ScopeBilling}, audit.DefaultSort},
		{audit.Filter{Status: audit.StatusFailed, Search: "H100"}, audit.DefaultSort},
		{audit.Filter{}, audit.Sort{Field: audit.SortUser}},
	} {
		if err := run(q.f, q.s); err != nil {
			return err
		}
	}
	runtime.GC()
	fig, err := procStatus("VmRSS", "VmHWM", "RssAnon", "RssFile")
	if err != nil {
		return err
	}
	// The results, the index (held by m) and the open cache count.
	runtime.KeepAlive(held)
	fmt.Printf("%s VmRSS=%s VmHWM=%s RssAnon=%s RssFile=%s\n", rssLinePrefix, fig[0], fig[1], fig[2], fig[3])
	return nil
}

// procStatus returns the kB figures of the named /proc/self/status fields.
func procStatus(names ...string) ([]string, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	got := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok {
			got[k] = strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := make([]string, len(names))
	for i, n := range names {
		if out[i] = got[n]; out[i] == "" {
			return nil, fmt.Errorf("no %s in /proc/self/status", n)
		}
	}
	return out, nil
}
