package export

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/internal/benchenv"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// Exports of AUDITDESK_BENCH_EVENTS simulator events (200,000 by default;
// `make bench` sets the 1,000,000), newest first, as the window's
// default view:
//
//	AUDITDESK_BENCH_EVENTS=1000000 go test -run '^$' -bench Export -benchtime 1x ./backend/export/
//
// Each reports rows/s, seconds, the file's size and the peak growth of the
// process's resident memory during the export (sampled from /proc every
// 5 ms, over the RSS just before it), under the app's soft memory limit.
// BenchmarkExportPeerSQLite writes the same rows with sqlite3's CSV mode.

var (
	benchOnce sync.Once
	benchRes  *query.Result
)

func benchResult(b *testing.B) *query.Result {
	n := benchenv.Events(b, 200_000)
	benchOnce.Do(func() {
		ix := buildIndex(b, simEvents(b, n))
		benchRes = result(b, ix, audit.Filter{}, audit.DefaultSort)
		runtime.GC()
	})
	return benchRes
}

// rssBytes is the process's resident set now.
func rssBytes(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Fatalf("read /proc/self/statm: %v", err)
	}
	f := bytes.Fields(raw)
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// peakGrowth runs fn and returns how far RSS rose above where it started.
func peakGrowth(b *testing.B, fn func()) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	base := rssBytes(b)
	peak := base
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				peak = max(peak, rssBytes(b))
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return max(peak, rssBytes(b)) - base
}

func benchExport(b *testing.B, format Format) {
	res := benchResult(b)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(settings.SoftMemoryLimit))
	dir := b.TempDir()
	var secs []float64
	var growth, size int64
	for i := 0; b.Loop(); i++ {
		path := filepath.Join(dir, "export-"+strconv.Itoa(i)+"."+string(format))
		start := time.Now()
		var m Manifest
		g := peakGrowth(b, func() {
			var err error
			if m, err = Write(context.Background(), request(path, res, time.UTC)); err != nil {
				b.Fatal(err)
			}
		})
		secs = append(secs, time.Since(start).Seconds())
		growth, size = max(growth, g), m.Bytes
		_ = os.Remove(path)
		_ = os.Remove(path + ManifestSuffix)
	}
	slices.Sort(secs)
	med := secs[len(secs)/2]
	b.ReportMetric(med, "s/export")
	b.ReportMetric(float64(res.Total)/med, "rows/s")
	b.ReportMetric(float64(growth)/(1<<20), "peak-growth-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}

func BenchmarkExportCSV(b *testing.B)  { benchExport(b, CSV) }
func BenchmarkExportXLSX(b *testing.B) { benchExport(b, XLSX) }

// BenchmarkExportPeerSQLite is the same rows written by sqlite3's own CSV
// mode (the table made by importing our CSV, so the rows and their order
// are the same), timed as a whole process, beside our CSV in the same run.
func BenchmarkExportPeerSQLite(b *testing.B) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Fatalf("needs the sqlite3 CLI on PATH (Debian: apt-get install sqlite3; the Makefile installs it): %v", err)
	}
	res := benchResult(b)
	dir := b.TempDir()
	src := filepath.Join(dir, "rows.csv")
	req := request(src, res, time.UTC)
	req.KeepFormulas = true
	start := time.Now()
	if _, err := Write(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	ours := time.Since(start).Seconds()
	db := filepath.Join(dir, "events.db")
	if out, err := exec.CommandContext(b.Context(), sqlite, db, "-cmd", ".mode csv", ".import "+src+" events").CombinedOutput(); err != nil {
		b.Fatalf("sqlite3 .import: %v: %s", err, out)
	}
	var secs []float64
	for b.Loop() {
		out, err := os.Create(filepath.Join(dir, "peer.csv"))
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.CommandContext(b.Context(), sqlite, "-readonly", "-csv", "-header", db, "SELECT * FROM events ORDER BY rowid")
		cmd.Stdout = out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("sqlite3 -csv: %v", err)
		}
		secs = append(secs, time.Since(start).Seconds())
		if err := out.Close(); err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(secs)
	med := secs[len(secs)/2]
	b.ReportMetric(float64(res.Total)/med, "sqlite-rows/s")
	b.ReportMetric(float64(res.Total)/ours, "ours-rows/s")
	b.ReportMetric(med/ours, "sqlite/ours")
}
