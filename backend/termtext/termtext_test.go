package termtext

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile is what a server could put in a name to take over a terminal.
const hostile = "evil\x1b[2J\x1b]0;title\x07\x1b]52;c;b3duZWQ=\x07\x1b]52;c;b3duZWQ=\x1b\\\u009b2J\u202egpj.exe\u2066x\u2069\x00a\rb\x7f"

func TestSafe(t *testing.T) {
	tests := []struct{ name, in, safe, inline string }{
		{"plain", "alice@example.com", "alice@example.com", "alice@example.com"},
		{"Japanese", "山田 太郎：ワークスペース「経理」", "山田 太郎：ワークスペース「経理」", "山田 太郎：ワークスペース「経理」"},
		{"Vietnamese", "Nguyễn Thị Hương đã xóa", "Nguyễn Thị Hương đã xóa", "Nguyễn Thị Hương đã xóa"},
		{"emoji with joiners and selectors", "👩‍💻 ❤️ 🇯🇵", "👩‍💻 ❤️ 🇯🇵", "👩‍💻 ❤️ 🇯🇵"},
		{"Arabic without controls", "مرحبا", "مرحبا", "مرحبا"},
		{"line feed and tab", "a\tb\nc", "a\tb\nc", `a\tb\nc`},
		{"clear screen", "\x1b[2J", `\x1b[2J`, `\x1b[2J`},
		{"OSC 0 title, BEL", "\x1b]0;x\x07", `\x1b]0;x\a`, `\x1b]0;x\a`},
		{"OSC 52 clipboard, ST", "\x1b]52;c;aGk=\x1b\\", `\x1b]52;c;aGk=\x1b\`, `\x1b]52;c;aGk=\x1b\`},
		{"C1 CSI", "\u009b31m", `\u009b31m`, `\u009b31m`},
		{"C1 NEL and OSC", "a\u0085b\u009d", `a\u0085b\u009d`, `a\u0085b\u009d`},
		{"RLO", "\u202egpj.exe", `\u202egpj.exe`, `\u202egpj.exe`},
		{"isolates and marks", "\u2066a\u2069\u200e\u200f\u061c\u202a", `\u2066a\u2069\u200e\u200f\u061c\u202a`, `\u2066a\u2069\u200e\u200f\u061c\u202a`},
		{"NUL, CR, DEL", "a\x00b\rc\x7f", `a\x00b\rc\x7f`, `a\x00b\rc\x7f`},
		{"bytes that are not UTF-8", "a\x9bb\xff\xe2\x80", `a\x9bb\xff\xe2\x80`, `a\x9bb\xff\xe2\x80`},
		{"a backslash stays", `C:\x1b`, `C:\x1b`, `C:\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Safe(tt.in); got != tt.safe {
				t.Errorf("Safe(%q) = %q, want %q", tt.in, got, tt.safe)
			}
			if got := Inline(tt.in); got != tt.inline {
				t.Errorf("Inline(%q) = %q, want %q", tt.in, got, tt.inline)
			}
		})
	}
}

func TestWriterMatchesSafeAtEverySplit(t *testing.T) {
	in := "山田\x1b[2J\u202eNguyễn\xe2\x80 👩‍💻\u009b\n" + hostile
	want := Safe(in)
	for cut := 0; cut <= len(in); cut++ {
		var out bytes.Buffer
		w := NewWriter(&out)
		for _, part := range []string{in[:cut], in[cut:]} {
			if n, err := w.Write([]byte(part)); n != len(part) || err != nil {
				t.Fatalf("Write: %d, %v", n, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Fatalf("split at %d: %q, want %q", cut, out.String(), want)
		}
	}
	// A stream that ends inside a rune: the held bytes were not UTF-8.
	var out bytes.Buffer
	w := NewWriter(&out)
	_, _ = w.Write([]byte("ok\xe2\x80"))
	if out.String() != "ok" {
		t.Errorf("before Flush: %q, want the incomplete rune held", out.String())
	}
	_ = w.Flush()
	if out.String() != `ok\xe2\x80` {
		t.Errorf("after Flush: %q", out.String())
	}
}

func TestNoAllocationForCleanText(t *testing.T) {
	clean := "2026-01-02 03:04:05  山田 太郎  Nguyễn Thị Hương đã xóa  👩‍💻\tworkspace\n"
	var sink string
	if n := testing.AllocsPerRun(100, func() { sink = Safe(clean) }); n != 0 {
		t.Errorf("Safe allocates %v times for clean text", n)
	}
	if n := testing.AllocsPerRun(100, func() { sink = Inline(strings.TrimSpace(clean[:40])) }); n != 0 {
		t.Errorf("Inline allocates %v times for clean text", n)
	}
	_ = sink
	w := NewWriter(discard{})
	p := []byte(clean)
	if n := testing.AllocsPerRun(100, func() { _, _ = w.Write(p) }); n != 0 {
		t.Errorf("Writer.Write allocates %v times for clean text", n)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// forbidden is the first rune or byte of out a terminal would obey, told
// apart here without the package's own tables; "" if there is none.
func forbidden(out string, inline bool) string {
	for i, r := range out {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD"):
			return out[i : i+1]
		case r < 0x20 && (inline || r != '\n' && r != '\t'), r >= 0x7f && r <= 0x9f,
			r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return string(r)
		}
	}
	return ""
}

// FuzzSafe: whatever the input, the output holds nothing a terminal
// obeys, a second pass changes nothing, clean text passes unchanged, and
// the Writer gives Safe's output however the input is cut into writes.
func FuzzSafe(f *testing.F) {
	for _, s := range []string{
		"", "plain", hostile, "山田 太郎", "Nguyễn Thị Hương", "👩‍💻🇯🇵", "\xe2\x80", "\xff\xfe", "\xed\xa0\x80",
		"\u009b\u202e\u2066", "a\tb\nc\rd", "\U0010FFFF\uFFFD",
	} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, step uint8) {
		for _, fn := range []struct {
			name   string
			f      func(string) string
			inline bool
		}{{"Safe", Safe, false}, {"Inline", Inline, true}} {
			out := fn.f(s)
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: not UTF-8", fn.name, s, out)
			}
			if bad := forbidden(out, fn.inline); bad != "" {
				t.Fatalf("%s(%q) = %q: holds %q", fn.name, s, out, bad)
			}
			if again := fn.f(out); again != out {
				t.Fatalf("%s is not idempotent: %q, then %q", fn.name, out, again)
			}
			if forbidden(s, fn.inline) == "" && out != s {
				t.Fatalf("%s(%q) = %q: changed clean text", fn.name, s, out)
			}
		}
		var out bytes.Buffer
		w := NewWriter(&out)
		n := int(step%7) + 1
		for i := 0; i < len(s); i += n {
			_, _ = w.Write([]byte(s[i:min(len(s), i+n)]))
		}
		_ = w.Flush()
		if want := Safe(s); out.String() != want {
			t.Fatalf("Writer in writes of %d bytes: %q, want %q", n, out.String(), want)
		}
	})
}
