package textio

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// FuzzRecords feeds arbitrary bytes through Decode(Auto), NewRecords and
// Next: nothing panics, lines never go back, and text that is comma CSV
// without quotes reads as strings.Split of each line.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{
		"",
		"a,b,c\n1,2,3\n",
		"a,b\r\n1,2\r\n",
		"a;b\n1;2",
		"a\tb\n\"x\ty\"\t2\n",
		"a,\"b\nc\",d\n",
		"a,\"b\"\"c\"\n",
		"a,\"open\n",
		"\"x\"y,1\n",
		"\n\n,\n\r\n",
		"x\ry,z\r",
		mixedText,
		"\xEF\xBB\xBF" + mixedText,
		"\xFF\xFEa\x00,\x00b\x00\n\x00",
		"a\x00,\x00b\x00\n\x00",
		"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"a,b\n\xFF\n",
	} {
		f.Add([]byte(s))
	}
	f.Add(encode(f, japanese.ShiftJIS, japaneseText))
	f.Add(encode(f, utf16BEBOM, mixedText))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, enc, err := Decode(bytes.NewReader(data), Auto)
		if err != nil {
			return
		}
		rs, err := NewRecords(text, 0)
		if err != nil {
			return
		}
		var got []rec
		last := 1
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("%d records from %d bytes", n, len(data))
			}
			fields, line, err := rs.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if line < last {
				t.Fatalf("line %d after line %d (%v)", line, last, err)
			}
			last = line
			if errors.Is(err, ErrMalformed) {
				continue
			}
			if err != nil {
				break
			}
			if len(fields) == 0 || len(fields) == 1 && fields[0] == "" {
				t.Fatalf("line %d: blank record %q", line, fields)
			}
			got = append(got, rec{line, slices.Clone(fields)})
		}

		if enc != UTF8 || !utf8.Valid(data) || bytes.IndexByte(data, '"') >= 0 {
			return
		}
		want := splitModel(string(data))
		if rs.Sep() == ',' && !slices.EqualFunc(got, want, recEqual) {
			t.Fatalf("sniffed comma:\n%v\nwant\n%v", got, want)
		}
		got, _, err = readAll(t, bytes.NewReader(data), ',')
		if err != nil || !slices.EqualFunc(got, want, recEqual) {
			t.Fatalf("comma given: %v\n%v\nwant\n%v", err, got, want)
		}
	})
}

// splitModel is what comma CSV without quotes must read as: each line cut
// at its commas, its LF or CRLF (or a last CR) off, blank lines skipped.
func splitModel(s string) []rec {
	lines := strings.Split(s, "\n")
	var want []rec
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if l != "" {
			want = append(want, rec{i + 1, strings.Split(l, ",")})
		}
	}
	return want
}

func recEqual(a, b rec) bool { return a.line == b.line && slices.Equal(a.fields, b.fields) }

// FuzzParseTime: nothing panics, a time is UTC, an error is one line
// that quotes the text.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2026-11-05 09:03:07", "2026-11-05 09:03:07.123456789", "2026-11-05T09:03:07.123Z",
		"2026-11-05T09:03:07+09:00", "2026-11-05 09:03:07 +0900", "2026/11/5 9:03", "2026/11/05 9:03:07",
		"2026-11-05 9:03", "46331.3771180556", "61", "60", "2958465.99999999", "2958466",
		"2026-03-08 02:30:00", "2026-11-01 01:30:00", "yesterday", "", "0000-01-01 00:00", "9999-12-31 23:59:59-23:59",
		"99999999999999999999999999.5", "2026-11-05 09:03:07\n\x1b", "2026-11-05 09:03:07.1234567890",
	} {
		f.Add(s)
	}
	locs := []*time.Location{time.UTC, mustZone(f, "Asia/Tokyo"), mustZone(f, "America/New_York")}
	f.Fuzz(func(t *testing.T, s string) {
		for _, loc := range locs {
			got, _, err := ParseTime(s, loc)
			if err != nil {
				if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, "timestamp ") {
					t.Fatalf("message %q", msg)
				}
				continue
			}
			if got.Location() != time.UTC {
				t.Fatalf("ParseTime(%q, %v) = %v, not UTC", s, loc, got)
			}
		}
	})
}
