package textio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/japanese"
)

// rec is a record as a test expects it: the line it starts on, its fields.
type rec struct {
	line   int
	fields []string
}

func (r rec) String() string { return fmt.Sprintf("%d:%q", r.line, r.fields) }

// readAll reads every record of text, and the error that ended them when
// it is not io.EOF.
func readAll(t testing.TB, text io.Reader, sep rune) ([]rec, rune, error) {
	t.Helper()
	rs, err := NewRecords(text, sep)
	if err != nil {
		return nil, 0, err
	}
	var got []rec
	for {
		fields, line, err := rs.Next()
		if errors.Is(err, io.EOF) {
			return got, rs.Sep(), nil
		}
		if err != nil {
			return got, rs.Sep(), err
		}
		got = append(got, rec{line, slices.Clone(fields)})
	}
}

func TestRecords(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		sep     rune
		wantSep rune
		want    []rec
	}{
		{
			"quoted newlines keep the lines counted",
			"時刻,説明,状態\n2026-11-05 09:03:07,\"一行目\n二行目\n三行目\",SUCCESS\n2026-11-05 09:04:00,\"a\r\nb\",FAILED\n2026-11-05 09:05:00,c,SUCCESS",
			0, ',',
			[]rec{
				{1, []string{"時刻", "説明", "状態"}},
				{2, []string{"2026-11-05 09:03:07", "一行目\n二行目\n三行目", "SUCCESS"}},
				{5, []string{"2026-11-05 09:04:00", "a\r\nb", "FAILED"}},
				{7, []string{"2026-11-05 09:05:00", "c", "SUCCESS"}},
			},
		},
		{
			"CRLF",
			"a,b\r\n1,2\r\n3,\r\n",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}, {3, []string{"3", ""}}},
		},
		{
			"doubled quotes and separators in quotes",
			"user,description\r\n\"Yamada, Taro\",\"said \"\"stop\"\"\"\r\n\"\"\"\",\"\"\r\n",
			0, ',',
			[]rec{{1, []string{"user", "description"}}, {2, []string{"Yamada, Taro", `said "stop"`}}, {3, []string{`"`, ""}}},
		},
		{
			"a CR alone in quotes",
			"a,b\n\"x\ry\",z\n",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"x\ry", "z"}}},
		},
		{
			"semicolon, as European Excel writes",
			"Zeit;Benutzer;Betrag\n2026-11-05 09:03:07;müller;\"1.234,50\"\n2026-11-05 09:04:07;x, y;12,5\n",
			0, ';',
			[]rec{{1, []string{"Zeit", "Benutzer", "Betrag"}}, {2, []string{"2026-11-05 09:03:07", "müller", "1.234,50"}}, {3, []string{"2026-11-05 09:04:07", "x, y", "12,5"}}},
		},
		{
			"tab with commas in the descriptions",
			"Timestamp\tUser\tDescription\n2026-11-05 09:03:07\talice\tStopped a, b, and c\n2026-11-05 09:04:07\tbob\tStarted x\n2026-11-05 09:05:07\tcarol\tDeleted \"p, q\"\n",
			0, '\t',
			[]rec{
				{1, []string{"Timestamp", "User", "Description"}},
				{2, []string{"2026-11-05 09:03:07", "alice", "Stopped a, b, and c"}},
				{3, []string{"2026-11-05 09:04:07", "bob", "Started x"}},
				{4, []string{"2026-11-05 09:05:07", "carol", `Deleted "p, q"`}},
			},
		},
		{
			"tab and comma both consistent: tab",
			"a, x\tb\n1, y\t2\n",
			0, '\t',
			[]rec{{1, []string{"a, x", "b"}}, {2, []string{"1, y", "2"}}},
		},
		{
			"comma and semicolon both consistent: comma",
			"a;x,b\n1;y,2\n",
			0, ',',
			[]rec{{1, []string{"a;x", "b"}}, {2, []string{"1;y", "2"}}},
		},
		{
			"separator inside quotes is not counted",
			"a,b\n\"1\t2\t3\",4\n\"5\t6\",7\n",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"1\t2\t3", "4"}}, {3, []string{"5\t6", "7"}}},
		},
		{
			"ragged: the count that agrees with the header most",
			"a,b,c\n1,2,3\n4,5\n6,7,8\n9;10\n",
			0, ',',
			[]rec{{1, []string{"a", "b", "c"}}, {2, []string{"1", "2", "3"}}, {3, []string{"4", "5"}}, {4, []string{"6", "7", "8"}}, {5, []string{"9;10"}}},
		},
		{
			"no trailing newline",
			"a,b\n1,2",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}},
		},
		{
			"CR as the last byte",
			"a,b\r\n1,2\r",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}},
		},
		{
			"quoted field ends the file",
			"a,b\n1,\"2\"",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}},
		},
		{
			"blank lines skipped, counted",
			"\na,b\n\n\r\n1,2\n\"\"\n3,4\n\n",
			0, ',',
			[]rec{{2, []string{"a", "b"}}, {5, []string{"1", "2"}}, {7, []string{"3", "4"}}},
		},
		{
			"empty fields are fields",
			"a,b,c\n,,\n",
			0, ',',
			[]rec{{1, []string{"a", "b", "c"}}, {2, []string{"", "", ""}}},
		},
		{
			"a bare quote in an unquoted field is text",
			"name,size\n5\" disk,a \"b\" c\n=\"0123\",x\"\n",
			0, ',',
			[]rec{{1, []string{"name", "size"}}, {2, []string{`5" disk`, `a "b" c`}}, {3, []string{`="0123"`, `x"`}}},
		},
		{
			"a CR inside an unquoted field is text",
			"a,b\nx\ry,z\n",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"x\ry", "z"}}},
		},
		{
			"one column reads as comma",
			"timestamp\n2026-11-05 09:03:07\n",
			0, ',',
			[]rec{{1, []string{"timestamp"}}, {2, []string{"2026-11-05 09:03:07"}}},
		},
		{
			"a separator given",
			"a|b,c\n1|2,3\n",
			'|', '|',
			[]rec{{1, []string{"a", "b,c"}}, {2, []string{"1", "2,3"}}},
		},
		{
			"a BOM at the start is not text",
			"\xEF\xBB\xBFa,b\n1,2\n",
			0, ',',
			[]rec{{1, []string{"a", "b"}}, {2, []string{"1", "2"}}},
		},
		{"empty", "", 0, ',', nil},
		{"only blank lines", "\n\r\n\n", 0, ',', nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for how, r := range map[string]io.Reader{
				"whole":    strings.NewReader(tt.in),
				"one byte": iotest.OneByteReader(strings.NewReader(tt.in)),
			} {
				got, sep, err := readAll(t, r, tt.sep)
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				if sep != tt.wantSep {
					t.Errorf("%s: separator %q, want %q", how, sep, tt.wantSep)
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("%s: records\n%v\nwant\n%v", how, got, tt.want)
				}
			}
		})
	}
}

func TestRecordsErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantErr  string
		wantLine int
		want     []rec // records before and after the error
	}{
		{
			"unterminated quote",
			"a,b\n1,\"open\n2,3\n4,5\n",
			"textio: malformed record: line 2: a quoted field is not closed by the end of the file", 2,
			[]rec{{1, []string{"a", "b"}}},
		},
		{
			"text after a closing quote, read on after it",
			"a,b\n\"x\"y,1\n2,3\n",
			`textio: malformed record: line 2: "y,1" after the closing quote of field 1`, 2,
			[]rec{{1, []string{"a", "b"}}, {3, []string{"2", "3"}}},
		},
		{
			"text after a closing quote on a later line of the record",
			"a,b\n\"x\ny\" z,1\n2,3\n",
			`textio: malformed record: line 3: " z,1" after the closing quote of field 1`, 2,
			[]rec{{1, []string{"a", "b"}}, {4, []string{"2", "3"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := NewRecords(strings.NewReader(tt.in), ',')
			if err != nil {
				t.Fatal(err)
			}
			var got []rec
			seen := false
			for range 10 {
				fields, line, err := rs.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					if seen || !errors.Is(err, ErrMalformed) || err.Error() != tt.wantErr || line != tt.wantLine {
						t.Errorf("error %q at line %d; want %q at line %d, once, wrapping ErrMalformed", err, line, tt.wantErr, tt.wantLine)
					}
					seen = true
					continue
				}
				got = append(got, rec{line, slices.Clone(fields)})
			}
			if !seen {
				t.Error("no error")
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("records\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
	for _, sep := range []rune{'"', '\n', '\r', '、', -1} {
		if _, err := NewRecords(strings.NewReader("a"), sep); err == nil {
			t.Errorf("NewRecords(sep %q): no error", sep)
		}
	}
}

// TestRecordsDecodeErrors: an invalid byte past both look-aheads ends the
// records with ErrInvalidText; one inside them is NewRecords' error.
func TestRecordsDecodeErrors(t *testing.T) {
	lines := strings.Repeat("2026-11-05 09:03:07,alice,停止\n", 5000) // 170 KB
	for name, in := range map[string]string{
		"past the look-aheads": lines + "\xFF,x\n",
		"in the sample":        "a,b\n\xFF\n" + lines,
	} {
		t.Run(name, func(t *testing.T) {
			text, _, err := Decode(strings.NewReader(in), UTF8)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := readAll(t, text, 0)
			if !errors.Is(err, ErrInvalidText) || strings.Count(err.Error(), "textio:") != 1 {
				t.Fatalf("after %d records: %v, want one ErrInvalidText", len(got), err)
			}
		})
	}
}

// TestRecordsLongLines reads records far longer than the 64 KiB buffer.
func TestRecordsLongLines(t *testing.T) {
	long := strings.Repeat("説明", 100_000) // 600 KB
	quoted := strings.Repeat("a,\"b\"\n", 50_000)
	in := "a,b\n1," + long + "\n\"" + strings.ReplaceAll(quoted, `"`, `""`) + "\",2\n3,4"
	got, sep, err := readAll(t, strings.NewReader(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []rec{{1, []string{"a", "b"}}, {2, []string{"1", long}}, {3, []string{quoted, "2"}}, {50_004, []string{"3", "4"}}}
	if sep != ',' || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("separator %q, %d records; want ',' and %d", sep, len(got), len(want))
		for i := range min(len(got), len(want)) {
			if got[i].line != want[i].line || !slices.Equal(got[i].fields, want[i].fields) {
				t.Errorf("record %d: line %d, %d fields; want line %d", i, got[i].line, len(got[i].fields), want[i].line)
			}
		}
	}
}

// TestRecordsAfterDecode reads a CSV re-saved by Excel on Japanese
// Windows (Shift_JIS) and an Excel "Unicode Text" file (UTF-16LE, tabs),
// from their bytes.
func TestRecordsAfterDecode(t *testing.T) {
	want := []rec{{1, []string{"日時", "説明"}}, {2, []string{"2026/11/5 9:03", "停止しました, 再開予定"}}, {3, []string{"2026/11/5 9:04", "ｶﾅ \"引用\""}}}
	tests := []struct {
		name string
		in   []byte
		enc  Encoding
		sep  rune
	}{
		{"Shift_JIS CSV", encode(t, japanese.ShiftJIS, "日時,説明\r\n2026/11/5 9:03,\"停止しました, 再開予定\"\r\n2026/11/5 9:04,\"ｶﾅ \"\"引用\"\"\"\r\n"), ShiftJIS, ','},
		{"Unicode Text", encode(t, utf16LEBOM, "日時\t説明\r\n2026/11/5 9:03\t停止しました, 再開予定\r\n2026/11/5 9:04\t\"ｶﾅ \"\"引用\"\"\"\r\n"), UTF16LE, '\t'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, enc, err := Decode(bytes.NewReader(tt.in), Auto)
			if err != nil {
				t.Fatal(err)
			}
			got, sep, err := readAll(t, text, 0)
			if err != nil || enc != tt.enc || sep != tt.sep || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, %q, %v, %v; want %s, %q, %v", enc, sep, got, err, tt.enc, tt.sep, want)
			}
		})
	}
}

// TestRecordsFlatMemory streams 300,000 records from a generator and
// checks that what stays live does not grow with what was read.
func TestRecordsFlatMemory(t *testing.T) {
	const rows = 300_000
	rs, err := NewRecords(&consoleLines{left: rows}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var m runtime.MemStats
	var peak uint64
	for n := 0; ; n++ {
		_, _, err := rs.Next()
		if errors.Is(err, io.EOF) {
			if n != rows+1 {
				t.Fatalf("%d records, want %d", n, rows+1)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n%50_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
		}
	}
	if peak > 4<<20 {
		t.Errorf("live heap reached %d KiB while streaming ~30 MB", peak>>10)
	}
}

// consoleLines generates the console's CSV: a header, then left lines of
// eight columns, every tenth with a quoted description.
type consoleLines struct {
	left int
	n    int
	buf  []byte
}

func (c *consoleLines) Read(p []byte) (int, error) {
	for len(c.buf) < len(p) && c.left > 0 {
		if c.n == 0 {
			c.buf = append(c.buf, "timestamp,user,scope,category,action,target,status,description\r\n"...)
		}
		c.n++
		c.left--
		c.buf = fmt.Appendf(c.buf, "2026-11-05 09:%02d:%02d,user%d@example.com,workspace,notebook,stop,nb-%06d,SUCCESS,", c.n/60%60, c.n%60, c.n%97, c.n)
		if c.n%10 == 0 {
			c.buf = append(c.buf, "\"Stopped notebook, as \"\"asked\"\"\"\r\n"...)
		} else {
			c.buf = append(c.buf, "Stopped notebook\r\n"...)
		}
	}
	if len(c.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.buf)
	c.buf = c.buf[:copy(c.buf, c.buf[n:])]
	return n, nil
}

// TestSniffCutSample sniffs a tab-separated file whose 64 KiB sample ends
// inside a quoted description of several lines, and whose descriptions
// hold a varying number of commas.
func TestSniffCutSample(t *testing.T) {
	var b strings.Builder
	b.WriteString("Timestamp\tUser\tDescription\r\n")
	for i := 0; b.Len() < sampleSize-40; i++ {
		fmt.Fprintf(&b, "2026-11-05 09:03:07\tuser%d\tStopped%s\r\n", i, strings.Repeat(" a,", i%4))
	}
	b.WriteString("2026-11-05 09:03:08\tyamada\t\"停止しました,\r\n" + strings.Repeat("理由, 詳細\r\n", 20) + "\"\r\n")
	b.WriteString("2026-11-05 09:03:09\tlast\tend\r\n")
	if b.Len() < sampleSize+100 {
		t.Fatalf("the quoted field does not straddle the sample: %d bytes", b.Len())
	}
	got, sep, err := readAll(t, strings.NewReader(b.String()), 0)
	if err != nil || sep != '\t' {
		t.Fatalf("separator %q, %v", sep, err)
	}
	for _, r := range got {
		if len(r.fields) != 3 {
			t.Fatalf("line %d: %d fields", r.line, len(r.fields))
		}
	}
	if last := got[len(got)-1]; last.fields[1] != "last" || last.line != strings.Count(b.String(), "\n") {
		t.Errorf("last record %v", last)
	}
}
