package cli

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/internal/benchenv"
)

// BenchmarkSyncCommand is `auditdesk sync` of AUDITDESK_BENCH_EVENTS events
// (200,000 by default; `make bench` sets 1,000,000) into a new data dir,
// from the simulator in this process: the whole command, and apart the
// part after the sync's own run, building and saving the query index.
func BenchmarkSyncCommand(b *testing.B) {
	n := benchenv.Events(b, 200_000)
	sim, url := startSim(b, n)
	b.Setenv("AUDITDESK_TOKEN", sim.Tokens().Owner)
	took := regexp.MustCompile(` in ([0-9.]+m?s);`)
	var total, after float64
	i := 0
	for b.Loop() {
		i++
		start := time.Now()
		code, out, errOut := runArgs("sync", "--api", url, "--data", filepath.Join(b.TempDir(), strconv.Itoa(i)))
		secs := time.Since(start).Seconds()
		m := took.FindStringSubmatch(out)
		if code != ExitOK || m == nil {
			b.Fatalf("sync: exit %d, %q, %q", code, out, errOut)
		}
		run, err := time.ParseDuration(m[1])
		if err != nil {
			b.Fatal(err)
		}
		total += secs
		after += secs - run.Seconds()
	}
	b.ReportMetric(total/float64(i), "s/sync")
	b.ReportMetric(after/float64(i), "index-s")
	b.ReportMetric(0, "ns/op")
}
