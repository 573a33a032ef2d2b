package ingest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/internal/benchenv"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
	"github.com/auditdesk/auditdesk/backend/store"
)

// benchEvents is the history size of the sync benchmarks:
// AUDITDESK_BENCH_EVENTS, default 1,000,000.
func benchEvents(b *testing.B) int { return benchenv.Events(b, 1_000_000) }

// countingBody counts the bytes the client reads off the wire.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		resp.Body = countingBody{resp.Body, t.n}
	}
	return resp, err
}

// BenchmarkSync is a full first sync of the whole history from the
// simulator, serving on loopback from a child process so that this
// process's memory is the sync's alone, into a new cache; then an
// incremental sync with nothing new. It reports events/s end to end, the
// peak RSS during the sync, the cache's size on disk against the JSON
// received, and the incremental sync's time.
func BenchmarkSync(b *testing.B) {
	n := benchEvents(b)
	// The same soft memory limit as `auditdesk sync`.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(settings.SyncMemoryLimit))
	url, token := startSimulatorProcess(b, n)
	var received atomic.Int64
	client := &http.Client{Transport: countingTransport{http.DefaultTransport, &received}}

	var fullSecs, incSecs, peakMB, diskRatio float64
	var synced int64
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), "cache-"+strconv.Itoa(i))
		st, err := store.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		received.Store(0)
		runtime.GC()
		resetPeakRSS(b)
		start := time.Now()
		res := benchRun(b, st, client, url, token)
		fullSecs += time.Since(start).Seconds()
		peakMB = max(peakMB, peakRSSMB(b))
		synced = res.New
		if res.New != int64(n) {
			b.Fatalf("synced %d of %d events", res.New, n)
		}
		jsonBytes := received.Load()

		start = time.Now()
		inc := benchRun(b, st, client, url, token)
		incSecs += time.Since(start).Seconds()
		if inc.New != 0 {
			b.Fatalf("the incremental sync added %d", inc.New)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		diskRatio = float64(dirSize(b, dir)) / float64(jsonBytes)
	}
	iters := float64(b.N)
	b.ReportMetric(float64(synced)/(fullSecs/iters), "events/s")
	b.ReportMetric(peakMB, "peak-RSS-MB")
	b.ReportMetric(diskRatio, "disk/json")
	b.ReportMetric(incSecs/iters*1000, "incremental-ms")
	b.ReportMetric(0, "ns/op") // the figures above are the point
}

// chainRounds is how many paired rounds BenchmarkSyncChain runs an
// iteration: one round's cost is noise-sized on a shared machine.
const chainRounds = 6

// BenchmarkSyncChain is BenchmarkSync's first sync with and without the
// hash chain, alternated over rounds in one run, each first in half of
// them, so the machine's noise falls on both: what evidence costs a sync
// (the issue allows 10%). chain-cost-% is over all rounds; a round the
// machine slowed for one of the two moves it by several points, so the
// median of the rounds' own costs is reported beside it.
func BenchmarkSyncChain(b *testing.B) {
	n := benchEvents(b)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(settings.SyncMemoryLimit))
	url, token := startSimulatorProcess(b, n)
	client := &http.Client{}
	secs, cpu := map[bool]float64{}, map[bool]float64{}
	var costs []float64
	rounds := 0
	for b.Loop() {
		for range chainRounds {
			// Which goes first flips each round: the second sync of a
			// round ran measurably slower whichever it was.
			order := []bool{false, true}
			if rounds%2 == 1 {
				order = []bool{true, false}
			}
			round := map[bool]float64{}
			for _, chain := range order {
				dir := filepath.Join(b.TempDir(), fmt.Sprintf("cache-%d-%v", rounds, chain))
				var c float64
				round[chain], c = syncTimed(b, dir, chain, n, client, url, token)
				secs[chain] += round[chain]
				cpu[chain] += c
			}
			costs = append(costs, 100*(round[true]/round[false]-1))
			rounds++
		}
	}
	off, on := float64(n*rounds)/secs[false], float64(n*rounds)/secs[true]
	b.ReportMetric(off, "unchained-events/s")
	b.ReportMetric(on, "chained-events/s")
	b.ReportMetric(100*(secs[true]/secs[false]-1), "chain-cost-%")
	b.ReportMetric(median(costs), "chain-cost-median-%")
	// This process's CPU (the simulator's is its own): what the chain adds
	// where the server is elsewhere.
	b.ReportMetric(1e6*cpu[false]/float64(n*rounds), "unchained-cpu-µs/event")
	b.ReportMetric(1e6*cpu[true]/float64(n*rounds), "chained-cpu-µs/event")
	b.ReportMetric(0, "ns/op")
}

// syncTimed is one first sync of n events into a new cache at dir, with
// or without the chain: its seconds, and this process's CPU seconds.
func syncTimed(b *testing.B, dir string, chain bool, n int, client *http.Client, url, token string) (secs, cpu float64) {
	var opts []store.Option
	if !chain {
		opts = append(opts, store.WithoutChain())
	}
	st, err := store.Open(dir, opts...)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	start, cpu0 := time.Now(), cpuTime(b)
	if res := benchRun(b, st, client, url, token); res.New != int64(n) {
		b.Fatalf("synced %d of %d events", res.New, n)
	}
	secs, cpu = time.Since(start).Seconds(), cpuTime(b)-cpu0
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	return secs, cpu
}

// median of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// startSimulatorProcess serves n events from a child process (this test
// binary, see TestMain) and returns its URL and the owner's token.
func startSimulatorProcess(b *testing.B, n int) (url, token string) {
	b.Helper()
	cmd := exec.CommandContext(b.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "INGEST_SIMULATOR_EVENTS="+strconv.Itoa(n))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("the simulator process said nothing: %v", err)
	}
	url, token, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok {
		b.Fatalf("the simulator process said %q", line)
	}
	return url, token
}

// serveSimulator is the child half of startSimulatorProcess: it prints
// "URL TOKEN" and serves until killed.
func serveSimulator(events string) int {
	n, err := strconv.Atoi(events)
	if err != nil {
		return 2
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	r, err := simulator.Start(context.Background(), "127.0.0.1:0", simulator.Config{Events: n, Seed: 11, Clock: func() time.Time { return now }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(r.URL, r.Server.Tokens().Owner)
	<-r.Done()
	return 0
}

func benchRun(b *testing.B, st *store.Store, hc *http.Client, url, token string) Result {
	b.Helper()
	s := New(st, Options{})
	c, err := auditapi.New(auditapi.Config{BaseURL: url, Token: token, OnWait: s.OnWait, HTTPClient: hc})
	if err != nil {
		b.Fatal(err)
	}
	res, err := s.Run(context.Background(), c)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// resetPeakRSS clears the kernel's high-water mark of this process's RSS.
func resetPeakRSS(b *testing.B) {
	b.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset peak RSS (%v): the figure includes earlier work", err)
	}
}

func peakRSSMB(b *testing.B) float64 {
	b.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

func dirSize(b *testing.B, dir string) int64 {
	b.Helper()
	var total int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			total += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}
