package export

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// rowTexts are cell texts whose XML is not their bytes: escapes, spaces
// that excelize keeps, literal _xHHHH_ escapes in all of bstrMarshal's
// cases, text xmlCell makes safe or cuts.
var rowTexts = []string{
	"", "plain", " lead", "trail ", "\ttab", "lf\n", "\rcr", "a\nb\r\nc\td",
	`"quoted" 'single' & <b>tag</b> >`, "=1+1", "日本語 🚀 Đã dừng",
	"_x0041_", "_x005F_", "_x005f_", "_x005F_x0041_", "_x005F_x00zz_", "_x005F_xD800_", "_xD800_", "a_x00e9_b_x005F_c_x0041_",
	"__x0041__", "_x004", "x0041_", "&_x0041_<",
	"bell\x07 esc\x1b[31m \x01", "bad \xff\xfe utf-8", "\ufffe\uffff", "\ufffd",
	strings.Repeat("é", 40_000), strings.Repeat("😀", 20_000),
}

// excelizeWrites says whether excelize writes s so that it reads back:
// not when it holds a character XML cannot (it writes U+FFFD for it) or a
// literal escape of no character (_xD800_, which reading drops); the rows
// made here write those with _xHHHH_ escapes (appendBstrText).
func excelizeWrites(s string) bool {
	for _, r := range s {
		if !xmlChar(r) {
			return false
		}
	}
	return bstrUnmarshal(bstrMarshal(s)) == s
}

// The rows made here are byte for byte what excelize's StreamWriter
// writes from the same cells through SetRow, whatever their text (but
// one holding a character XML cannot: TestXLSXKeepsControlCharacters),
// time and status: the file reads as the excelize-made one did.
func TestXLSXRowsAreExcelizes(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	st, err := newStyles(f)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	x := xlsxRows{styles: st, loc: tokyo}
	var texts []string
	for _, s := range rowTexts {
		if safe, _ := xmlCell(s, true); excelizeWrites(safe) {
			texts = append(texts, s)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	statuses := []audit.Status{audit.StatusSuccess, audit.StatusFailed, "PENDING", ""}
	var ours []byte
	for i := range 400 {
		e := audit.Event{
			Time:   time.UnixMilli(r.Int64N(5e12) - 1e12).UTC(),
			Status: statuses[i%len(statuses)],
		}
		if i == 0 {
			e.Time = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)
		}
		var cells [nText]string
		for k := range cells {
			cells[k], _ = xmlCell(texts[(i*9+k)%len(texts)], true)
		}
		row := []any{excelize.Cell{StyleID: st.timestamp, Value: excelSerial(e.Time, tokyo)}}
		for _, c := range cells {
			row = append(row, excelize.Cell{StyleID: st.top, Value: c})
		}
		switch e.Status {
		case audit.StatusSuccess:
			row[6] = excelize.Cell{StyleID: st.success, Value: cells[5]}
		case audit.StatusFailed:
			row[6] = excelize.Cell{StyleID: st.failed, Value: cells[5]}
		}
		row[7] = excelize.Cell{StyleID: st.wrap, Value: cells[6]}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), row, excelize.RowOpts{Height: descHeight(cells[6])}); err != nil {
			t.Fatal(err)
		}
		ours = x.appendRow(ours, i+2, &e, &cells, nil)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := f.Write(&file); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/rows.xlsx"
	if err := writeFile(path, file.Bytes()); err != nil {
		t.Fatal(err)
	}
	sheet := string(zipEntry(t, path, "xl/worksheets/sheet1.xml"))
	theirs := sheet[strings.Index(sheet, "<sheetData>")+len("<sheetData>") : strings.Index(sheet, sheetDataEnd)]
	if string(ours) != theirs {
		a, b := string(ours), theirs
		k := 0
		for k < min(len(a), len(b)) && a[k] == b[k] {
			k++
		}
		t.Fatalf("the rows differ from excelize's at byte %d:\nours   %.300q\nexcelize %.300q", k, a[max(0, k-100):], b[max(0, k-100):])
	}
}

// A text holding characters XML cannot (C0 controls, U+FFFE, U+FFFF)
// is written with OOXML's _xHHHH_ escapes, every underscore escaped too,
// and reads back (excelize, as verify-export and the importer read it)
// exactly as it was, literal escapes, underscores and all; only bytes that
// are not UTF-8 become U+FFFD.
func TestXLSXKeepsControlCharacters(t *testing.T) {
	texts := append([]string{
		"\x01_x0041_", "_x0041\x01", "\x01x0041_", "_x005F_\x07", "a_\x1b_b", "\x00", "\x1f_x00\x01_", "\ufffe_xFFFE_",
		"=1+1\x07", "\t\x07 ", "日本\x1b語 🚀", `{"a":"\u0007","b":"_x0041_"}` + "\x08",
	}, rowTexts...)
	var evs []audit.Event
	for i, s := range texts {
		evs = append(evs, audit.Event{
			ID: fmt.Sprintf("evt-%03d", i), Time: time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC), User: "u@example.com",
			Scope: audit.ScopeService, Category: "c", Action: "a", Status: audit.StatusSuccess, Target: s, Details: []byte(s),
		})
	}
	res := result(t, buildIndex(t, evs), audit.Filter{}, audit.Sort{Field: audit.SortID})
	path := t.TempDir() + "/ctl.xlsx"
	m, err := Write(t.Context(), request(path, res, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if c := check(t, path); !c.RowsOK || !c.SHA256OK {
		t.Fatalf("verify-export: %s", c.Problem)
	}
	_, sheets := readXLSX(t, path)
	rows := sheets[eventsSheet]
	at, parts := detailsSpan(rows[0])
	altered := 0
	for i, s := range texts {
		row := rows[i+1]
		for len(row) < len(rows[0]) {
			row = append(row, "")
		}
		target, cut := xmlCell(s, true)
		details, _ := xmlCell(s, false)
		if target != s || cut {
			altered++
		}
		if details != s {
			altered++
		}
		if row[5] != target || (target == s) != utf8.ValidString(s) && !cut {
			t.Errorf("%.80q: Target read back as %.80q", s, row[5])
		}
		if got := joinDetails(row, at, parts)[at]; got != details {
			t.Errorf("%q: Details read back as %.80q", s, got)
		}
	}
	if m.CellsMadeSafe != altered {
		t.Errorf("cells made safe %d, want %d (the bad UTF-8 and the cut Targets)", m.CellsMadeSafe, altered)
	}
}

// crc32Combine gives the CRC-32 of two pieces from theirs, at every
// length and split.
func TestCRC32Combine(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	b := make([]byte, 70_000)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	for _, n := range []int{0, 1, 2, 3, 7, 8, 100, 4096, 65_537, len(b)} {
		for _, at := range []int{0, 1, n / 3, n / 2, n - 1, n} {
			if at < 0 || at > n {
				continue
			}
			got := crc32Combine(crc32.ChecksumIEEE(b[:at]), crc32.ChecksumIEEE(b[at:n]), int64(n-at))
			if want := crc32.ChecksumIEEE(b[:n]); got != want {
				t.Fatalf("%d bytes split at %d: %08x, want %08x", n, at, got, want)
			}
		}
	}
}

// Rows deflated apart go into their entry before its </sheetData>, and the
// entry reads back whole, CRC-32 and sizes checked, with the entries
// around it.
func TestPzipPutsRowsIn(t *testing.T) {
	var rows, raw bytes.Buffer
	for k := range 3 {
		var part bytes.Buffer
		for i := range 20_000 {
			fmt.Fprintf(&part, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, k*20_000+i+2, k*20_000+i+2, i*k)
		}
		raw.Write(part.Bytes())
		rows.Write(deflateChunk(part.Bytes(), false))
	}
	head, tail := `<worksheet><sheetData><row r="1"><c r="A1"/></row>`, `</sheetData><tableParts/></worksheet>`
	var file bytes.Buffer
	z := newPzip(&file, map[string]deflatedRows{"sheet.xml": {data: bytes.NewReader(rows.Bytes()), raw: int64(raw.Len()), crc: crc32.ChecksumIEEE(raw.Bytes())}})
	for _, e := range []struct{ name, data string }{{"before.xml", "<a/>"}, {"sheet.xml", head + tail}, {"after.xml", "<b/>"}} {
		w, err := z.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if z.spliced != 1 {
		t.Fatalf("rows put in %d entries, want 1", z.spliced)
	}
	path := t.TempDir() + "/spliced.zip"
	if err := writeFile(path, file.Bytes()); err != nil {
		t.Fatal(err)
	}
	if got, want := string(zipEntry(t, path, "sheet.xml")), head+raw.String()+tail; got != want {
		t.Fatalf("sheet.xml: %d bytes, want %d", len(got), len(want))
	}
	if got := string(zipEntry(t, path, "after.xml")); got != "<b/>" {
		t.Fatalf("after.xml: %q", got)
	}
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }
