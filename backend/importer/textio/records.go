package textio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrMalformed is wrapped by the errors Next returns for a record that is
// not RFC 4180: a quoted field not closed by the end of the file, text
// after a closing quote, a record past maxRecord. Next goes on with the
// line after the one the error was found on, so a caller may count the
// record as bad and read on; errors of reading (ErrInvalidText, I/O) end
// the stream instead.
var ErrMalformed = errors.New("malformed record")

// maxRecord bounds the bytes of one record, so that a quote never closed
// in a file of gigabytes is an error rather than all of the file in memory.
const maxRecord = 64 << 20

// Records reads delimited records from UTF-8 text, streaming: RFC 4180
// quoting (quoted fields may hold separators, quotes doubled, CR, LF,
// CRLF), CRLF or LF line ends, a final line without a newline. The
// separator is sniffed from the first lines (outside quotes) among ',',
// ';', '\t' (the one giving a consistent column count > 1 over the sampled
// lines; ties prefer tab, then comma), unless sep was given non-zero.
// When no separator is consistent, the one whose count agrees with the
// first record's on most sampled records wins; one column reads as comma.
//
// A field keeps its bytes: line ends inside quotes stay as they are (CRLF
// is not made LF), and a CR alone outside quotes is text, except as the
// file's last byte. A quote opens a quoted field only as the field's first
// byte; anywhere else in an unquoted field it is kept literally, as Excel
// writes it. A UTF-8 BOM at the start is skipped, in case the text did not
// come through Decode.
type Records struct {
	br     *bufio.Reader
	sep    byte
	line   int    // the line number of the next byte to read
	cur    int    // the line number of the line being parsed
	err    error  // a read error, returned again by every Next
	raw    []byte // a line longer than br's buffer, gathered
	buf    []byte // the record's fields, unquoted, one after another
	ends   []int  // where each field ends in buf
	fields []string
}

// NewRecords makes a Records over r; sep 0 sniffs. It reads ahead at most
// 64 KiB to sniff, and does so with a sep given too, so that a read error
// there (ErrInvalidText from Decode's reader) is NewRecords' own. A sep
// given must be an ASCII character other than a quote, CR or LF.
func NewRecords(r io.Reader, sep rune) (*Records, error) {
	if sep < 0 || sep >= utf8.RuneSelf || sep == '"' || sep == '\r' || sep == '\n' {
		return nil, fmt.Errorf("textio: separator %q: want an ASCII character other than a quote, CR or LF", sep)
	}
	br := bufio.NewReaderSize(r, sampleSize)
	// The first read error is NewRecords': Peek hands it over only once.
	sample, err := br.Peek(sampleSize)
	whole := errors.Is(err, io.EOF)
	switch {
	case err == nil, whole, errors.Is(err, bufio.ErrBufferFull):
	case errors.Is(err, ErrInvalidText): // Decode's, which says where
		return nil, err
	default:
		return nil, fmt.Errorf("textio: read: %w", err)
	}
	if bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}) {
		sample = sample[3:]
		_, _ = br.Discard(3) // buffered: it cannot fail
	}
	if sep == 0 {
		sep = rune(sniff(sample, whole))
	}
	return &Records{br: br, sep: byte(sep), line: 1}, nil
}

// Sep is the separator in use.
func (r *Records) Sep() rune { return rune(r.sep) }

// Next returns the next record and the 1-based line number where it
// starts (a quoted field with newlines spans lines, and the next record's
// line counts them); io.EOF at the end, with line 0.
//
// The slice is Records' own and is overwritten by the next call: copy it
// (slices.Clone) to keep it. The strings in it are ordinary strings that
// stay valid: a record's fields share one allocation of their bytes.
//
// Blank lines (no text, or one empty field such as "") are skipped. An
// error is returned with the line its record starts on; see ErrMalformed
// for which ones Next reads on after.
func (r *Records) Next() (fields []string, line int, err error) {
	for {
		start, err := r.record()
		if err != nil {
			if errors.Is(err, io.EOF) {
				start = 0
			}
			return nil, start, err
		}
		if len(r.ends) == 1 && r.ends[0] == 0 {
			continue
		}
		s := string(r.buf)
		r.fields = r.fields[:0]
		from := 0
		for _, end := range r.ends {
			r.fields = append(r.fields, s[from:end])
			from = end
		}
		return r.fields, start, nil
	}
}

// record parses the next record into buf and ends and returns the line it
// starts on.
func (r *Records) record() (int, error) {
	r.buf, r.ends = r.buf[:0], r.ends[:0]
	start := r.line
	line, err := r.readLine()
	if err != nil {
		return start, err
	}
	pos := 0
	for {
		if pos == len(line) || line[pos] != '"' {
			rest := line[pos:]
			i := bytes.IndexByte(rest, r.sep)
			if i < 0 {
				r.buf = append(r.buf, trimLineEnd(rest)...)
				r.ends = append(r.ends, len(r.buf))
				return start, nil
			}
			r.buf = append(r.buf, rest[:i]...)
			r.ends = append(r.ends, len(r.buf))
			pos += i + 1
			continue
		}
		pos++
		for {
			i := bytes.IndexByte(line[pos:], '"')
			if i < 0 {
				r.buf = append(r.buf, line[pos:]...)
				if len(r.buf) > maxRecord {
					return start, fmt.Errorf("textio: %w: line %d: longer than %d MiB (a quote not closed?)", ErrMalformed, start, maxRecord>>20)
				}
				line, err = r.readLine()
				if errors.Is(err, io.EOF) {
					return start, fmt.Errorf("textio: %w: line %d: a quoted field is not closed by the end of the file", ErrMalformed, start)
				}
				if err != nil {
					return start, err
				}
				pos = 0
				continue
			}
			r.buf = append(r.buf, line[pos:pos+i]...)
			pos += i + 1
			if pos < len(line) && line[pos] == '"' {
				r.buf = append(r.buf, '"')
				pos++
				continue
			}
			break
		}
		r.ends = append(r.ends, len(r.buf))
		switch rest := line[pos:]; {
		case len(rest) == 0 || len(trimLineEnd(rest)) == 0:
			return start, nil
		case rest[0] == r.sep:
			pos++
		default:
			return start, fmt.Errorf("textio: %w: line %d: %q after the closing quote of field %d", ErrMalformed, r.cur, preview(rest), len(r.ends))
		}
	}
}

// readLine returns the next line with its LF, or at the end of the file
// without one (a CR before the end is a line end, as encoding/csv has
// it). The line is valid until the next call.
func (r *Records) readLine() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	line, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.raw = append(r.raw[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) && len(r.raw) <= maxRecord {
			line, err = r.br.ReadSlice('\n')
			r.raw = append(r.raw, line...)
		}
		line = r.raw
		if errors.Is(err, bufio.ErrBufferFull) {
			for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of the line
				_, err = r.br.ReadSlice('\n')
			}
			r.cur = r.line
			if err == nil {
				r.line++
			}
			return nil, fmt.Errorf("textio: %w: line %d: longer than %d MiB", ErrMalformed, r.cur, maxRecord>>20)
		}
	}
	r.cur = r.line
	switch {
	case err == nil:
		r.line++
	case len(line) > 0 && errors.Is(err, io.EOF):
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	default:
		r.err = err
		return nil, err
	}
	return line, nil
}

// trimLineEnd takes the LF or CRLF off the end of a line.
func trimLineEnd(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n > 1 && b[n-2] == '\r' {
			b = b[:n-2]
		}
	}
	return b
}

// preview is the start of b for an error message: enough to find it.
func preview(b []byte) string {
	b = trimLineEnd(b)
	if len(b) <= 20 {
		return string(b)
	}
	cut := 20
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "…"
}
