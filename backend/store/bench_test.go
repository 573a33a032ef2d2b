package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/internal/benchenv"
)

// BenchmarkCommitPage commits 1000-event realistic pages into a fresh store.
func BenchmarkCommitPage(b *testing.B) {
	s := openT(b, b.TempDir())
	g := newRealistic(10)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		page := g.page(1000)
		b.StartTimer()
		st, err := s.CommitPage(page, Checkpoint{Pages: int64(i + 1)})
		if err != nil || st.New != 1000 {
			b.Fatalf("%+v %v", st, err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "events/s")
}

// apiEvent is the JSON form of an event, to compare sizes with.
type apiEvent struct {
	ID          string          `json:"id"`
	Timestamp   string          `json:"timestamp"`
	User        string          `json:"user"`
	Scope       audit.Scope     `json:"scope"`
	Category    string          `json:"category"`
	Action      string          `json:"action"`
	Target      string          `json:"target"`
	Status      audit.Status    `json:"status"`
	Description string          `json:"description"`
	Workspace   *audit.Ref      `json:"workspace"`
	SourceIP    string          `json:"source_ip,omitempty"`
	Details     json.RawMessage `json:"details,omitempty"`
}

// BenchmarkScan scans 100k cached events in time order, decoding each. It
// also reports the disk space per event after they were committed and the
// store closed, next to the size of the same events as JSON.
func BenchmarkScan(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	s, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	g := newRealistic(11)
	var jsonBytes int
	for p := 0; p < n/1000; p++ {
		page := g.page(1000)
		for _, e := range page {
			j, _ := json.Marshal(apiEvent{
				e.ID, e.Time.Format("2006-01-02T15:04:05.000Z07:00"), e.User, e.Scope,
				e.Category, e.Action, e.Target, e.Status, e.Description, e.Workspace, e.SourceIP, e.Details,
			})
			jsonBytes += len(j)
		}
		if _, err := s.CommitPage(page, Checkpoint{}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	disk, err := dirBytes(dir)
	if err != nil {
		b.Fatal(err)
	}
	s = openT(b, dir)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got := 0
		var last time.Time
		err := s.Scan(context.Background(), time.Time{}, time.Time{}, func(e audit.Event) error {
			if e.Time.Before(last) {
				b.Fatalf("out of order at %s", e.ID)
			}
			last = e.Time
			got++
			return nil
		})
		if err != nil || got != n {
			b.Fatalf("scan: %d events, %v", got, err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(disk)/n, "B/event")
	b.ReportMetric(float64(jsonBytes)/n, "json-B/event")
}

// BenchmarkCommitChain is BenchmarkCommitPage with and without the hash
// chain: what evidence costs a sync's writer (the issue allows 10%).
func BenchmarkCommitChain(b *testing.B) {
	for _, chain := range []bool{false, true} {
		name := "off"
		if chain {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			s := openT(b, b.TempDir())
			s.unchained = !chain
			g := newRealistic(12)
			pages := make([][]audit.Event, 0, 64)
			for range 64 {
				pages = append(pages, g.page(1000))
			}
			i := 0
			for b.Loop() {
				page := pages[i%len(pages)]
				if i >= len(pages) { // fresh ids: every event new
					page = g.page(1000)
				}
				i++
				if _, err := s.CommitPage(page, Checkpoint{Pages: int64(i)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(i*1000)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkVerify verifies a cache of AUDITDESK_BENCH_EVENTS events (200,000
// by default; `make bench` sets 1,000,000): every event rehashed, the whole
// chain walked.
func BenchmarkVerify(b *testing.B) {
	n := benchenv.Events(b, 200_000)
	s := openT(b, b.TempDir())
	g := newRealistic(13)
	for p := 0; p < n/1000; p++ {
		if _, err := s.CommitPage(g.page(1000), Checkpoint{Pages: int64(p + 1)}); err != nil {
			b.Fatal(err)
		}
	}
	var rep VerifyReport
	for b.Loop() {
		var err error
		if rep, err = s.Verify(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	if !rep.OK() || rep.Events != int64(n/1000*1000) {
		b.Fatalf("verify of an untouched cache: %+v", rep)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/verify")
	b.ReportMetric(float64(rep.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
