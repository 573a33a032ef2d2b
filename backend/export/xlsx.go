package export

import (
	"fmt"
	"io"
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

// colWidths are the columns' widths in characters.
var colWidths = []float64{23, 28, 13, 16, 22, 28, 10, 60, 18, 38}

// The console's status colours.
const (
	successColour = "1A7F37"
	failedColour  = "CF222E"
)

type xlsxStyles struct {
	header, timestamp, success, failed int
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8ECF0"}},
		Border: []excelize.Border{{Type: "bottom", Color: "9AA4AF", Style: 1}},
	}); err != nil {
		return s, err
	}
	format := "yyyy-mm-dd hh:mm:ss"
	if s.timestamp, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
		return s, err
	}
	if s.success, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: successColour, Bold: true}}); err != nil {
		return s, err
	}
	s.failed, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: failedColour, Bold: true}})
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
// excelize offers: its Write builds the whole file in a bytes.Buffer first
// (+265 MB for a million rows); this way the zip streams to the file and
// that buffer stays empty. Entries are deflated at the fastest level on
// every core (pzip.go): the sheet XML of a million rows is about half a
// gigabyte, and default-level deflate of it alone took longer than the
// whole export may (the file is ~20% larger). One thing excelize does on
// its buffer is lost: marking zip64 entries' local headers for Excel,
// needed only for a sheet over 4 GiB of XML.
func zipTo(out io.Writer) func(io.Writer) excelize.ZipWriter {
	return func(io.Writer) excelize.ZipWriter { return newPzip(out) }
}

func writeXLSX(j *job, out io.Writer) (err error) {
	f := excelize.NewFile(excelize.Options{TmpDir: j.tmpDir})
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	f.SetZipWriter(zipTo(out))
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", eventsSheet); err != nil {
		return err
	}

	head := header(j.loc)
	headRow := make([]any, len(head))
	for i, h := range head {
		headRow[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	sheets := max(1, (j.req.Total+SheetRows-1)/SheetRows)
	var sw *excelize.StreamWriter
	var rowN int // rows written to the current sheet, header included
	// cellName caches the "A" part of every column's reference.
	cols := make([]string, len(head))
	for i := range cols {
		cols[i], _ = excelize.ColumnNumberToName(i + 1)
	}

	startSheet := func(i int) error {
		name := sheetName(i)
		if i > 0 {
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		var err error
		if sw, err = f.NewStreamWriter(name); err != nil {
			return err
		}
		for c, w := range colWidths {
			if err := sw.SetColWidth(c+1, c+1, w); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		rowN = 1
		return sw.SetRow("A1", headRow, excelize.RowOpts{Height: 18})
	}
	endSheet := func() error {
		if rowN > 1 {
			// A table over the rows gives the header its filter buttons.
			last, _ := excelize.CoordinatesToCellName(len(head), rowN)
			if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: fmt.Sprintf("Events%d", j.sheets+1), StyleName: "TableStyleLight1", ShowRowStripes: boolPtr(false)}); err != nil {
				return err
			}
		}
		j.sheets++
		return sw.Flush()
	}
	if err := startSheet(0); err != nil {
		return err
	}
	var cells [9]string
	err = eachRow(j, func(e *audit.Event, row *[10]any) {
		// What the file will hold, and its Merkle leaf, made while the
		// rows before are written.
		var leaf [10]string
		textCells(e, &cells)
		row[0] = excelize.Cell{StyleID: st.timestamp, Value: excelSerial(e.Time, j.loc)}
		leaf[0] = timestampText(e.Time, j.loc)
		for i, v := range cells {
			if safe, cut := xmlCell(v); safe != v || cut {
				j.altered++
				v = safe
				cells[i] = safe
			}
			row[i+1] = v
			leaf[i+1] = v
		}
		j.tree.addRow(leaf[:])
		switch e.Status {
		case audit.StatusSuccess:
			row[6] = excelize.Cell{StyleID: st.success, Value: cells[5]}
		case audit.StatusFailed:
			row[6] = excelize.Cell{StyleID: st.failed, Value: cells[5]}
		}
	}, func(row *[10]any) error {
		if rowN == SheetRows+1 {
			if err := endSheet(); err != nil {
				return err
			}
			if err := startSheet(j.sheets); err != nil {
				return err
			}
		}
		rowN++
		return sw.SetRow(cols[0]+itoa(rowN), row[:])
	})
	if err != nil {
		return err
	}
	if err := endSheet(); err != nil {
		return err
	}
	if j.sheets != sheets {
		return fmt.Errorf("export: wrote %d sheets, want %d", j.sheets, sheets)
	}
	if err := writeAbout(f, j); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	// The zip goes to out through zipTo; what excelize's own buffer gets
	// (nothing) is dropped.
	return f.Write(io.Discard)
}

func boolPtr(b bool) *bool { return &b }

func itoa(n int) string { return fmt.Sprint(n) }

// writeAbout adds the "About" sheet: the manifest's facts but the file's
// own hash, which the file cannot hold.
func writeAbout(f *excelize.File, j *job) error {
	if _, err := f.NewSheet(aboutSheet); err != nil {
		return err
	}
	for i, kv := range j.aboutFacts() {
		r := i + 1
		if err := f.SetCellStr(aboutSheet, "A"+itoa(r), kv[0]); err != nil {
			return err
		}
		if err := f.SetCellStr(aboutSheet, "B"+itoa(r), kv[1]); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(aboutSheet, "A", "A", 26); err != nil {
		return err
	}
	return f.SetColWidth(aboutSheet, "B", "B", 90)
}

// maxCellUnits is Excel's cell limit, in UTF-16 units; excelize would cut a
// longer text silently.
const maxCellUnits = 32767

// xmlCell is s as an XLSX cell can hold it: every character XML 1.0 does
// not allow (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/F)
// and every byte that is not UTF-8 becomes U+FFFD, as encoding/xml would
// write it, and the text is cut at Excel's limit (cut reports that).
func xmlCell(s string) (safe string, cut bool) {
	clean := true
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 || !xmlChar(r) {
			clean = false
			break
		}
		i += w
	}
	if !clean {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, w := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && w == 1 || !xmlChar(r) {
				r = utf8.RuneError
			}
			b.WriteRune(r)
			i += w
		}
		s = b.String()
	}
	if len(s) > maxCellUnits { // bytes >= UTF-16 units: only long texts are counted
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
