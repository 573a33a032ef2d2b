package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// appendRecord appends fields as a record of RFC 4180: fields separated
// by commas, ended by CRLF, a field quoted when it holds a comma, a quote,
// CR or LF, quotes doubled. encoding/csv is not used because with UseCRLF
// it rewrites a field's own line ends (a lone LF becomes CRLF, a lone CR
// is dropped), and an export must keep every description byte for byte.
func appendRecord(b []byte, fields []string) []byte {
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
	return append(b, '\r', '\n')
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

// csvWindow is a window of rows as the CSV holds them.
type csvWindow struct {
	text        []byte // the records
	tree        merkle // the rows' leaves
	neutralised int
}

// csvRowBytes is about a row's size, to make a window's text in one go
// (the simulator's rows: 266 bytes on average, details included).
const csvRowBytes = 320

func writeCSV(j *job, out io.Writer) error {
	var head []byte
	if j.req.BOM {
		head = append(head, utf8BOM...)
	}
	// The header is ours and never risky; it is not counted.
	if _, err := out.Write(appendRecord(head, header(j.loc, 1))); err != nil {
		return err
	}
	neutralise := !j.req.KeepFormulas
	return eachWindow(j, func(_ int, evs []audit.Event) *csvWindow {
		w := &csvWindow{text: buffers.get(len(evs) * csvRowBytes)}
		var cells [nText + 1]string
		var text [nText]string
		for i := range evs {
			e := &evs[i]
			textCells(e, &text)
			cells[0] = timestampText(e.Time, j.loc)
			copy(cells[1:], text[:])
			for k, f := range cells {
				if neutralise && Marked(f) {
					// OWASP: a leading apostrophe makes a spreadsheet show
					// the text instead of running it; the manifest says it
					// was added.
					cells[k] = "'" + f
					w.neutralised++
				}
			}
			w.text = appendRecord(w.text, cells[:])
			w.tree.addRow(cells[:])
		}
		return w
	}, func(w *csvWindow) error {
		j.tree.append(&w.tree)
		j.neutralised += w.neutralised
		_, err := out.Write(w.text)
		buffers.put(w.text)
		return err
	})
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
