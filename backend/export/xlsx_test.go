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
	if len(rows) != res.Total+1 || rows[0][0] != "Timestamp (America/New_York)" || rows[0][9] != "Event ID" || rows[0][10] != "Source IP" ||
		rows[0][11] != "Workspace ID" || rows[0][12] != "Details" || len(rows[0]) != 13 {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	var cells [nText]string
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
		for len(got) < len(Columns) {
			got = append(got, "") // excelize drops trailing empty cells
		}
		for k, want := range cells {
			// Exactly: C0 controls too (as _xHHHH_ escapes in the XML).
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
	if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:M") {
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

// An XLSX prints as a report: the events landscape on A4, one page wide,
// the header row on every page, page numbers in the footer, every font
// named (LibreOffice draws an unnamed one in a serif), the User column
// wide enough for an email, the Description wrapped; the About sheet says
// the filter and the sort in words, not as JSON.
func TestXLSXPrintsAsAReport(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, tokyo)
	flt := audit.Filter{Status: audit.StatusFailed, Users: []string{"a@example.com", "b@example.com"}, From: from}
	res := result(t, buildIndex(t, hostileEvents()), audit.Filter{}, audit.Sort{})
	path := filepath.Join(t.TempDir(), "report.xlsx")
	req := request(path, res, tokyo)
	req.Facts.Filter = flt
	m, err := Write(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	f, sheets := readXLSX(t, path)

	lay, err := f.GetPageLayout(eventsSheet)
	if err != nil {
		t.Fatal(err)
	}
	if lay.Orientation == nil || *lay.Orientation != "landscape" || lay.Size == nil || *lay.Size != 9 ||
		lay.FitToWidth == nil || *lay.FitToWidth != 1 || lay.FitToHeight == nil || *lay.FitToHeight != 0 {
		t.Errorf("page layout %+v; want A4 landscape, one page wide", lay)
	}
	if props, err := f.GetSheetProps(eventsSheet); err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("sheet props %+v, %v; want fit to page", props, err)
	}
	titles := false
	for _, d := range f.GetDefinedName() {
		titles = titles || d.Name == "_xlnm.Print_Titles" && d.Scope == eventsSheet && d.RefersTo == "'"+eventsSheet+"'!$1:$1"
	}
	if !titles {
		t.Errorf("defined names %+v; want the header row as the print titles", f.GetDefinedName())
	}
	if hf, err := f.GetHeaderFooter(eventsSheet); err != nil || !strings.Contains(hf.OddFooter, "&P") || !strings.Contains(hf.OddFooter, "&N") ||
		!strings.Contains(hf.OddFooter, "Merkle root "+m.MerkleRoot[:16]) {
		t.Errorf("footer %+v, %v; want the page of the pages and the rows' Merkle root (%s)", hf, err, m.MerkleRoot)
	}
	// Every font named: the header, a status cell.
	for _, cell := range []string{"A1", "G2"} {
		id, err := f.GetCellStyle(eventsSheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.Font == nil || st.Font.Family != fontFamily {
			t.Errorf("%s: style %+v, %v; want its font named %s", cell, st, err, fontFamily)
		}
	}
	if id, err := f.GetCellStyle(eventsSheet, "H2"); err != nil {
		t.Fatal(err)
	} else if st, err := f.GetStyle(id); err != nil || st.Alignment == nil || !st.Alignment.WrapText {
		t.Errorf("Description: style %+v, %v; want wrapped", st, err)
	}
	// Widths from the data: User as its longest email, capped; Scope as
	// its header, its values being shorter.
	longestUser := 0
	for _, r := range sheets[eventsSheet][1:] {
		longestUser = max(longestUser, len(r[1]))
	}
	if w, err := f.GetColWidth(eventsSheet, "B"); err != nil || w < float64(min(longestUser, 40)) || w > 40 {
		t.Errorf("User column %v characters wide, %v; want its longest value's %d, at most 40", w, err, longestUser)
	}
	if w, err := f.GetColWidth(eventsSheet, "C"); err != nil || w != float64(len("Scope")+4) {
		t.Errorf("Scope column %v characters wide, %v; want its header's", w, err)
	}

	about := map[string]string{}
	for _, r := range sheets[aboutSheet] {
		if len(r) == 2 {
			about[r[0]] = r[1]
		}
	}
	wantFilter := `status is "FAILED"; user is "a@example.com" or "b@example.com"; time from 2026-11-01 00:00:00 (Asia/Tokyo) on`
	if about["Filter"] != wantFilter {
		t.Errorf("About: Filter %q, want %q", about["Filter"], wantFilter)
	}
	if s := about["Sort"]; !strings.HasPrefix(s, "Timestamp, newest first") {
		t.Errorf("About: Sort %q, want it in words", s)
	}
	if lay, err := f.GetPageLayout(aboutSheet); err != nil || lay.FitToWidth == nil || *lay.FitToWidth != 1 {
		t.Errorf("About page layout %+v, %v; want one page wide", lay, err)
	}
	if props, err := f.GetSheetProps(aboutSheet); err != nil || props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("About sheet props %+v, %v; want fit to page", props, err)
	}
}

func TestDescribeFilter(t *testing.T) {
	utc := time.UTC
	t0 := time.Date(2026, 12, 1, 9, 30, 0, 0, utc)
	for _, tc := range []struct {
		f    audit.Filter
		want string
	}{
		{audit.Filter{}, "none: every event in the cache"},
		{audit.Filter{Search: `say "hi"`}, `user, scope, category, action, target or description contains "say \"hi\"" (any case)`},
		{audit.Filter{Scope: audit.ScopeService, Categories: []string{"AI Notebook", "GPU Container"}}, `scope is "Service"; category is "AI Notebook" or "GPU Container"`},
		{audit.Filter{Actions: []string{"Delete"}, Targets: []string{"nb-1"}, Workspace: "ws_9"}, `action is "Delete"; target is "nb-1"; workspace id is "ws_9"`},
		{audit.Filter{From: t0, To: t0.Add(24 * time.Hour)}, "time from 2026-12-01 09:30:00 up to 2026-12-02 09:30:00 (UTC)"},
		{audit.Filter{To: t0}, "time before 2026-12-01 09:30:00 (UTC)"},
	} {
		if got := describeFilter(tc.f, utc); got != tc.want {
			t.Errorf("describeFilter(%+v) = %q, want %q", tc.f, got, tc.want)
		}
	}
	for s, want := range map[audit.Sort]string{
		{Field: audit.SortTimestamp}:              "Timestamp, oldest first",
		{Field: audit.SortUser, Desc: true}:       "User, Z to A",
		{Field: audit.SortWorkspace, Desc: false}: "Workspace, A to Z",
	} {
		if got := describeSort(s); !strings.HasPrefix(got, want) {
			t.Errorf("describeSort(%v) = %q, want %q…", s, got, want)
		}
	}
}

// A row's height fits its Description wrapped in the column: a line for
// every 55 narrow characters, a CJK one counting two, at most eight.
func TestDescHeight(t *testing.T) {
	for desc, want := range map[string]float64{
		"":                            0,
		strings.Repeat("a", 55):       0,
		strings.Repeat("a", 56):       30,
		strings.Repeat("a", 120):      45,
		strings.Repeat("データ", 20):     45, // 60 wide characters: 120 columns
		strings.Repeat("Đã tạo ", 10): 30, // Vietnamese letters are narrow
		strings.Repeat("x", 5000):     120,
	} {
		if got := descHeight(desc); got != want {
			t.Errorf("descHeight(%d runes of %q) = %v, want %v", len([]rune(desc)), desc[:min(len(desc), 12)], got, want)
		}
	}
}
