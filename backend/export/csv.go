package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// csvWriter writes RFC 4180: fields separated by commas, records ended by
// CRLF, a field quoted when it holds a comma, a quote, CR or LF, quotes
// doubled. encoding/csv is not used because with UseCRLF it rewrites a
// field's own line ends (a lone LF becomes CRLF, a lone CR is dropped),
// and an export must keep every description byte for byte.
type csvWriter struct {
	w    *bufio.Writer
	line []byte // the record being made
}

func (c *csvWriter) record(fields []string) error {
	b := c.line[:0]
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		if !needsQuotes(f) {
			b = append(b, f...)
			continue
		}
		b = append(b, '"')
		for {
			i := strings.IndexByte(f, '"')
			if i < 0 {
				break
			}
			b = append(b, f[:i+1]...)
			b = append(b, '"')
			f = f[i+1:]
		}
		b = append(b, f...)
		b = append(b, '"')
	}
	b = append(b, '\r', '\n')
	c.line = b
	_, err := c.w.Write(b)
	return err
}

// quoted marks the bytes that make a field quoted.
var quoted = [256]bool{',': true, '"': true, '\r': true, '\n': true}

// needsQuotes says whether f holds a comma, a quote, CR or LF
// (strings.ContainsAny, at a quarter of its cost).
func needsQuotes(f string) bool {
	for i := 0; i < len(f); i++ {
		if quoted[f[i]] {
			return true
		}
	}
	return false
}

// utf8BOM lets Excel open a UTF-8 CSV as UTF-8 (Japanese, Vietnamese)
// instead of the system's code page.
const utf8BOM = "\uFEFF"

func writeCSV(j *job, out io.Writer) error {
	c := &csvWriter{w: bufio.NewWriterSize(out, 1<<20)}
	if j.req.BOM {
		_, _ = c.w.WriteString(utf8BOM)
	}
	// The header is ours and never risky; it is not counted.
	if err := c.record(header(j.loc)); err != nil {
		return err
	}
	neutralise := !j.req.KeepFormulas
	var text [9]string
	err := eachRow(j, func(e *audit.Event, cells *[10]string) {
		textCells(e, &text)
		cells[0] = timestampText(e.Time, j.loc)
		copy(cells[1:], text[:])
		for i, f := range cells {
			if neutralise && risky(f) {
				// OWASP: a leading apostrophe makes a spreadsheet show the
				// text instead of running it; the manifest says it was added.
				cells[i] = "'" + f
				j.neutralised++
			}
		}
	}, func(cells *[10]string) error {
		// The leaf is hashed here, not in prep: reading and checking the
		// rows is as much work as writing them.
		j.tree.addRow(cells[:])
		return c.record(cells[:])
	})
	if err != nil {
		return err
	}
	return c.w.Flush()
}

// ReadCSV reads what writeCSV writes (RFC 4180) keeping every field byte
// for byte, CR and LF inside quotes included, which encoding/csv's reader
// would normalise. A leading BOM is skipped.
func ReadCSV(r io.Reader) ([][]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	s := strings.TrimPrefix(string(b), utf8BOM)
	var rows [][]string
	var row []string
	var field strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '"' {
			i++
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return nil, fmt.Errorf("export: csv: record %d: a quoted field is not closed", len(rows)+1)
				}
				field.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					field.WriteByte('"')
					i++
					continue
				}
				break
			}
		} else {
			j := strings.IndexAny(s[i:], ",\r")
			if j < 0 {
				j = len(s) - i
			}
			field.WriteString(s[i : i+j])
			i += j
		}
		row = append(row, field.String())
		field.Reset()
		switch {
		case i == len(s):
			return nil, fmt.Errorf("export: csv: record %d does not end with CRLF", len(rows)+1)
		case s[i] == ',':
			i++
		case strings.HasPrefix(s[i:], "\r\n"):
			rows = append(rows, row)
			row = nil
			i += 2
		default:
			return nil, fmt.Errorf("export: csv: record %d: unexpected %q after a field", len(rows)+1, s[i])
		}
	}
	return rows, nil
}
