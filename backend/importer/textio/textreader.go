package textio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// A decoder converts a prefix of src to UTF-8, appended to dst (UTF-8's
// returns src itself), and says how many bytes of src it used. A sequence
// cut at the end of src is left unused unless atEOF. bad says src[n:]
// starts with a sequence that is not text in the encoding.
type decoder func(dst, src []byte, atEOF bool) (out []byte, n int, bad bool)

func decoderFor(enc Encoding) decoder {
	switch enc {
	case UTF16LE, UTF16BE:
		return decodeUTF16(enc == UTF16BE)
	case ShiftJIS:
		return decodeShiftJIS(japanese.ShiftJIS.NewDecoder())
	}
	return decodeUTF8
}

// valid says the sample is text in enc; whole says it is the whole file,
// so that a sequence cut at its end counts against it.
func valid(enc Encoding, sample []byte, whole bool) bool {
	_, _, bad := decoderFor(enc)(nil, sample, whole)
	return !bad
}

// textReader is Decode's reader: it decodes a chunk at a time and gives
// the text before an invalid sequence, then the error naming it.
type textReader struct {
	src     io.Reader
	enc     Encoding
	decode  decoder
	in      []byte // read from src; in[:used] is decoded into out
	used    int
	off     int64 // the file offset of in[0]
	out     []byte
	pos     int    // out[:pos] has been read
	scratch []byte // out's storage, unless decode returns in itself
	err     error  // what follows out: io.EOF, src's error, an invalid sequence
}

func newTextReader(src io.Reader, enc Encoding, off int64) *textReader {
	return &textReader{src: src, enc: enc, decode: decoderFor(enc), in: make([]byte, 0, 32<<10), off: off}
}

func (t *textReader) Read(p []byte) (int, error) {
	for t.pos == len(t.out) {
		if t.err != nil {
			return 0, t.err
		}
		t.fill()
	}
	n := copy(p, t.out[t.pos:])
	t.pos += n
	return n, nil
}

// fill reads and decodes the next chunk. out has been read, so in[:used]
// can go; what is left of in is a sequence cut by the last read.
func (t *textReader) fill() {
	n := copy(t.in, t.in[t.used:])
	t.in, t.off, t.used = t.in[:n], t.off+int64(t.used), 0
	m, err := t.src.Read(t.in[n:cap(t.in)])
	t.in = t.in[:n+m]
	atEOF := errors.Is(err, io.EOF)
	out, used, bad := t.decode(t.scratch[:0], t.in, atEOF)
	if t.enc != UTF8 && t.enc != UTF8BOM { // out is not in itself: keep its storage
		t.scratch = out[:0]
	}
	t.out, t.pos, t.used = out, 0, used
	switch {
	case bad:
		at, name := t.in[used:], t.enc
		if name == UTF8BOM {
			name = UTF8
		}
		t.err = fmt.Errorf("textio: %w: byte %d (% x) is not %s", ErrInvalidText, t.off+int64(used), at[:min(len(at), 4)], name)
	case atEOF:
		t.err = io.EOF
	case err != nil:
		t.err = err
	}
}

// decodeUTF8 only checks: UTF-8 is the text already.
func decodeUTF8(_, src []byte, atEOF bool) ([]byte, int, bool) {
	end := len(src)
	if !atEOF {
		end = completeEnd(src)
	}
	if utf8.Valid(src[:end]) {
		return src[:end], end, false
	}
	for i := 0; i < end; {
		if src[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size == 1 {
			return src[:i], i, true
		}
		i += size
	}
	return src[:end], end, false // not reached: src[:end] was invalid
}

// completeEnd is len(b) less a UTF-8 sequence cut at its end: the start of
// the last sequence when it lacks bytes, so that it is decoded whole when
// the rest is read.
func completeEnd(b []byte) int {
	for k := 1; k <= min(len(b), utf8.UTFMax-1); k++ {
		c := b[len(b)-k]
		if c < utf8.RuneSelf {
			return len(b)
		}
		if c >= 0xC0 { // a leading byte
			if utf8.FullRune(b[len(b)-k:]) {
				return len(b)
			}
			return len(b) - k
		}
	}
	return len(b)
}

// decodeUTF16 decodes UTF-16 in the byte order given. An unpaired
// surrogate is invalid: x/text would write U+FFFD for it, which a file may
// also hold as itself, so the decoding is done here.
func decodeUTF16(bigEndian bool) decoder {
	unit := func(b []byte) rune { return rune(b[0]) | rune(b[1])<<8 }
	if bigEndian {
		unit = func(b []byte) rune { return rune(b[0])<<8 | rune(b[1]) }
	}
	return func(dst, src []byte, atEOF bool) ([]byte, int, bool) {
		dst = slices.Grow(dst, len(src)/2*3)
		i := 0
		for len(src)-i >= 2 {
			u := unit(src[i:])
			switch {
			case u < utf8.RuneSelf:
				dst = append(dst, byte(u))
				i += 2
			case !utf16.IsSurrogate(u):
				dst = utf8.AppendRune(dst, u)
				i += 2
			case u >= 0xDC00: // a low surrogate with no high one before it
				return dst, i, true
			case len(src)-i < 4:
				return dst, i, atEOF
			default:
				r := utf16.DecodeRune(u, unit(src[i+2:]))
				if r == utf8.RuneError {
					return dst, i, true
				}
				dst = utf8.AppendRune(dst, r)
				i += 4
			}
		}
		return dst, i, atEOF && i < len(src)
	}
}

// replacement is what x/text's Shift_JIS decoder writes for a sequence it
// cannot decode. No CP932 character maps to U+FFFD, so finding it in the
// output means invalid input.
var replacement = []byte(string(utf8.RuneError))

// decodeShiftJIS decodes CP932 with x/text and turns the U+FFFD it writes
// for invalid input back into an error at the sequence's offset.
func decodeShiftJIS(t transform.Transformer) decoder {
	return func(dst, src []byte, atEOF bool) ([]byte, int, bool) {
		start := len(dst)
		dst = slices.Grow(dst, 3*len(src)) // a half-width kana byte is 3 bytes of UTF-8
		buf := dst[start : start+3*len(src)]
		nDst, nSrc, _ := t.Transform(buf, src, atEOF) // only ErrShortSrc, a lead byte at the end
		if i := bytes.Index(buf[:nDst], replacement); i >= 0 {
			return dst[:start+i], sjisBadAt(t, src), true
		}
		return dst[:start+nDst], nSrc, false
	}
}

// sjisBadAt is the offset of the first sequence of src that t decodes as
// U+FFFD. The output before it is what t wrote before its U+FFFD: a
// character decodes the same wherever it stands.
func sjisBadAt(t transform.Transformer, src []byte) int {
	var buf [8]byte
	for i := 0; i < len(src); {
		size := 1
		if c := src[i]; (0x81 <= c && c <= 0x9F || 0xE0 <= c && c <= 0xFC) && i+1 < len(src) {
			size = 2
		}
		n, _, _ := t.Transform(buf[:], src[i:i+size], true)
		if bytes.HasPrefix(buf[:n], replacement) {
			return i
		}
		i += size
	}
	return len(src)
}
