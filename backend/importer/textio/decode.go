package textio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrInvalidText is wrapped by every error that says the bytes are not
// text in the file's encoding: an invalid sequence found while reading
// (with its byte offset), and detection that recognised no encoding.
var ErrInvalidText = errors.New("invalid text in the file's encoding")

// sampleSize is how far Decode looks ahead to detect an encoding, and
// NewRecords to sniff a separator: enough for hundreds of lines, small
// enough to hold for a file of any size.
const sampleSize = 64 << 10

// unknownText is detection's failure. It wraps ErrInvalidText so that a
// caller tells "this is not text we read" from an I/O error with one test,
// and says what to do rather than repeating the sentinel.
type unknownText struct{}

func (unknownText) Error() string {
	return "textio: not UTF-8, UTF-16 or Shift_JIS text: give --encoding"
}
func (unknownText) Unwrap() error { return ErrInvalidText }

// Decode returns r's text as UTF-8 (BOM removed) and the encoding it found
// or was told.
//
// Detection reads at most the first 64 KiB ahead (buffered, nothing lost),
// so it streams files of any size. Auto (or ""): a UTF-8 BOM, UTF-16 BOMs;
// else UTF-16 without BOM when the sample has NULs in alternate bytes (and
// is valid UTF-16 in that order); else UTF-8 if the sample is valid UTF-8
// (a multibyte sequence cut at the sample's end is fine); else Shift_JIS
// if the sample decodes without invalid sequences; else an error, "not
// UTF-8, UTF-16 or Shift_JIS text: give --encoding", wrapping
// ErrInvalidText. A sample holding a NUL byte that is not UTF-16 is taken
// for binary, not UTF-8 or Shift_JIS: text files do not hold NULs, and
// binary ones nearly always do.
//
// A BOM wins over a request, and is reported (UTF8BOM, UTF16LE,
// UTF16BE): its bytes cannot be text in the other encodings (FF and FE
// are not UTF-8 or Shift_JIS; EF BB BF as UTF-16 would be two unlikely
// Hangul syllables), so it says what the file is even when the flag says
// otherwise. Without one, the request is followed: UTF16 is LE, UTF8BOM
// means UTF8. A requested encoding is not checked here: its first invalid
// sequence is an error from Read like any other.
//
// Invalid sequences are never replaced with U+FFFD: Read returns the text
// before one, then an error wrapping ErrInvalidText that names the
// encoding and the sequence's byte offset in the file (counted from 0,
// the BOM included, as a hex editor shows it). Errors from r are returned
// as they are, after the text decoded before them.
func Decode(r io.Reader, want Encoding) (io.Reader, Encoding, error) {
	br := bufio.NewReaderSize(r, sampleSize)
	sample, err := br.Peek(sampleSize)
	whole := false
	switch {
	case errors.Is(err, io.EOF):
		whole = true
	case err != nil && !errors.Is(err, bufio.ErrBufferFull):
		return nil, "", fmt.Errorf("textio: read: %w", err)
	}

	var enc Encoding
	switch want {
	case "", Auto:
	case UTF8, UTF8BOM:
		enc = UTF8
	case UTF16, UTF16LE:
		enc = UTF16LE
	case UTF16BE, ShiftJIS:
		enc = want
	default:
		return nil, "", fmt.Errorf("textio: unknown encoding %q", want)
	}
	found, bom := bomOf(sample)
	switch {
	case found != "":
		enc = found
	case enc == "":
		if enc = detect(sample, whole); enc == "" {
			return nil, "", unknownText{}
		}
	}
	if _, err := br.Discard(bom); err != nil {
		return nil, "", fmt.Errorf("textio: read: %w", err)
	}
	return newTextReader(br, enc, int64(bom)), enc, nil
}

// bomOf returns the encoding a byte order mark at the start of b names
// and the mark's length; "" and 0 without one.
func bomOf(b []byte) (Encoding, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM, 3
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return UTF16LE, 2
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return UTF16BE, 2
	}
	return "", 0
}

// detect names the encoding of a sample without a BOM, "" when it is none
// of those read. whole says the sample is the whole file, so a sequence
// cut at its end is an error rather than the sample's edge.
func detect(sample []byte, whole bool) Encoding {
	if enc := utf16Order(sample); enc != "" && valid(enc, sample, whole) {
		return enc
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return ""
	}
	for _, enc := range []Encoding{UTF8, ShiftJIS} {
		if valid(enc, sample, whole) {
			return enc
		}
	}
	return ""
}

// utf16Order tells UTF-16 without a BOM by its NULs: text that is mostly
// ASCII (an audit log's times, addresses and commas) has a NUL in every
// other byte, the high one of each unit, and almost none in the low ones
// (only U+0100-like characters, such as the ideographic space U+3000).
// It names the byte order, or "" when the NULs show none.
func utf16Order(b []byte) Encoding {
	units := len(b) / 2
	if units == 0 {
		return ""
	}
	var even, odd int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	switch {
	case odd*8 >= units && even*4 <= odd:
		return UTF16LE
	case even*8 >= units && odd*4 <= even:
		return UTF16BE
	}
	return ""
}
