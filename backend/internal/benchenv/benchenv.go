// Package benchenv reads the size the benchmarks run at, so that every
// package reads it alike: AUDITDESK_BENCH_EVENTS, which `make bench` sets to
// the issues' 1,000,000.
package benchenv

import (
	"os"
	"strconv"
	"testing"
)

// Events is AUDITDESK_BENCH_EVENTS, or def when it is unset; any other
// value than a positive number fails tb.
func Events(tb testing.TB, def int) int {
	tb.Helper()
	s := os.Getenv("AUDITDESK_BENCH_EVENTS")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		tb.Fatalf("AUDITDESK_BENCH_EVENTS=%q is not a positive number", s)
	}
	return n
}
