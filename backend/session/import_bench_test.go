package session

import (
	"bufio"
	"context"
	"encoding/csv"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/internal/benchenv"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

// BenchmarkImportConsoleCSV imports the console's CSV export of
// AUDITDESK_BENCH_EVENTS events (newest first, the console's eight
// columns) into a fresh case, end to end: read, committed to Badger,
// chained, the index built and saved. It reports rows/s and the heap's
// peak above what it was before (sampled every 10 ms).
func BenchmarkImportConsoleCSV(b *testing.B) {
	n := benchenv.Events(b, 200_000)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sim, err := simulator.New(simulator.Config{Events: n, Seed: 11, Clock: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	evs := sim.Visible(sim.Tokens().Owner, now)
	path := filepath.Join(b.TempDir(), "console.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write([]string{"Timestamp", "User", "Scope", "Category", "Action", "Target", "Status", "Description"})
	for i := len(evs) - 1; i >= 0; i-- {
		e := &evs[i]
		_ = w.Write([]string{e.Time.Format(time.DateTime), e.User, string(e.Scope), e.Category, e.Action, e.Target, string(e.Status), e.Description})
	}
	w.Flush()
	if err := bw.Flush(); err != nil || f.Close() != nil {
		b.Fatal(err)
	}
	evs = nil
	runtime.GC()

	var peak atomic.Uint64
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	rows := 0
	b.ResetTimer()
	for b.Loop() {
		st, err := settings.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		d := NewDesk(st, slog.New(slog.DiscardHandler))
		res, err := d.Import(context.Background(), ImportRequest{Files: []string{path}})
		if err != nil || res.Files[0].Err != nil {
			b.Fatal(err, res.Files[0].Err)
		}
		rows += res.Files[0].New
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base))/(1<<20), "MB-heap-peak")
}
