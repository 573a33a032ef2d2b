// Package termtext makes text from outside (a server's names and events, a
// file, an error that quotes either) safe to print on a terminal: the
// terminal shows it and never obeys it.
//
// A terminal obeys C0 controls (ESC starts CSI and OSC sequences: clear the
// screen, set the title, write the clipboard with OSC 52; CR returns over
// what was printed), DEL, the C1 controls U+0080-U+009F (U+009B is CSI on
// its own, U+009D is OSC) and, in the text it lays out, the bidi controls
// (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) that reorder what
// follows them. Bytes that are not UTF-8 are escaped too: a terminal in an
// 8-bit mode reads a lone 0x9B as CSI.
//
// Each such rune is written as its escape, the way Go's %q writes it:
// `\x1b`, `\r`, `\u009b`, `\u202e`, and `\xff` for a byte that is not
// UTF-8. Not U+FFFD, which would hide what the server sent (an auditor
// wants to see that a name carried ESC]52); not the control pictures
// (␛), which exist for C0 only, are missing from many fonts, and have an
// ambiguous width beside Japanese text. The escapes are plain ASCII, one
// column each, and name the exact code point. A backslash is not escaped,
// so the result is not reversible: the text is for reading, and
// `query --json` gives the exact value. Everything else, Japanese,
// Vietnamese, emoji with their joiners and variation selectors, passes
// unchanged, and text with nothing to escape costs no allocation.
package termtext

import (
	"io"
	"unicode/utf8"
)

// Safe returns s with every rune a terminal would obey written as its
// escape. Line feeds and tabs are kept: they lay lines out, and neither
// moves the cursor back over what was printed. It returns s itself when
// there is nothing to escape.
func Safe(s string) string { return clean(s, false) }

// Inline is Safe for a value printed inside one line or one table cell:
// line feeds and tabs are escaped too, so the value cannot start a line of
// its own (a forged "OK:" under ours) or open a column of a tabwriter.
func Inline(s string) string { return clean(s, true) }

func clean(s string, inline bool) string {
	if i, _ := obeyedAt(s, inline); i == len(s) {
		return s
	}
	return string(appendSafe(make([]byte, 0, len(s)+16), s, inline))
}

// obeyedAt returns where the first rune of s to escape starts and its
// width in bytes; len(s) and 0 when there is none.
func obeyedAt[T string | []byte](s T, inline bool) (at, width int) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != 0x7f || !inline && (c == '\n' || c == '\t') {
				i++
				continue
			}
			return i, 1
		}
		// At most UTFMax bytes: for a []byte the conversion then stays on
		// the stack.
		r, n := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		if r == utf8.RuneError && n == 1 || obeyed(r) {
			return i, n
		}
		i += n
	}
	return len(s), 0
}

// obeyed reports whether a terminal acts on r, a decoded rune at or above
// U+0080: the C1 controls and the bidi controls.
func obeyed(r rune) bool {
	switch {
	case r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func appendSafe[T string | []byte](dst []byte, s T, inline bool) []byte {
	for len(s) > 0 {
		i, n := obeyedAt(s, inline)
		dst = append(dst, s[:i]...)
		if n == 0 {
			break
		}
		dst = appendEscape(dst, s[i:i+n])
		s = s[i+n:]
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendEscape writes the escape of one obeyed rune, or of one byte that
// is not UTF-8.
func appendEscape[T string | []byte](dst []byte, s T) []byte {
	if len(s) == 1 {
		switch c := s[0]; c {
		case '\a':
			return append(dst, `\a`...)
		case '\b':
			return append(dst, `\b`...)
		case '\f':
			return append(dst, `\f`...)
		case '\n':
			return append(dst, `\n`...)
		case '\r':
			return append(dst, `\r`...)
		case '\t':
			return append(dst, `\t`...)
		case '\v':
			return append(dst, `\v`...)
		default:
			return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	r, _ := utf8.DecodeRuneInString(string(s))
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// Writer applies Safe to everything written through it, for a command's
// stdout and stderr: one place that no printed line can go around. A rune
// split across two writes (a bufio.Writer flushes at any byte) is held
// until the next write completes it; Flush escapes what is still held.
type Writer struct {
	w    io.Writer
	held [utf8.UTFMax - 1]byte
	nh   int
	in   []byte // held bytes joined with the next write
	out  []byte // the escaped text, reused
}

// NewWriter returns a Writer that writes the safe form of its input to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p's safe form and reports len(p) once it is all written.
func (w *Writer) Write(p []byte) (int, error) {
	in := p
	if w.nh > 0 {
		w.in = append(append(w.in[:0], w.held[:w.nh]...), p...)
		in, w.nh = w.in, 0
	}
	if k := partialTail(in); k > 0 {
		w.nh = copy(w.held[:], in[len(in)-k:])
		in = in[:len(in)-k]
	}
	if len(in) == 0 {
		return len(p), nil
	}
	if i, _ := obeyedAt(in, false); i < len(in) {
		w.out = appendSafe(w.out[:0], in, false)
		in = w.out
	}
	if _, err := w.w.Write(in); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes the escape of an incomplete UTF-8 sequence still held from
// the last write: the stream ended inside it, so it was not UTF-8.
func (w *Writer) Flush() error {
	if w.nh == 0 {
		return nil
	}
	w.out = appendSafe(w.out[:0], w.held[:w.nh], false)
	w.nh = 0
	_, err := w.w.Write(w.out)
	return err
}

// partialTail is the length of an incomplete but so far valid UTF-8
// sequence at the end of p, which the next write may complete; 0 if none.
func partialTail(p []byte) int {
	for k := 1; k < utf8.UTFMax && k <= len(p); k++ {
		c := p[len(p)-k]
		if c < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(p[len(p)-k:]) {
				return 0
			}
			return k
		}
	}
	return 0
}
