//go:build !race

// Writing a million rows takes excelize 7 s, and 140 s under the race
// detector; the split's code runs on one goroutine, so `make test` runs this
// file without -race (see the Makefile's gotest).

package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Past 1,048,575 data rows the rows go on in a new sheet, each sheet with
// its header; nothing is dropped.
func TestXLSXSplitsPastTheSheetLimit(t *testing.T) {
	const n = SheetRows + 1
	// Rows made on the fly: an index of a million events would only slow
	// the test (under -race most of all) without testing more of the split.
	src := genSource{base: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	req := request(path, nil, time.UTC)
	req.Source, req.Total = src, n
	m, err := Write(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Events|Events (2)|About" || m.Sheets != 2 || m.Rows != n {
		t.Fatalf("sheets %s, manifest %d sheets %d rows", got, m.Sheets, m.Rows)
	}
	// excelize's row reader takes two minutes over a million rows; the
	// sheets' XML is scanned instead, row element by row element.
	for _, c := range []struct {
		part    string
		rows    int
		lastRef string
		lastID  string
	}{
		{"xl/worksheets/sheet1.xml", SheetRows + 1, "J1048576", "e1048574"},
		{"xl/worksheets/sheet2.xml", 2, "J2", "e1048575"},
	} {
		rows, last := scanRows(t, path, c.part)
		if rows != c.rows || !strings.Contains(last, `<c r="`+c.lastRef+`" s="`) || !strings.Contains(last, `" t="inlineStr"><is><t>`+c.lastID+`</t>`) {
			t.Errorf("%s: %d rows, last %.300q; want %d rows (header included) ending with %s", c.part, rows, last, c.rows, c.lastID)
		}
	}
}

// genSource makes row i on demand: event "e<i>", one second after the last.
type genSource struct{ base time.Time }

func (g genSource) Rows(offset, limit int) ([]audit.Event, error) {
	out := make([]audit.Event, limit)
	for k := range out {
		i := offset + k
		out[k] = audit.Event{ID: "e" + strconv.Itoa(i), Time: g.base.Add(time.Duration(i) * time.Second), User: "u", Scope: audit.ScopeBilling, Category: "Wallet", Action: "Top Up", Status: audit.StatusSuccess}
	}
	return out, nil
}

// scanRows counts the <row> elements of a sheet part and returns the last.
func scanRows(t *testing.T, path, part string) (int, string) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = z.Close() }()
	for _, f := range z.File {
		if f.Name != part {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = r.Close() }()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		end := []byte("</row>")
		sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
			if i := bytes.Index(data, end); i >= 0 {
				return i + len(end), data[:i+len(end)], nil
			}
			if atEOF {
				return len(data), nil, nil
			}
			return 0, nil, nil
		})
		n, last := 0, ""
		for sc.Scan() {
			if tok := sc.Bytes(); len(tok) > 0 {
				n++
				if j := bytes.LastIndex(tok, []byte("<row ")); j >= 0 {
					last = string(tok[j:])
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		return n, last
	}
	t.Fatalf("%s has no %s", path, part)
	return 0, ""
}
