package export

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// SheetRows is how many data rows one sheet holds: Excel's 1,048,576 rows
// less the header. Past it the data goes on in a new sheet.
const SheetRows = 1_048_575

// The sheets' names: "Events", "Events (2)", ..., then "About".
const (
	eventsSheet = "Events"
	aboutSheet  = "About"
)

func sheetName(i int) string {
	if i == 0 {
		return eventsSheet
	}
	return fmt.Sprintf("%s (%d)", eventsSheet, i+1)
}

// colWidths are the columns' widths in characters at most (Timestamp,
// Status and the wrapped Description: exactly); each is as wide as its
// longest value in the export (and its header) up to that. Details is not
// wrapped: a row shows the start of its JSON, the cell holds it all (and
// its parts' columns, if any, are as wide as it).
var colWidths = []float64{23, 40, 16, 22, 28, 32, 10, 50, 28, 44, 46, 28, 60}

// fixedWidth are the columns whose width does not follow the data.
var fixedWidth = [nText + 1]bool{0: true, 6: true, 7: true}

// wideChars are the columns of capitals and digits (Event ID, Source IP),
// wider a character than the digit a column's width counts in: a printed
// ULID took a fifth more than its length.
var wideChars = [nText + 1]bool{9: true, 10: true}

// widths are the widths of head's columns for an export whose longest
// cells, in bytes, are longest (the timestamp's first): the header's at
// least, the cap at most. A cell's bytes stand for its width: a CJK
// character's three are a little over its two columns, which the caps
// bound. The Details' parts' columns are as wide as Details.
func widths(head []string, longest *[nText + 1]int) []float64 {
	out := make([]float64, len(head))
	for k, h := range head {
		if k >= len(colWidths) {
			out[k] = out[len(colWidths)-1]
			continue
		}
		out[k] = colWidths[k]
		switch {
		case wideChars[k]:
			out[k] = min(colWidths[k], float64(max(longest[k], len(h)+3))*1.25+1)
		case !fixedWidth[k]:
			out[k] = min(colWidths[k], float64(max(longest[k], len(h)+3)+1))
		}
	}
	return out
}

// The body's font, named in every style: a style's font without a name
// renders in the spreadsheet's default, a serif in LibreOffice, beside
// the Calibri of the cells.
const (
	fontFamily = "Calibri"
	fontSize   = 11
)

// The console's status colours.
const (
	successColour = "1A7F37"
	failedColour  = "CF222E"
)

// xlsxStyles are the cells' styles; every data cell is top-aligned, so
// that a row taller for its Description reads along its first line.
type xlsxStyles struct {
	header, timestamp, success, failed, wrap, top int
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true, Family: fontFamily, Size: fontSize},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8ECF0"}},
		Border: []excelize.Border{{Type: "bottom", Color: "9AA4AF", Style: 1}},
	}); err != nil {
		return s, err
	}
	top := &excelize.Alignment{Vertical: "top"}
	format := "yyyy-mm-dd hh:mm:ss"
	// A date reads left-aligned, as the text beside it.
	if s.timestamp, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}); err != nil {
		return s, err
	}
	if s.success, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: successColour, Bold: true, Family: fontFamily, Size: fontSize}, Alignment: top}); err != nil {
		return s, err
	}
	if s.failed, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: failedColour, Bold: true, Family: fontFamily, Size: fontSize}, Alignment: top}); err != nil {
		return s, err
	}
	if s.top, err = f.NewStyle(&excelize.Style{Alignment: top}); err != nil {
		return s, err
	}
	// Description: wrapped, so that a printed row shows it whole in its
	// column's width.
	s.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return s, err
}

// excelSerial is t's wall time in loc as an Excel date serial (days since
// 1899-12-30), to the millisecond: a real date cell that sorts and filters
// as one, showing the zone's time.
func excelSerial(t time.Time, loc *time.Location) float64 {
	lt := t.In(loc)
	wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), lt.Nanosecond(), time.UTC)
	return float64(wall.UnixMilli())/86_400_000 + 25_569
}

// zipTo is excelize's ZipWriter hook, pointed at out whatever writer
// excelize offers: its Write builds the whole file in a bytes.Buffer first;
// this way the zip streams to the file and that buffer stays empty.
// Entries are deflated at the fastest level on every core (pzip.go): the
// sheet XML of a million rows is about 700 MB, and default-level deflate
// of it alone took longer than the whole export may (the file is ~20%
// larger). One thing excelize does on its buffer is lost: marking zip64
// entries' local headers for Excel, needed only for a sheet over 4 GiB of
// XML.
func zipTo(z *pzip) func(io.Writer) excelize.ZipWriter {
	return func(io.Writer) excelize.ZipWriter { return z }
}

// An events sheet's rows are not written through excelize: its
// StreamWriter makes each cell through interfaces, escapes and trims it
// with a new string or two, and keeps the sheet's XML in a temp file to
// deflate it once every row is written, which took most of an export's
// time. Excelize makes the workbook, and each events sheet with its header
// row, columns, panes and table; the rows are made here, window by window
// on every core (eachWindow), as excelize's SetRow writes them (appendRow),
// deflated there, kept in a spool file in the work folder, and put into
// their sheet's XML as excelize writes it into the zip (pzip.go).

// sheetSpan is where a sheet's rows are in the spool.
type sheetSpan struct {
	off, comp int64  // their deflated bytes
	raw       int64  // their XML's length
	crc       uint32 // its CRC-32
}

// xlsxWindow is a window of rows as the XLSX holds them.
type xlsxWindow struct {
	parts   []sheetPart // one, or two where a sheet ends inside the window
	tree    merkle      // the rows' leaves
	altered int
	longest [nText + 1]int // each column's longest cell, in bytes
	details int            // the most cells a row's Details took
	err     error          // a row the sheet cannot hold
}

// sheetPart is a window's rows in one sheet, deflated.
type sheetPart struct {
	sheet    int
	deflated []byte
	raw      int64
	crc      uint32
}

func writeXLSX(j *job, out io.Writer) (err error) {
	f := excelize.NewFile(excelize.Options{TmpDir: j.tmpDir})
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", eventsSheet); err != nil {
		return err
	}
	sheets := max(1, (j.req.Total+SheetRows-1)/SheetRows)
	paths := make([]string, sheets)
	writers := make([]*excelize.StreamWriter, sheets)
	for i := range paths {
		if writers[i], paths[i], err = startEventsSheet(f, i); err != nil {
			return err
		}
	}

	spool, err := os.CreateTemp(j.tmpDir, "rows-*.deflate")
	if err != nil {
		return err
	}
	defer func() {
		_ = spool.Close()
		_ = os.Remove(spool.Name())
	}()
	spans := make([]sheetSpan, sheets)
	var spooled int64
	var longest [nText + 1]int
	rows := xlsxRows{styles: st, loc: j.loc}
	err = eachWindow(j, rows.window, func(w *xlsxWindow) error {
		if w.err != nil {
			return w.err
		}
		j.tree.append(&w.tree)
		j.altered += w.altered
		j.details = max(j.details, w.details)
		for k, n := range w.longest {
			longest[k] = max(longest[k], n)
		}
		for _, p := range w.parts {
			s := &spans[p.sheet]
			if s.comp == 0 {
				s.off = spooled
			}
			if _, err := spool.Write(p.deflated); err != nil {
				return err
			}
			buffers.put(p.deflated)
			spooled += int64(len(p.deflated))
			s.comp += int64(len(p.deflated))
			s.crc = crc32Combine(s.crc, p.crc, p.raw)
			s.raw += p.raw
		}
		return nil
	})
	if err != nil {
		return err
	}
	cols, root := widths(header(j.loc, j.details), &longest), j.tree.root()
	for i, sw := range writers {
		if err := finishEventsSheet(f, sw, j, st, i, min(SheetRows, j.req.Total-i*SheetRows), cols, root); err != nil {
			return err
		}
	}
	if err := writeAbout(f, j); err != nil {
		return err
	}
	if j.req.Report != nil {
		if j.reportSheets, err = writeReport(f, j); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	put := make(map[string]deflatedRows, sheets)
	for i, s := range spans {
		put[paths[i]] = deflatedRows{data: io.NewSectionReader(spool, s.off, s.comp), raw: s.raw, crc: s.crc}
	}
	z := newPzip(out, put)
	f.SetZipWriter(zipTo(z))
	// The zip goes to out through zipTo; what excelize's own buffer gets
	// (nothing) is dropped.
	if err := f.Write(io.Discard); err != nil {
		return err
	}
	if z.spliced != sheets {
		return fmt.Errorf("export: the rows of %d sheets were put in %d", sheets, z.spliced)
	}
	return nil
}

// startEventsSheet adds events sheet i and starts its writer; it returns
// the writer and the sheet's XML's name in the zip.
func startEventsSheet(f *excelize.File, i int) (*excelize.StreamWriter, string, error) {
	name := sheetName(i)
	if i > 0 {
		if _, err := f.NewSheet(name); err != nil {
			return nil, "", err
		}
	}
	// Printed, it is a report: fitted to the page's width (sheetPr, which
	// the stream writer writes first; the page is set at the end).
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: boolPtr(true)}); err != nil {
		return nil, "", err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, "", err
	}
	return sw, "xl/worksheets/sheet" + strconv.Itoa(sw.SheetID) + ".xml", nil
}

// finishEventsSheet writes events sheet i's columns (of the widths given),
// header and page, once its rows (rows of them, put into its XML as the
// zip is written) are made: landscape, the header row on every page, and
// in the footer the page, the pages and the rows' Merkle root, which
// auditdesk verify-export checks (the file's own SHA-256 cannot be in it:
// it is in the manifest).
func finishEventsSheet(f *excelize.File, sw *excelize.StreamWriter, j *job, st xlsxStyles, i, rows int, cols []float64, root string) error {
	if len(root) > 16 {
		root = root[:16] + "…"
	}
	if err := printAsReport(f, sheetName(i), "landscape", true, "Rows' Merkle root "+root); err != nil {
		return err
	}
	for c, w := range cols {
		if err := sw.SetColWidth(c+1, c+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := header(j.loc, j.details)
	headRow := make([]any, len(head))
	for k, h := range head {
		headRow[k] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", headRow, excelize.RowOpts{Height: 18}); err != nil {
		return err
	}
	if rows > 0 {
		// A table over the rows gives the header its filter buttons.
		last, _ := excelize.CoordinatesToCellName(len(head), rows+1)
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: fmt.Sprintf("Events%d", i+1), StyleName: "TableStyleLight1", ShowRowStripes: boolPtr(false)}); err != nil {
			return err
		}
	}
	j.sheets++
	return sw.Flush()
}

// xlsxRows makes windows of rows as an XLSX holds them.
type xlsxRows struct {
	styles xlsxStyles
	loc    *time.Location
}

// xlsxRowBytes is about a row's XML, to make a window's in one go (the
// simulator's rows: 958 bytes on average, details included).
const xlsxRowBytes = 1152

// window makes rows [off, off+len(evs)) of the file: each row's sheet XML,
// cut where a sheet ends and deflated, and its Merkle leaf (the Details
// whole, however many cells it takes).
func (x xlsxRows) window(off int, evs []audit.Event) *xlsxWindow {
	w := &xlsxWindow{}
	xml := buffers.get(len(evs) * xlsxRowBytes)
	defer func() { buffers.put(xml) }()
	var cells [nText]string
	var leaf [nText + 1]string
	var details []string
	sheet := off / SheetRows
	end := func() {
		w.parts = append(w.parts, sheetPart{sheet: sheet, deflated: deflateChunk(xml, false), raw: int64(len(xml)), crc: crc32.ChecksumIEEE(xml)})
		xml = xml[:0]
	}
	for i := range evs {
		e := &evs[i]
		if s := (off + i) / SheetRows; s != sheet {
			end()
			sheet = s
		}
		textCells(e, &cells)
		leaf[0] = timestampText(e.Time, x.loc)
		for k, v := range cells {
			safe, cut := xmlCell(v, k != detailsColumn)
			if safe != v || cut {
				w.altered++
				cells[k] = safe
			}
			leaf[k+1] = cells[k]
		}
		w.tree.addRow(leaf[:])
		// Details are never cut: past a cell's limit they go on in the
		// next cells of the row, as the header's Details (2), (3), ...
		details = cellParts(cells[detailsColumn], details[:0])
		if len(details) > maxDetailsCells {
			w.err = fmt.Errorf("export: the details of event %s take %d cells of 32,767 characters, more than an XLSX row has: export to CSV, which holds them in one cell", e.ID, len(details))
			return w
		}
		cells[detailsColumn] = details[0]
		w.details = max(w.details, len(details))
		for k, v := range cells {
			w.longest[k+1] = max(w.longest[k+1], len(v))
		}
		xml = x.appendRow(xml, (off+i)%SheetRows+2, e, &cells, details[1:])
	}
	end()
	return w
}

// maxDetailsCells is how many cells a row's Details may take: Excel's
// 16,384 columns less those before Details (about 536 million
// characters). A variable for the test of a longer one.
var maxDetailsCells = 16_384 - nText

// cellParts appends s cut into the texts of as few cells as hold it, each
// at most Excel's limit of 32,767 UTF-16 units, never splitting a
// character: s itself when it fits.
func cellParts(s string, dst []string) []string {
	for len(s) > maxCellUnits { // bytes >= UTF-16 units: only long texts are counted
		units, at := 0, len(s)
		for i, r := range s {
			n := 1
			if r >= 0x10000 {
				n = 2
			}
			if units+n > maxCellUnits {
				at = i
				break
			}
			units += n
		}
		if at == len(s) {
			break
		}
		dst = append(dst, s[:at])
		s = s[at:]
	}
	return append(dst, s)
}

// appendRow appends row r of a sheet, e's, with its text cells made
// XML-safe and then the rest of its Details (more: the cells after the
// Details column), byte for byte as excelize's StreamWriter.SetRow writes
// it from a date cell and the cells as strings (the status and the
// description as styled Cells): a date serial, then inline strings, each
// escaped as trimCellValue does; but a text holding a character XML
// cannot (a C0 control, U+FFFE, U+FFFF), where excelize writes U+FFFD, is
// written with OOXML's _xHHHH_ escapes (appendBstrText), read back as it was.
func (x xlsxRows) appendRow(b []byte, r int, e *audit.Event, cells *[nText]string, more []string) []byte {
	var rb [20]byte
	rn := strconv.AppendInt(rb[:0], int64(r), 10)
	b = append(b, `<row r="`...)
	b = append(b, rn...)
	if h := descHeight(cells[descColumn]); h > 0 {
		b = append(b, `" ht="`...)
		b = strconv.AppendFloat(b, h, 'f', -1, 64)
		b = append(b, `" customHeight="1`...)
	}
	b = append(b, `"><c r="A`...)
	b = append(b, rn...)
	b = append(b, `" s="`...)
	b = strconv.AppendInt(b, int64(x.styles.timestamp), 10)
	b = append(b, `"><v>`...)
	b = appendCellFloat(b, excelSerial(e.Time, x.loc))
	b = append(b, `</v></c>`...)
	for k, v := range cells {
		b = append(b, `<c r="`...)
		b = append(b, byte('B'+k)) // to M: one letter
		b = append(b, rn...)
		switch {
		case k == statusColumn && e.Status == audit.StatusSuccess:
			b = appendStyle(b, x.styles.success)
		case k == statusColumn && e.Status == audit.StatusFailed:
			b = appendStyle(b, x.styles.failed)
		case k == descColumn:
			b = appendStyle(b, x.styles.wrap)
		default:
			b = appendStyle(b, x.styles.top)
		}
		b = append(b, `" t="inlineStr"><is><t`...)
		if v != "" && (xmlSpace[v[0]] || xmlSpace[v[len(v)-1]]) {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendInlineText(b, v)
		b = append(b, `</t></is></c>`...)
	}
	for k, v := range more {
		b = append(b, `<c r="`...)
		b = appendColumnName(b, nText+2+k) // the column after Details, on
		b = append(b, rn...)
		b = appendStyle(b, x.styles.top)
		b = append(b, `" t="inlineStr"><is><t`...)
		if xmlSpace[v[0]] || xmlSpace[v[len(v)-1]] {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendInlineText(b, v)
		b = append(b, `</t></is></c>`...)
	}
	return append(b, `</row>`...)
}

// appendColumnName appends column n's letters (1 is A, 27 AA).
func appendColumnName(b []byte, n int) []byte {
	var buf [4]byte
	i := len(buf)
	for ; n > 0; n = (n - 1) / 26 {
		i--
		buf[i] = byte('A' + (n-1)%26)
	}
	return append(b, buf[i:]...)
}

// lineHeight is a line's height in points at fontSize; descLineWidth is
// how many narrow characters a line of the Description's column holds
// (prose in Calibri is narrower than the digit its width counts in), a
// wide one (CJK, full-width) taking two; maxDescLines bounds a row.
const (
	lineHeight    = 15
	descLineWidth = 55
	maxDescLines  = 8
)

// descHeight is the height of a row whose Description, wrapped, takes more
// than one line (0 for one line: the sheet's default). Spreadsheets do not
// fit a row to its wrapped text on opening; without it, printed, the lines
// would run over the rows below.
func descHeight(desc string) float64 { return wrappedHeight(desc, descLineWidth, maxDescLines) }

// wrappedHeight is the height of a row whose text, wrapped at lineWidth
// narrow characters, takes more than one line, at most maxLines; 0 for one.
func wrappedHeight(text string, lineWidth, maxLines int) float64 {
	width := 0
	for _, r := range text {
		width++
		if wideRune(r) {
			width++
		}
	}
	lines := min((width+lineWidth-1)/lineWidth, maxLines)
	if lines <= 1 {
		return 0
	}
	return float64(lines * lineHeight)
}

// wideRune says whether r takes two columns: the CJK, Hangul and
// full-width blocks.
func wideRune(r rune) bool {
	return r >= 0x1100 && (r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF || r >= 0xAC00 && r <= 0xD7A3 ||
		r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F || r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6 ||
		r >= 0x20000 && r <= 0x3FFFD)
}

func appendStyle(b []byte, style int) []byte {
	b = append(b, `" s="`...)
	return strconv.AppendInt(b, int64(style), 10)
}

// xmlSpace marks the bytes that, first or last in a text, make excelize
// mark it xml:space="preserve": tab, LF, CR and space.
var xmlSpace = [256]bool{'\t': true, '\n': true, '\r': true, ' ': true}

// xmlEscapes are the escapes of encoding/xml.EscapeText, but LF, which
// excelize puts back as it is.
var xmlEscapes = [256]string{'"': "&#34;", '\'': "&#39;", '&': "&amp;", '<': "&lt;", '>': "&gt;", '\t': "&#x9;", '\r': "&#xD;"}

// notXML marks the bytes that are, or may start, a character XML 1.0
// cannot hold: the C0 controls but tab, LF and CR, and 0xEF, the first
// byte of U+FFFE and U+FFFF.
var notXML = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n' && c != '\r'
	}
	t[0xEF] = true
	return t
}()

// appendInlineText appends s, made XML-safe (xmlCell), as excelize writes
// an inline string's text: escaped by encoding/xml but LF, then with
// literal _xHHHH_ escapes kept from being read as escapes (bstrMarshal);
// a text with a character XML cannot hold goes to appendBstrText.
func appendInlineText(b []byte, s string) []byte {
	start := len(b)
	last := 0
	for i := 0; i < len(s); i++ {
		if notXML[s[i]] && (s[i] != 0xEF || strings.HasPrefix(s[i:], "\uFFFE") || strings.HasPrefix(s[i:], "\uFFFF")) {
			return appendBstrText(b[:start], s)
		}
		if esc := xmlEscapes[s[i]]; esc != "" {
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			last = i + 1
		}
	}
	b = append(b, s[last:]...)
	if bytes.Contains(b[start:], []byte("_x")) {
		// XML's escapes hold no _ and break no _xHHHH_, so marshalling
		// the escaped text is marshalling s. A literal escape of no
		// character (_xD800_) excelize leaves as it is, and reading drops
		// it: such a text is written the long way.
		if bstrUnmarshal(bstrMarshal(s)) != s {
			return appendBstrText(b[:start], s)
		}
		b = append(b[:start], bstrMarshal(string(b[start:]))...)
	}
	return b
}

// appendBstrText appends s, a text holding characters XML 1.0 cannot (C0
// controls, U+FFFE, U+FFFF), as OOXML's basic strings carry them (Excel
// writes them so): each such character as _xHHHH_, every underscore as
// _x005F_ so that nothing else in the text reads as an escape, and XML's
// escapes as appendInlineText's. Read back (excelize, Excel), it is s.
func appendBstrText(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for _, r := range s {
		switch {
		case r == '_':
			b = append(b, "_x005F_"...)
		case !xmlChar(r):
			b = append(b, '_', 'x', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15], '_')
		case r < utf8.RuneSelf && xmlEscapes[r] != "":
			b = append(b, xmlEscapes[r]...)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// bstrExp is an escape of OOXML's basic strings, _xHHHH_.
var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's (lib.go, v2.11.1), kept as it is, quirks and
// all, so the rows are as excelize would write them: a literal _xHHHH_
// that reads as a character gets its _ escaped as _x005F_.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// bstrUnmarshal is excelize's (lib.go, v2.11.1), kept as it is: how a
// cell's text is read back, its _xHHHH_ escapes undone.
func bstrUnmarshal(s string) (result string) {
	if !strings.Contains(s, "_x") {
		return s
	}
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			result += "_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			v, _ := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`)
			result += v
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// appendCellFloat appends v as excelize writes a float64 cell value
// (formatCellFloat, automatic precision): the shortest decimal that reads
// back as v, without an exponent, cut (not rounded) to Excel's 15
// significant digits.
func appendCellFloat(b []byte, v float64) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	if math.Abs(v) == math.MaxFloat64 {
		return b
	}
	const maxPrec = 15
	str := b[start:]
	decimal := bytes.IndexByte(str, '.')
	significant := 0
	for idx, c := range str {
		if c < '0' || c > '9' || significant == 0 && c == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return bytes.TrimSuffix(b[:start+idx], []byte("."))
		}
		if decimal < 0 {
			decimal = len(str)
		}
		for ; idx < decimal; idx++ {
			str[idx] = '0'
		}
		return b[:start+decimal]
	}
	return b
}

func boolPtr(b bool) *bool { return &b }

func itoa(n int) string { return strconv.Itoa(n) }

// printAsReport sets a sheet's page: A4 in orientation, one page wide
// (as many long as it takes; the sheet's fitToPage must be set too),
// narrow margins, its first row repeated on every page when titles, and a
// footer with the sheet, the page and the pages, and right on the right
// (text, or a field such as &F, the file's name).
func printAsReport(f *excelize.File, sheet, orientation string, titles bool, right string) error {
	a4, wide, long := 9, 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &orientation, FitToWidth: &wide, FitToHeight: &long}); err != nil {
		return err
	}
	side, edge, band := 0.4, 0.5, 0.3
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &edge, Bottom: &edge, Header: &band, Footer: &band}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&L&A&CPage &P of &N&R" + right}); err != nil {
		return err
	}
	if !titles {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}

// aboutLineWidth is how many narrow characters a line of the About
// sheet's values holds (its column is 90 wide).
const aboutLineWidth = 95

// writeAbout adds the "About" sheet: the manifest's facts but the file's
// own hash, which the file cannot hold, in words, each fact's name in
// bold, the values wrapped.
func writeAbout(f *excelize.File, j *job) error {
	if _, err := f.NewSheet(aboutSheet); err != nil {
		return err
	}
	label, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Family: fontFamily, Size: fontSize},
		Alignment: &excelize.Alignment{Vertical: "top"},
	})
	if err != nil {
		return err
	}
	value, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	facts := j.aboutFacts()
	for i, kv := range facts {
		r := i + 1
		if err := f.SetCellStr(aboutSheet, "A"+itoa(r), kv[0]); err != nil {
			return err
		}
		if err := f.SetCellStr(aboutSheet, "B"+itoa(r), kv[1]); err != nil {
			return err
		}
		if h := wrappedHeight(kv[1], aboutLineWidth, 40); h > 0 {
			if err := f.SetRowHeight(aboutSheet, r, h); err != nil {
				return err
			}
		}
	}
	last := itoa(len(facts))
	if err := f.SetCellStyle(aboutSheet, "A1", "A"+last, label); err != nil {
		return err
	}
	if err := f.SetCellStyle(aboutSheet, "B1", "B"+last, value); err != nil {
		return err
	}
	if err := f.SetColWidth(aboutSheet, "A", "A", 26); err != nil {
		return err
	}
	if err := f.SetColWidth(aboutSheet, "B", "B", 90); err != nil {
		return err
	}
	if err := f.SetSheetProps(aboutSheet, &excelize.SheetPropsOptions{FitToPage: boolPtr(true)}); err != nil {
		return err
	}
	return printAsReport(f, aboutSheet, "portrait", false, "&F")
}

// maxCellUnits is Excel's cell limit, in UTF-16 units; excelize would cut a
// longer text silently.
const maxCellUnits = 32767

// xmlCell is s as an XLSX cell can hold it: every byte that is not UTF-8
// (a lone surrogate's among them) becomes U+FFFD, as encoding/xml would
// write it, and, when limit, the text is cut at Excel's limit (cut
// reports that). Characters XML 1.0 does not allow are kept: they are
// written as OOXML's escapes (appendBstrText).
func xmlCell(s string, limit bool) (safe string, cut bool) {
	if !utf8.ValidString(s) {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, w := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r) // a bad byte is RuneError, one each
			i += w
		}
		s = b.String()
	}
	if limit && len(s) > maxCellUnits { // bytes >= UTF-16 units: only long texts are counted
		units := 0
		for i, r := range s {
			n := 1
			if r >= 0x10000 {
				n = 2
			}
			if units+n > maxCellUnits {
				return s[:i], true
			}
			units += n
		}
	}
	return s, false
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
