package auditapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// The decoders walk jsontext values by hand instead of json.Unmarshal into
// a struct: Unmarshal cannot require a key to be present, and a second
// validation pass would cost more. Hand-walked, one pass checks required
// keys and exact types, and on the benchmark page it is still ~20% faster
// than a bare Unmarshal with a third of its allocations. jsontext's
// defaults reject duplicate names and invalid UTF-8 at every depth. Names
// are compared exactly, so "Description" is an unknown field: skipped.

// errTruncated marks a body that ends inside the JSON value: a connection
// closed mid-body without framing, so the request is worth repeating.
var errTruncated = errors.New("response ends mid-document")

// contractError says where a body breaks the contract.
type contractError struct {
	path string // e.g. "events[3].timestamp"
	msg  string
	err  error // the jsontext error, if any
}

func (e *contractError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

func (e *contractError) Unwrap() error { return e.err }

// decoder wraps jsontext.Decoder with the few typed reads the schemas need.
type decoder struct {
	d       *jsontext.Decoder
	scratch []byte // unescaped string values
	arena   []byte // the texts of one event, or of one ref
	nameBuf []byte // unescaped names, kept apart so a name outlives its value
	size    int    // of the body, to guess capacities
}

func newDecoder(body []byte) *decoder {
	// A bytes.Buffer lets jsontext parse in place, without copying the body.
	return &decoder{d: jsontext.NewDecoder(bytes.NewBuffer(body))}
}

// fail turns a jsontext error into a contractError, keeping truncation
// recognisable for the retry loop.
func (d *decoder) fail(path string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &contractError{path: path, msg: errTruncated.Error(), err: errTruncated}
	}
	return &contractError{path: path, msg: oneLine(err.Error()), err: err}
}

func wrongKind(path, want string, got jsontext.Kind) error {
	return &contractError{path: path, msg: fmt.Sprintf("want %s, got %s", want, kindName(got))}
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "nothing"
}

// open reads the delimiter that starts an object or array.
func (d *decoder) open(path string, delim jsontext.Kind) error {
	tok, err := d.d.ReadToken()
	if err != nil {
		return d.fail(path, err)
	}
	if k := tok.Kind(); k != delim {
		want := "an object"
		if delim == '[' {
			want = "an array"
		}
		return wrongKind(path, want, k)
	}
	return nil
}

// more reports whether the open object or array has another member; at its
// end it consumes the closing delimiter.
func (d *decoder) more(path string) (bool, error) {
	switch d.d.PeekKind() {
	case '}', ']':
		if _, err := d.d.ReadToken(); err != nil {
			return false, d.fail(path, err)
		}
		return false, nil
	case 0: // a syntax or I/O error: let ReadToken report it
		_, err := d.d.ReadToken()
		return false, d.fail(path, err)
	}
	return true, nil
}

// members calls fn with the name of each member of the open object, up to
// and including its end; fn reads the member's value. It stops at the first
// error, fn's or the reader's. The per-event loops do not use it: a call
// per member costs there.
func (d *decoder) members(path string, fn func(key []byte) error) error {
	for {
		ok, err := d.more(path)
		if err != nil || !ok {
			return err
		}
		key, err := d.name(path)
		if err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
	}
}

// name reads an object member's name, unescaped. The bytes are valid until
// the next name is read; callers switch on string(name), which does not
// allocate.
func (d *decoder) name(path string) ([]byte, error) {
	v, err := d.d.ReadValue() // jsontext has checked syntax, UTF-8 and duplicates
	if err != nil {
		return nil, d.fail(path, err)
	}
	in := v[1 : len(v)-1]
	if bytes.IndexByte(in, '\\') < 0 {
		return in, nil
	}
	d.nameBuf, err = unquote(d.nameBuf[:0], v)
	if err != nil {
		return nil, d.fail(path, err)
	}
	return d.nameBuf, nil
}

// str reads a value that must be a string. Reading the raw value and
// unquoting only when it has escapes costs one allocation per string,
// where Token.String costs two for escaped text.
func (d *decoder) str(path string) (string, error) {
	v, err := d.d.ReadValue()
	if err != nil {
		return "", d.fail(path, err)
	}
	if k := v.Kind(); k != '"' {
		return "", wrongKind(path, "a string", k)
	}
	in := v[1 : len(v)-1]
	if bytes.IndexByte(in, '\\') < 0 {
		return string(in), nil
	}
	d.scratch, err = unquote(d.scratch[:0], v)
	if err != nil {
		return "", d.fail(path, err)
	}
	return string(d.scratch), nil
}

// unquote appends the text of v, a JSON string that the decoder has already
// checked (syntax, escapes, surrogates, UTF-8). Runs between escapes are
// copied whole; jsontext.AppendUnquote would decode them rune by rune
// again, which was a sixth of the page decoding time. Anything unexpected
// falls back to it.
func unquote(dst []byte, v []byte) ([]byte, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return jsontext.AppendUnquote(dst, v)
	}
	start := len(dst)
	in := v[1 : len(v)-1]
	for {
		i := bytes.IndexByte(in, '\\')
		if i < 0 {
			return append(dst, in...), nil
		}
		dst = append(dst, in[:i]...)
		in = in[i:]
		if len(in) < 2 {
			return jsontext.AppendUnquote(dst[:start], v)
		}
		n := 2
		switch c := in[1]; c {
		case '"', '\\', '/':
			dst = append(dst, c)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(in[2:])
			n = 6
			if ok && utf16.IsSurrogate(r) {
				r2, ok2 := rune(0), false
				if len(in) >= 12 && in[6] == '\\' && in[7] == 'u' {
					r2, ok2 = hex4(in[8:])
				}
				r, n = utf16.DecodeRune(r, r2), 12
				ok = ok2 && r != utf8.RuneError
			}
			if !ok {
				return jsontext.AppendUnquote(dst[:start], v)
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return jsontext.AppendUnquote(dst[:start], v)
		}
		in = in[n:]
	}
}

// hex4 parses the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// span is where a string's text sits in decoder.arena.
type span struct{ off, end int }

// text reads a value that must be a string and appends its text to d.arena.
func (d *decoder) text(path string) (span, error) {
	v, err := d.d.ReadValue()
	if err != nil {
		return span{}, d.fail(path, err)
	}
	if k := v.Kind(); k != '"' {
		return span{}, wrongKind(path, "a string", k)
	}
	off := len(d.arena)
	if in := v[1 : len(v)-1]; bytes.IndexByte(in, '\\') < 0 {
		d.arena = append(d.arena, in...)
	} else if d.arena, err = unquote(d.arena, v); err != nil {
		return span{}, d.fail(path, err)
	}
	return span{off, len(d.arena)}, nil
}

// textOrNull reads a string or null (an empty span).
func (d *decoder) textOrNull(path string) (span, error) {
	if d.d.PeekKind() == 'n' {
		if _, err := d.d.ReadToken(); err != nil {
			return span{}, d.fail(path, err)
		}
		return span{}, nil
	}
	return d.text(path)
}

// strOrNull reads a string or null; null gives "".
func (d *decoder) strOrNull(path string) (string, error) {
	if d.d.PeekKind() == 'n' {
		_, err := d.d.ReadToken()
		if err != nil {
			return "", d.fail(path, err)
		}
		return "", nil
	}
	return d.str(path)
}

func (d *decoder) skip(path string) error {
	if err := d.d.SkipValue(); err != nil {
		return d.fail(path, err)
	}
	return nil
}

// end checks that nothing follows the document.
func (d *decoder) end() error {
	_, err := d.d.ReadToken()
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return d.fail("", err)
	}
	return &contractError{msg: "data after the end of the document"}
}

// missing names the first required key absent from seen.
func missing(path string, seen, want uint16, names []string) error {
	for i, n := range names {
		if want&(1<<i) != 0 && seen&(1<<i) == 0 {
			return &contractError{path: path, msg: fmt.Sprintf("required key %q is missing", n)}
		}
	}
	return nil
}
