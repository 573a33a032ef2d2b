package export

import (
	"archive/zip"
	"context"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// zipEntry is one part of an XLSX file.
func zipEntry(t *testing.T, path, name string) []byte {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = z.Close() }()
	for _, f := range z.File {
		if f.Name == name {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = r.Close() }()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return nil
}

func TestXLSXGolden(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	res := result(t, buildIndex(t, hostileEvents()), audit.Filter{}, audit.Sort{})
	path := filepath.Join(t.TempDir(), "hostile.xlsx")
	if _, err := Write(context.Background(), request(path, res, tokyo)); err != nil {
		t.Fatal(err)
	}
	// The sheet's XML is the file's content; the zip around it is excelize's.
	golden(t, "hostile.sheet1.xml", zipEntry(t, path, "xl/worksheets/sheet1.xml"))
	if sheet := string(zipEntry(t, path, "xl/worksheets/sheet1.xml")); strings.Contains(sheet, "<f>") {
		t.Error("a cell of the sheet is a formula")
	}
}

// readXLSX opens path with excelize and returns each sheet's rows, raw
// (unformatted) values.
func readXLSX(t *testing.T, path string) (*excelize.File, map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return f, out
}

// fromSerial turns an Excel serial back into the wall time it shows.
func fromSerial(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("timestamp cell %q is not a number: not a real date cell", s)
	}
	ms := math.Round((v - 25569) * 86_400_000)
	return time.UnixMilli(int64(ms)).UTC()
}

// The file read back with excelize is the query's rows exactly: a date cell
// per timestamp showing the zone's wall time, typed strings for the rest,
// the status coloured, the header frozen and filtered, and an About sheet.
func TestXLSXReadsBackToTheRows(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	res := result(t, buildIndex(t, append(hostileEvents(), simEvents(t, 3000)...)), audit.Filter{}, audit.Sort{Field: audit.SortTarget, Desc: true})
	path := filepath.Join(t.TempDir(), "all.xlsx")
	m, err := Write(context.Background(), request(path, res, ny))
	if err != nil {
		t.Fatal(err)
	}
	f, sheets := readXLSX(t, path)
	if got := f.GetSheetList(); strings.Join(got, "|") != "Events|About" || m.Sheets != 1 {
		t.Fatalf("sheets %v (manifest %d), want Events and About", got, m.Sheets)
	}
	rows := sheets[eventsSheet]
	if len(rows) != res.Total+1 || rows[0][0] != "Timestamp (America/New_York)" || rows[0][9] != "Event ID" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	var cells [9]string
	evs, err := res.Rows(0, res.Total)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range evs {
		got := rows[i+1]
		textCells(&e, &cells)
		lt := e.Time.In(ny)
		wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), lt.Nanosecond(), time.UTC)
		if at := fromSerial(t, got[0]); !at.Equal(wall) {
			t.Fatalf("row %d: timestamp %v, want %v (New York wall time)", i, at, wall)
		}
		for len(got) < 10 {
			got = append(got, "") // excelize drops trailing empty cells
		}
		for k, want := range cells {
			// XML cannot hold C0 controls: excelize writes U+FFFD for them.
			want = strings.Map(func(r rune) rune {
				if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
					return '\uFFFD'
				}
				return r
			}, want)
			if got[k+1] != want {
				t.Fatalf("row %d column %s: %q, want %q", i, Columns[k+1], got[k+1], want)
			}
		}
	}

	// Cell types and styles, on the first rows.
	for r := 2; r <= 12; r++ {
		ref := "A" + strconv.Itoa(r)
		if typ, _ := f.GetCellType(eventsSheet, ref); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s is of type %v, want a number (date)", ref, typ)
		}
		style, _ := f.GetCellStyle(eventsSheet, ref)
		if st, _ := f.GetStyle(style); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd hh:mm:ss" {
			t.Errorf("%s style %+v, want yyyy-mm-dd hh:mm:ss", ref, st)
		}
		for _, col := range "BCDEFGHIJ" {
			ref := string(col) + strconv.Itoa(r)
			if typ, _ := f.GetCellType(eventsSheet, ref); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeUnset {
				t.Errorf("%s is of type %v, want an inline string", ref, typ)
			}
		}
		status, _ := f.GetCellValue(eventsSheet, "G"+strconv.Itoa(r))
		style, _ = f.GetCellStyle(eventsSheet, "G"+strconv.Itoa(r))
		st, _ := f.GetStyle(style)
		want := map[string]string{"SUCCESS": successColour, "FAILED": failedColour}[status]
		if st == nil || st.Font == nil || !strings.EqualFold(strings.TrimPrefix(st.Font.Color, "FF"), want) {
			t.Errorf("G%d (%s) font %+v, want colour %s", r, status, st, want)
		}
	}
	panes, err := f.GetPanes(eventsSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, %v; want the header row frozen", panes, err)
	}
	tables, err := f.GetTables(eventsSheet)
	if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:J") {
		t.Errorf("tables %+v, %v; want one over the data (its header filters)", tables, err)
	}
	about := map[string]string{}
	for _, r := range sheets[aboutSheet] {
		if len(r) == 2 {
			about[r[0]] = r[1]
		}
	}
	if about["Rows"] != strconv.Itoa(res.Total) || about["Organization"] != "Acme (org-1)" || about["Time zone"] != "America/New_York" ||
		about["Cache last synced"] != m.LastSynced.Format(time.RFC3339) || !strings.Contains(about["Proof"], "all.xlsx.manifest.json") {
		t.Errorf("About sheet %v", about)
	}
}
