package simulator

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/internal/jsontext"
)

func TestAppendStringRoundTrip(t *testing.T) {
	var ctl strings.Builder
	for b := range 0x20 {
		ctl.WriteByte(byte(b))
	}
	cases := []string{
		"", "plain", `"quoted", comma`, "back\\slash", "line\nfeed\r\nCRLF\ttab",
		ctl.String(), "\x7f del", "日本語「引用」", "Tiếng Việt có dấu", "👩‍💻🚀",
		"\u2028\u2029", "<script>&amp;</script>", "=HYPERLINK(\"http://x\",\"click\")",
		hostile[10], strings.Repeat("é", 2048),
	}
	for _, s := range cases {
		checkRoundTrip(t, s)
	}
	// Line and paragraph separators are escaped, so a page can be pasted
	// into JavaScript.
	if got := string(jsontext.AppendString(nil, "a\u2028b\u2029")); got != `"a\u2028b\u2029"` {
		t.Errorf("U+2028/U+2029 written as %s", got)
	}
	// Invalid UTF-8 becomes U+FFFD, as encoding/json does.
	for _, s := range []string{"\xff", "a\xc3", "\xed\xa0\x80 surrogate", "ok\xe2\x82"} {
		var got string
		b := jsontext.AppendString(nil, s)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q -> %s: %v", s, b, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if !utf8.ValidString(got) || strings.Count(got, "\uFFFD") < strings.Count(want, "\uFFFD") {
			t.Errorf("%q -> %q", s, got)
		}
	}
}

func checkRoundTrip(t *testing.T, s string) {
	t.Helper()
	b := jsontext.AppendString([]byte("x"), s)[1:]
	var got string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%q -> %s does not parse: %v", s, b, err)
	}
	if got != s {
		t.Errorf("%q -> %s -> %q", s, b, got)
	}
	if bb := jsontext.AppendString(nil, []byte(s)); string(bb) != string(b) {
		t.Errorf("string and []byte forms differ: %s vs %s", b, bb)
	}
	for _, c := range b {
		if c < 0x20 {
			t.Errorf("%q: raw control byte %#x in output", s, c)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		b := jsontext.AppendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q -> %s: %v", s, b, err)
		}
		if utf8.ValidString(s) && got != s {
			t.Fatalf("%q -> %q", s, got)
		}
	})
}

func TestAppendTimestamp(t *testing.T) {
	for _, ts := range []time.Time{
		time.Date(2026, 11, 20, 10, 31, 2, 123e6, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999e6, time.UTC),
	} {
		got := string(appendTimestamp(nil, ts.UnixMilli()))
		want := `"` + ts.Format("2006-01-02T15:04:05.000Z") + `"`
		if got != want {
			t.Errorf("%v: %s, want %s", ts, got, want)
		}
	}
}

// The wire form of every event decodes, with encoding/json, to exactly the
// domain value EventAt gives.
func TestEventJSONEqualsDomain(t *testing.T) {
	s, _, _ := serve(t, Config{Events: 20000, Seed: 17})
	var r record
	for i := range s.Len() {
		s.generate(s.k0+int64(i), &r)
		b := appendEvent(nil, &r, s.world)
		var a apiEvent
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("event %d does not parse: %v\n%s", i, err, b)
		}
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(b, &raw)
		if _, ok := raw["workspace"]; !ok {
			t.Fatalf("event %d has no workspace key", i)
		}
		if err := sameEvent(a.domain(t), s.EventAt(i)); err != nil {
			t.Fatalf("event %d: %v\n%s", i, err, b)
		}
	}
}
