package export

import (
	"math/rand/v2"
	"testing"
	"time"
)

// appendStamp is time.Format's stampLayout, in every zone, across the
// years, leap days and the instants a zone changes its offset.
func TestAppendStampIsFormat(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	ny, _ := time.LoadLocation("America/New_York")
	zones := []*time.Location{time.UTC, tokyo, ny, time.FixedZone("-0930", -(9*3600 + 1800)), time.FixedZone("+1345", 13*3600+45*60)}
	r := rand.New(rand.NewPCG(1, 2))
	instants := []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 999e6, time.UTC),
		time.Date(2000, 2, 29, 12, 0, 0, 0, time.UTC), time.Date(2100, 3, 1, 0, 0, 0, 1e6, time.UTC),
		time.Date(2026, 3, 8, 6, 59, 59, 999e6, time.UTC), time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC), // New York springs forward
		time.Date(2026, 11, 1, 5, 59, 59, 0, time.UTC), time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC),
		time.Date(-5, 6, 7, 0, 0, 0, 0, time.UTC), time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for range 20000 {
		instants = append(instants, time.Unix(r.Int64N(1<<35)-1<<34, r.Int64N(1e9)).UTC())
	}
	for _, at := range instants {
		for _, loc := range zones {
			want := at.In(loc).Format(stampLayout)
			if got := string(appendStamp(nil, at, loc)); got != want {
				t.Fatalf("%v in %v: %q, want %q", at, loc, got, want)
			}
		}
	}
}
