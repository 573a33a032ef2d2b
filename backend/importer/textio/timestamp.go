package textio

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// timeForms is what ParseTime's errors say it accepts.
const timeForms = "want YYYY-MM-DD HH:mm:ss[.fff], RFC 3339 (2026-11-05T09:03:07Z, +09:00), YYYY/M/D H:mm[:ss], YYYY-MM-DD H:mm or an Excel serial (46331.377)"

// ParseTime reads a timestamp cell as an auditor's files hold it:
//
//   - the console's "YYYY-MM-DD HH:mm:ss", with optional fractional seconds
//     (".123", up to 9 digits);
//   - RFC 3339 / ISO 8601 with a zone ("2026-11-05T09:03:07.123Z",
//     "+09:00", "+0900"), also with a space instead of T and before the zone;
//   - Excel's re-saved "YYYY/MM/DD H:mm" and "YYYY/MM/DD H:mm:ss" (1- or
//     2-digit month, day and hour), and "YYYY-MM-DD H:mm";
//   - an Excel serial date-time number ("46331.3771180556"), 1900 date
//     system, to the millisecond (rounded): see SerialTime. Serials below
//     61 are refused as ambiguous: serial 60 is Excel's 1900-02-29, a day
//     that never was, so 1 to 59 are a day off from what Excel shows.
//
// The forms mix freely (a slash date with a zone, a T with one-digit
// hours): each is a date, a time and an optional zone. Spaces around the
// text are ignored.
//
// Zone-less forms are taken in loc (nil is UTC). A wall time that does not
// exist or is ambiguous in loc at a DST change is what time.Date makes of
// it: an ambiguous one (clocks set back) is its first occurrence, still on
// summer time; one in the gap (clocks set forward) is read with the
// offset after the change, so it lands before the gap (New York's
// nonexistent 02:30 on the spring-forward day is 01:30 EST, 06:30 UTC).
// The result is UTC.
//
// It reports whether the seconds were missing from the text (the "H:mm"
// forms), so the report can say so. An error says what the text was and
// what forms are accepted, in one line; it has no package prefix, being
// meant for a row's reason in a report.
func ParseTime(s string, loc *time.Location) (t time.Time, noSeconds bool, err error) {
	text := strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	if isSerial(text) {
		v, err := strconv.ParseFloat(text, 64)
		switch {
		case err != nil:
			return time.Time{}, false, timeError(s, "not a number")
		case v < 61:
			return time.Time{}, false, timeError(s, "an Excel serial before 61 (1900-03-01) is ambiguous: Excel counts a 1900-02-29 that never was")
		}
		t, ok := SerialTime(v, loc)
		if !ok {
			return time.Time{}, false, timeError(s, "an Excel serial past 2958465 (9999-12-31)")
		}
		return t.UTC(), false, nil
	}
	var f timeFields
	if why := f.parse(text); why != "" {
		return time.Time{}, false, timeError(s, why)
	}
	if f.zoned {
		loc = time.UTC
	}
	t = time.Date(f.year, time.Month(f.month), f.day, f.hour, f.min, f.sec, f.nsec, loc)
	return t.Add(-time.Duration(f.offset) * time.Second).UTC(), f.noSeconds, nil
}

// SerialTime converts an Excel 1900-system serial (days since 1899-12-30,
// fraction of a day) to a wall time in loc (nil is UTC), to the
// millisecond; false for serials out of 61..2958465, that is for days
// before 1900-03-01 (where Excel's calendar has its fake 1900-02-29) or
// after 9999-12-31. A fraction within day 2958465 is in range.
func SerialTime(serial float64, loc *time.Location) (time.Time, bool) {
	const msPerDay = 24 * 60 * 60 * 1000
	if !(serial >= 61 && serial < 2958466) { // NaN too
		return time.Time{}, false
	}
	ms := int64(math.Round(serial * msPerDay))
	days, ms := ms/msPerDay, ms%msPerDay
	if days > 2958465 { // 9999-12-31 23:59:59.9999 rounds into year 10000
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	sec := int(ms / 1000)
	return time.Date(1899, time.December, 30+int(days), sec/3600, sec/60%60, sec%60, int(ms%1000)*1e6, loc), true
}

// isSerial says s is digits with an optional fraction: an Excel serial.
// Signs, exponents and a lone point are not; a plain integer is (a date
// cell at midnight).
func isSerial(s string) bool {
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !point && digits > 0:
			point = true
		default:
			return false
		}
	}
	return digits > 0 && s[len(s)-1] != '.'
}

func timeError(s, why string) error {
	if len(s) > 64 {
		s = strings.ToValidUTF8(s[:64], "") + "…"
	}
	return fmt.Errorf("timestamp %q: %s; %s", s, why, timeForms)
}

// timeFields are the parts of a written date and time.
type timeFields struct {
	year, month, day, hour, min, sec, nsec int
	noSeconds, zoned                       bool
	offset                                 int // seconds east of UTC, when zoned
}

// parse reads s into f and returns why it could not, "" when it could.
func (f *timeFields) parse(s string) string {
	c := cursor{s: s}
	var ok bool
	if f.year, ok = c.number(4, 4); !ok {
		return "not a date and time"
	}
	dateSep := c.peek()
	if dateSep != '-' && dateSep != '/' {
		return "not a date and time"
	}
	c.i++
	f.month, ok = c.number(1, 2)
	ok = ok && c.take(dateSep)
	if ok {
		f.day, ok = c.number(1, 2)
	}
	if !ok {
		return "not a date and time"
	}
	switch c.peek() {
	case 'T', 't', ' ':
		c.i++
	case 0:
		return "no time of day"
	default:
		return "not a date and time"
	}
	f.hour, ok = c.number(1, 2)
	ok = ok && c.take(':')
	if ok {
		f.min, ok = c.number(2, 2)
	}
	if !ok {
		return "no time of day (H:mm)"
	}
	f.noSeconds = !c.take(':')
	if !f.noSeconds {
		if f.sec, ok = c.number(2, 2); !ok {
			return "seconds are not two digits"
		}
		if c.take('.') {
			start := c.i
			frac, ok := c.number(1, 9)
			if !ok {
				return "no digits after the decimal point"
			}
			if d := c.peek(); '0' <= d && d <= '9' {
				return "more than 9 fractional digits"
			}
			for n := c.i - start; n < 9; n++ {
				frac *= 10
			}
			f.nsec = frac
		}
	}
	if why := f.zone(&c); why != "" {
		return why
	}
	return f.check()
}

// zone reads an optional zone: Z, or an offset ±hh:mm or ±hhmm, after at
// most one space.
func (f *timeFields) zone(c *cursor) string {
	if c.i == len(c.s) {
		return ""
	}
	c.take(' ')
	sign := 1
	switch c.peek() {
	case 'Z', 'z':
		c.i++
		f.zoned = true
		return c.end()
	case '-':
		sign = -1
	case '+':
	default:
		return fmt.Sprintf("%q after the time", c.s[c.i:])
	}
	c.i++
	h, ok := c.number(2, 2)
	colon := c.take(':')
	m, okm := c.number(2, 2)
	if !ok || !okm && (colon || c.i < len(c.s)) {
		return "a zone offset is ±hh:mm"
	}
	if h > 23 || m > 59 {
		return "zone offset out of range"
	}
	f.zoned, f.offset = true, sign*(h*3600+m*60)
	return c.end()
}

func (f *timeFields) check() string {
	switch {
	case f.month < 1 || f.month > 12:
		return fmt.Sprintf("month %d out of range", f.month)
	case f.day < 1 || f.day > daysIn(f.year, f.month):
		return fmt.Sprintf("day %d out of range for %04d-%02d", f.day, f.year, f.month)
	case f.hour > 23:
		return fmt.Sprintf("hour %d out of range", f.hour)
	case f.min > 59:
		return fmt.Sprintf("minute %d out of range", f.min)
	case f.sec > 59:
		return fmt.Sprintf("second %d out of range", f.sec)
	}
	return ""
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// cursor walks a timestamp's text.
type cursor struct {
	s string
	i int
}

// peek is the next byte, 0 at the end.
func (c *cursor) peek() byte {
	if c.i < len(c.s) {
		return c.s[c.i]
	}
	return 0
}

func (c *cursor) take(b byte) bool {
	if c.peek() == b {
		c.i++
		return true
	}
	return false
}

// number reads min to max decimal digits.
func (c *cursor) number(minDigits, maxDigits int) (int, bool) {
	n, v := 0, 0
	for n < maxDigits && c.i < len(c.s) && '0' <= c.s[c.i] && c.s[c.i] <= '9' {
		v = v*10 + int(c.s[c.i]-'0')
		c.i++
		n++
	}
	return v, n >= minDigits
}

// end says what follows a complete timestamp, "" when nothing does.
func (c *cursor) end() string {
	if c.i < len(c.s) {
		return fmt.Sprintf("%q after the time", c.s[c.i:])
	}
	return ""
}
