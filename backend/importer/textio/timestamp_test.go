package textio

import (
	"math"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, the same on every machine
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseTime(t *testing.T) {
	tokyo, newYork := mustZone(t, "Asia/Tokyo"), mustZone(t, "America/New_York")
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		in        string
		loc       *time.Location
		want      time.Time
		noSeconds bool
	}{
		// The console's form, in the zone given.
		{"2026-11-05 09:03:07", tokyo, utc("2026-11-05T00:03:07Z"), false},
		{"2026-11-05 09:03:07", time.UTC, utc("2026-11-05T09:03:07Z"), false},
		{"2026-11-05 09:03:07", nil, utc("2026-11-05T09:03:07Z"), false},
		{"2026-11-05 09:03:07.123", tokyo, utc("2026-11-05T00:03:07.123Z"), false},
		{"2026-11-05 09:03:07.5", time.UTC, utc("2026-11-05T09:03:07.5Z"), false},
		{"2026-11-05 09:03:07.123456789", time.UTC, utc("2026-11-05T09:03:07.123456789Z"), false},
		{"  2026-11-05 09:03:07\t", time.UTC, utc("2026-11-05T09:03:07Z"), false},
		{"2026-01-01 00:00:00", tokyo, utc("2025-12-31T15:00:00Z"), false},
		{"2028-02-29 23:59:59", time.UTC, utc("2028-02-29T23:59:59Z"), false},
		// RFC 3339: the zone written wins over the one given.
		{"2026-11-05T09:03:07.123Z", tokyo, utc("2026-11-05T09:03:07.123Z"), false},
		{"2026-11-05T09:03:07z", tokyo, utc("2026-11-05T09:03:07Z"), false},
		{"2026-11-05T09:03:07+09:00", newYork, utc("2026-11-05T00:03:07Z"), false},
		{"2026-11-05T09:03:07.123456-05:00", tokyo, utc("2026-11-05T14:03:07.123456Z"), false},
		{"2026-11-05 09:03:07+09:00", time.UTC, utc("2026-11-05T00:03:07Z"), false},
		{"2026-11-05 09:03:07 +0900", time.UTC, utc("2026-11-05T00:03:07Z"), false},
		{"2026-11-05 09:03:07Z", tokyo, utc("2026-11-05T09:03:07Z"), false},
		{"2026-11-05T09:03:07+05:30", time.UTC, utc("2026-11-05T03:33:07Z"), false},
		{"2026-11-05T09:03:07", tokyo, utc("2026-11-05T00:03:07Z"), false},
		{"2026-11-05T09:03Z", tokyo, utc("2026-11-05T09:03:00Z"), true},
		// Excel's re-saves: slashes, one-digit month, day and hour, no seconds.
		{"2026/11/05 9:03", tokyo, utc("2026-11-05T00:03:00Z"), true},
		{"2026/11/5 9:03", tokyo, utc("2026-11-05T00:03:00Z"), true},
		{"2026/1/5 19:03", tokyo, utc("2026-01-05T10:03:00Z"), true},
		{"2026/11/5 9:03:07", tokyo, utc("2026-11-05T00:03:07Z"), false},
		{"2026/11/05 09:03:07", time.UTC, utc("2026-11-05T09:03:07Z"), false},
		{"2026-11-05 9:03", tokyo, utc("2026-11-05T00:03:00Z"), true},
		{"2026-11-05 09:03", time.UTC, utc("2026-11-05T09:03:00Z"), true},
		// Excel serials: days since 1899-12-30 in the zone given.
		{"46331.3771180556", tokyo, utc("2026-11-05T00:03:03Z"), false},
		{"46331.3771180556", time.UTC, utc("2026-11-05T09:03:03Z"), false},
		{"46331", time.UTC, utc("2026-11-05T00:00:00Z"), false},
		{"46331.5", newYork, utc("2026-11-05T17:00:00Z"), false},
		{"61", time.UTC, utc("1900-03-01T00:00:00Z"), false},
		{"2958465.5", time.UTC, utc("9999-12-31T12:00:00Z"), false},
		{"46331.37711805", time.UTC, utc("2026-11-05T09:03:03Z"), false}, // 08.99999 s rounds to 09.000
		// New York around its DST changes of 2026 (March 8, November 1).
		{"2026-03-08 01:59:59", newYork, utc("2026-03-08T06:59:59Z"), false}, // EST
		{"2026-03-08 03:00:00", newYork, utc("2026-03-08T07:00:00Z"), false}, // EDT
		{"2026-03-08 02:30:00", newYork, utc("2026-03-08T06:30:00Z"), false}, // in the gap: 01:30 EST
		{"2026/3/8 2:30", newYork, utc("2026-03-08T06:30:00Z"), true},
		{"2026-11-01 00:30:00", newYork, utc("2026-11-01T04:30:00Z"), false}, // EDT
		{"2026-11-01 01:30:00", newYork, utc("2026-11-01T05:30:00Z"), false}, // twice: the first, EDT
		{"2026-11-01 02:30:00", newYork, utc("2026-11-01T07:30:00Z"), false}, // EST
		{"2026-11-01T01:30:00-05:00", newYork, utc("2026-11-01T06:30:00Z"), false},
		{"46089.125", newYork, utc("2026-03-08T07:00:00Z"), false}, // the serial of 03:00 on March 8
	}
	for _, tt := range tests {
		got, noSec, err := ParseTime(tt.in, tt.loc)
		if err != nil {
			t.Errorf("ParseTime(%q, %v): %v", tt.in, tt.loc, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC || noSec != tt.noSeconds {
			t.Errorf("ParseTime(%q, %v) = %v (%v), noSeconds %v; want %v, %v", tt.in, tt.loc, got, got.Location(), noSec, tt.want, tt.noSeconds)
		}
	}
}

func TestParseTimeRefuses(t *testing.T) {
	tests := []struct{ in, why string }{
		{"", "not a date and time"},
		{"yesterday", "not a date and time"},
		{"05/11/2026 09:03", "not a date and time"},
		{"2026-11-05", "no time of day"},
		{"2026-11-05 9", "no time of day (H:mm)"},
		{"2026-11-05 09:3", "no time of day (H:mm)"},
		{"2026-11-05  09:03:07", "no time of day (H:mm)"},
		{"2026-11/05 09:03:07", "not a date and time"},
		{"2026-02-29 09:03:07", "day 29 out of range for 2026-02"},
		{"2026-13-01 09:03:07", "month 13 out of range"},
		{"2026-00-01 09:03:07", "month 0 out of range"},
		{"2026-11-05 24:00:00", "hour 24 out of range"},
		{"2026-11-05 09:60:00", "minute 60 out of range"},
		{"2026-11-05 09:03:60", "second 60 out of range"},
		{"2026-11-05 09:03:7", "seconds are not two digits"},
		{"2026-11-05 09:03:07.", "no digits after the decimal point"},
		{"2026-11-05 09:03:07.1234567890", "more than 9 fractional digits"},
		{"2026-11-05 09:03:07 JST", `"JST" after the time`},
		{"2026-11-05 09:03:07+9", "a zone offset is ±hh:mm"},
		{"2026-11-05 09:03:07+09:", "a zone offset is ±hh:mm"},
		{"2026-11-05 09:03:07+24:00", "zone offset out of range"},
		{"2026-11-05 09:03:07Zulu", `"ulu" after the time`},
		{"2026-11-05 09:03 AM", `"AM" after the time`},
		{"60", "an Excel serial before 61 (1900-03-01) is ambiguous"},
		{"60.9999", "an Excel serial before 61 (1900-03-01) is ambiguous"},
		{"1", "an Excel serial before 61"},
		{"0", "an Excel serial before 61"},
		{"2958466", "an Excel serial past 2958465 (9999-12-31)"},
		{"-46331.5", "not a date and time"},
		{"4.6331E4", "not a date and time"},
		{"46331.", "not a date and time"},
		{".5", "not a date and time"},
	}
	for _, tt := range tests {
		_, _, err := ParseTime(tt.in, time.UTC)
		if err == nil {
			t.Errorf("ParseTime(%q): no error", tt.in)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.why) || !strings.HasPrefix(msg, "timestamp \""+tt.in+"\": ") ||
			!strings.Contains(msg, "want YYYY-MM-DD HH:mm:ss") || strings.ContainsAny(msg, "\r\n") {
			t.Errorf("ParseTime(%q): %q; want the text, %q and the accepted forms, on one line", tt.in, msg, tt.why)
		}
	}
	// Long or hostile text is cut and escaped, so the message stays one line.
	_, _, err := ParseTime(strings.Repeat("停", 100)+"\n\x1b[2J", time.UTC)
	if msg := err.Error(); strings.ContainsAny(msg, "\n\x1b") || !strings.Contains(msg, "…") || len(msg) > 400 {
		t.Errorf("message %q", msg)
	}
}

func TestSerialTime(t *testing.T) {
	tokyo := mustZone(t, "Asia/Tokyo")
	tests := []struct {
		serial float64
		want   string // wall time in Tokyo, "" for refused
	}{
		{46331.3771180556, "2026-11-05 09:03:03.000"},
		{46331.0000115741, "2026-11-05 00:00:01.000"},
		{46331.0000000058, "2026-11-05 00:00:00.001"}, // 0.5 ms rounds up
		{46331.0000000052, "2026-11-05 00:00:00.000"}, // 0.45 ms rounds down
		{61, "1900-03-01 00:00:00.000"},
		{2958465.99999999, "9999-12-31 23:59:59.999"},
		{2958465.999999999, ""}, // rounds into the year 10000
		{60, ""},
		{60.5, ""},
		{-1, ""},
		{2958466, ""},
		{math.NaN(), ""},
		{math.Inf(1), ""},
	}
	for _, tt := range tests {
		got, ok := SerialTime(tt.serial, tokyo)
		switch {
		case tt.want == "" && ok:
			t.Errorf("SerialTime(%v) = %v, want refused", tt.serial, got)
		case tt.want != "" && (!ok || got.Format("2006-01-02 15:04:05.000") != tt.want || got.Location() != tokyo):
			t.Errorf("SerialTime(%v) = %v, %v; want %s in Tokyo", tt.serial, got, ok, tt.want)
		}
	}
}
