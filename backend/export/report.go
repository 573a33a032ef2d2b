package export

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Report makes an XLSX export a report for the audit file (auditdesk
// report): a Summary sheet, a Findings sheet and one sheet per group-by
// pinned in the window come before the events, which are the export's own
// sheets, and the About sheet after. The manifest, its Merkle root over the
// events and auditdesk verify-export are as for any export; the manifest
// also names the report's sheets and the marks file it took its findings
// from.
type Report struct {
	Summary  ReportSummary
	Findings []Finding
	Groups   []ReportGroup
	// MarksSHA256 is the marks file's SHA-256 when the findings were read
	// ("" for none).
	MarksSHA256 string
}

// ReportFacts are a report's lines in its manifest.
type ReportFacts struct {
	Sheets      []string `json:"sheets"`
	Findings    int      `json:"findings"`
	MarksSHA256 string   `json:"marksSha256,omitempty"`
}

// Tally is a value and how many events have it.
type Tally struct {
	Value string
	Count int
}

// ReportSummary is what the Summary sheet counts of the report's events.
type ReportSummary struct {
	Oldest, Newest time.Time // the report's first and last event; zero for none
	ByScope        []Tally
	ByStatus       []Tally
	FailedActions  []Tally // the top ones
	FailedUsers    []Tally
	Tags           []Tally // the marks in the view, by tag
	PerDay         []Tally // every day from the first event's to the last's, YYYY-MM-DD in the zone
}

// Finding is one mark on an event of the report.
type Finding struct {
	Event         audit.Event
	Tag, Note, By string
	At            time.Time
}

// ReportGroup is a group-by pinned in the window, as a sheet.
type ReportGroup struct {
	Fields     []string // the grouped fields' names
	Rows       []ReportGroupRow
	Total      int
	Rest       int
	RestGroups int
}

// ReportGroupRow is one group: its values, one per field, and its count.
type ReportGroupRow struct {
	Values []string
	Count  int
}

// chartRows is how many rows the Summary's chart covers.
const chartRows = 16

// summaryLineWidth is how many narrow characters a line of the Summary's
// facts holds (B:F merged).
const summaryLineWidth = 70

// The report's sheets' names.
const (
	summarySheet  = "Summary"
	findingsSheet = "Findings"
)

// groupSheet is pinned group-by k's sheet: "By user × status" (Excel's
// 31 characters at most; two group-bys of the same fields get a number).
func groupSheet(k int, fields []string) string {
	name := "By " + strings.Join(fields, " × ")
	if len([]rune(name)) > 26 {
		name = string([]rune(name)[:26])
	}
	return fmt.Sprintf("%s (%d)", name, k+1)
}

// writeReport adds the report's sheets and puts them first, the Summary
// shown on opening.
func writeReport(f *excelize.File, j *job) ([]string, error) {
	r := j.req.Report
	w := reportWriter{f: f, j: j}
	if err := w.styles(); err != nil {
		return nil, err
	}
	names := []string{summarySheet, findingsSheet}
	if err := w.summary(r); err != nil {
		return nil, fmt.Errorf("export: report summary: %w", err)
	}
	if err := w.findings(r.Findings); err != nil {
		return nil, fmt.Errorf("export: report findings: %w", err)
	}
	for k, g := range r.Groups {
		name := groupSheet(k, g.Fields)
		if err := w.group(name, g); err != nil {
			return nil, fmt.Errorf("export: report group-by: %w", err)
		}
		names = append(names, name)
	}
	for _, name := range names {
		if err := f.MoveSheet(name, eventsSheet); err != nil {
			return nil, err
		}
	}
	return names, nil
}

type reportWriter struct {
	f                       *excelize.File
	j                       *job
	title, head, label, num int
	pct, wrap, top          int
}

func (w *reportWriter) styles() error {
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = w.f.NewStyle(s)
		return id
	}
	font := func(bold bool, size float64) *excelize.Font {
		return &excelize.Font{Bold: bold, Family: fontFamily, Size: size}
	}
	w.title = mk(&excelize.Style{Font: font(true, 16)})
	w.head = mk(&excelize.Style{
		Font: font(true, fontSize), Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE3EA"}},
		Border: []excelize.Border{{Type: "bottom", Color: "8A96A3", Style: 1}},
	})
	w.label = mk(&excelize.Style{Font: font(true, fontSize), Alignment: &excelize.Alignment{Vertical: "top"}})
	w.num = mk(&excelize.Style{Font: font(false, fontSize), NumFmt: 3}) // #,##0
	w.pct = mk(&excelize.Style{Font: font(false, fontSize), NumFmt: 10})
	w.wrap = mk(&excelize.Style{Font: font(false, fontSize), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	w.top = mk(&excelize.Style{Font: font(false, fontSize), Alignment: &excelize.Alignment{Vertical: "top"}})
	return err
}

// ReadSheet reads the text of a workbook's sheet, row by row: for checking
// a report (excelize lives in this package only).
func ReadSheet(path, sheet string) ([][]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return f.GetRows(sheet)
}

// SheetNames lists a workbook's sheets in order, and the one it opens on.
func SheetNames(path string) (names []string, active int, err error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = f.Close() }()
	return f.GetSheetList(), f.GetActiveSheetIndex(), nil
}

// printable lays sheet out to print one page wide, as the export's
// sheets do.
func (w *reportWriter) printable(sheet, orientation string, titles bool) error {
	if err := w.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: boolPtr(true)}); err != nil {
		return err
	}
	return printAsReport(w.f, sheet, orientation, titles, "&F")
}

// cell names column c (1-based), row r.
func cell(c, r int) string {
	name, _ := excelize.CoordinatesToCellName(c, r)
	return name
}

// text puts s in a cell as text, never a formula: a value from the
// platform or the auditor is data.
func (w *reportWriter) text(sheet string, c, r int, s string, style int) error {
	safe, _ := xmlCell(s, true)
	if err := w.f.SetCellStr(sheet, cell(c, r), safe); err != nil {
		return err
	}
	if style != 0 {
		return w.f.SetCellStyle(sheet, cell(c, r), cell(c, r), style)
	}
	return nil
}

func (w *reportWriter) number(sheet string, c, r, n int) error {
	if err := w.f.SetCellInt(sheet, cell(c, r), int64(n)); err != nil {
		return err
	}
	return w.f.SetCellStyle(sheet, cell(c, r), cell(c, r), w.num)
}

// table writes a titled table of tallies from row r (columns c, c+1 and,
// with a total, the share), returning the row after it.
func (w *reportWriter) table(sheet string, c, r int, title, what string, rows []Tally, total int) (int, error) {
	if err := w.text(sheet, c, r, title, w.label); err != nil {
		return r, err
	}
	r++
	heads := []string{what, "Events"}
	if total > 0 {
		heads = append(heads, "Share")
	}
	for k, h := range heads {
		if err := w.text(sheet, c+k, r, h, w.head); err != nil {
			return r, err
		}
	}
	r++
	if len(rows) == 0 {
		return r + 2, w.text(sheet, c, r, "(none)", 0)
	}
	for _, t := range rows {
		v := t.Value
		if v == "" {
			v = "(empty)"
		}
		if err := w.text(sheet, c, r, v, 0); err != nil {
			return r, err
		}
		if err := w.number(sheet, c+1, r, t.Count); err != nil {
			return r, err
		}
		if total > 0 {
			if err := w.f.SetCellFloat(sheet, cell(c+2, r), float64(t.Count)/float64(total), 4, 64); err != nil {
				return r, err
			}
			if err := w.f.SetCellStyle(sheet, cell(c+2, r), cell(c+2, r), w.pct); err != nil {
				return r, err
			}
		}
		r++
	}
	return r + 1, nil
}

func (w *reportWriter) summary(rep *Report) error {
	f, j, s := w.f, w.j, rep.Summary
	if _, err := f.NewSheet(summarySheet); err != nil {
		return err
	}
	facts := j.req.Facts
	at := func(t time.Time) string {
		if t.IsZero() {
			return "none"
		}
		return t.In(j.loc).Format(time.DateTime)
	}
	who := facts.Profile.User
	if facts.Profile.Role != "" {
		who += " (" + string(facts.Profile.Role) + ")"
	}
	org := facts.Profile.Organization.Name
	if id := facts.Profile.Organization.ID; id != "" && id != org {
		org = strings.TrimSpace(org + " (" + id + ")")
	}
	lines := [][2]string{
		{"Events", fmt.Sprintf("%d", j.req.Total)},
		{"Period", at(s.Oldest) + " to " + at(s.Newest) + " (" + ZoneName(j.loc) + ")"},
		{"Filter", describeFilter(facts.Filter, j.loc)},
	}
	if facts.Case != "" {
		lines = append(lines, [2]string{"Case", facts.Case + " (imported files, not synced)"})
	} else {
		lines = append(lines, [][2]string{
			{"Organization", org},
			{"User", who},
			{"API URL", facts.Profile.APIURL},
			{"Cache last synced", at(facts.LastSynced)},
			{"Gaps in the range", gapsText(facts)},
		}...)
	}
	lines = append(lines, [][2]string{
		{"Findings", fmt.Sprintf("%d marked events in this view (the Findings sheet)", len(rep.Findings))},
		{"Made", "AuditDesk " + facts.AppVersion + ", " + at(j.now)},
		{"Cache chain head", orUnknown(facts.ChainHead)},
		{"Events' Merkle root", j.tree.root()},
		{"Proof", "The SHA-256 of this file is in " + j.base + ManifestSuffix + " beside it; auditdesk verify-export checks both."},
	}...)
	if err := w.text(summarySheet, 1, 1, "Audit log report", w.title); err != nil {
		return err
	}
	// The facts: a label, and its value across B:F, wrapped.
	r := 3
	for _, kv := range lines {
		if err := w.text(summarySheet, 1, r, kv[0], w.label); err != nil {
			return err
		}
		if err := f.MergeCell(summarySheet, cell(2, r), cell(6, r)); err != nil {
			return err
		}
		if err := w.text(summarySheet, 2, r, kv[1], w.wrap); err != nil {
			return err
		}
		if h := wrappedHeight(kv[1], summaryLineWidth, 10); h > 0 {
			if err := f.SetRowHeight(summarySheet, r, h); err != nil {
				return err
			}
		}
		r++
	}
	r++
	// The events per day, as a native chart here, its data at the end.
	chartRow := r
	if len(s.PerDay) > 0 {
		r += chartRows
	}
	var err error
	for _, t := range []struct {
		title, what string
		rows        []Tally
		share       bool
	}{
		{"Events by scope", "Scope", s.ByScope, true},
		{"Events by status", "Status", s.ByStatus, true},
		{"Top failed actions", "Action", s.FailedActions, false},
		{"Top users with failures", "User", s.FailedUsers, false},
		{"Marks in this view", "Tag", s.Tags, false},
	} {
		total := 0
		if t.share {
			total = j.req.Total
		}
		if r, err = w.table(summarySheet, 1, r, t.title, t.what, t.rows, total); err != nil {
			return err
		}
	}
	if n := len(s.PerDay); n > 0 {
		title := "Events per day (" + ZoneName(j.loc) + ")"
		if _, err := w.table(summarySheet, 1, r, title, "Day", s.PerDay, 0); err != nil {
			return err
		}
		first, last := r+2, r+1+n
		gap := uint(30)
		if err := f.AddChart(summarySheet, cell(1, chartRow), &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{{
				Name:       "Events",
				Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", summarySheet, first, last),
				Values:     fmt.Sprintf("'%s'!$B$%d:$B$%d", summarySheet, first, last),
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4472C4"}},
			}},
			Dimension: excelize.ChartDimension{Width: 560, Height: uint(chartRows-1) * 20},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
			Legend:    excelize.ChartLegend{Position: "none"},
			GapWidth:  &gap,
		}); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"A": 34, "B": 12, "C": 10, "D": 14, "E": 14, "F": 14} {
		if err := f.SetColWidth(summarySheet, col, col, width); err != nil {
			return err
		}
	}
	return w.printable(summarySheet, "landscape", false)
}

func (w *reportWriter) findings(list []Finding) error {
	f, j := w.f, w.j
	if _, err := f.NewSheet(findingsSheet); err != nil {
		return err
	}
	zone := " (" + ZoneName(j.loc) + ")"
	heads := []string{"Timestamp" + zone, "User", "Scope", "Category", "Action", "Target", "Status", "Description", "Event ID", "Tag", "Note", "Marked by", "Marked at" + zone}
	for k, h := range heads {
		if err := w.text(findingsSheet, k+1, 1, h, w.head); err != nil {
			return err
		}
	}
	for i, m := range list {
		e := &m.Event
		row := []string{
			e.Time.In(j.loc).Format(time.DateTime), e.User, string(e.Scope), e.Category, e.Action, e.Target,
			string(e.Status), e.Description, e.ID, m.Tag, m.Note, m.By, m.At.In(j.loc).Format(time.DateTime),
		}
		for k, v := range row {
			style := w.top
			if k == 7 || k == 10 {
				style = w.wrap
			}
			if err := w.text(findingsSheet, k+1, i+2, v, style); err != nil {
				return err
			}
		}
		// As tall as its description or its note wraps.
		if h := max(wrappedHeight(e.Description, 42, 12), wrappedHeight(m.Note, 38, 12)); h > 0 {
			if err := f.SetRowHeight(findingsSheet, i+2, h); err != nil {
				return err
			}
		}
	}
	if len(list) == 0 {
		if err := w.text(findingsSheet, 1, 2, "No event in this view is marked (auditdesk mark, or Mark in the window).", 0); err != nil {
			return err
		}
	}
	for k, width := range []float64{20, 28, 12, 16, 20, 24, 9, 44, 30, 12, 40, 14, 20} {
		col, _ := excelize.ColumnNumberToName(k + 1)
		if err := f.SetColWidth(findingsSheet, col, col, width); err != nil {
			return err
		}
	}
	if err := f.SetPanes(findingsSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return w.printable(findingsSheet, "landscape", true)
}

func (w *reportWriter) group(name string, g ReportGroup) error {
	f := w.f
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	heads := append(append([]string{}, g.Fields...), "Events", "Share")
	for k, h := range heads {
		if err := w.text(name, k+1, 1, h, w.head); err != nil {
			return err
		}
	}
	rows := g.Rows
	if g.RestGroups > 0 {
		rest := ReportGroupRow{Values: make([]string, len(g.Fields)), Count: g.Rest}
		rest.Values[0] = fmt.Sprintf("(%d other groups)", g.RestGroups)
		rows = append(rows[:len(rows):len(rows)], rest)
	}
	for i, row := range rows {
		r := i + 2
		restRow := g.RestGroups > 0 && i == len(rows)-1
		for k, v := range row.Values {
			if v == "" && !restRow {
				v = "(empty)"
			}
			if err := w.text(name, k+1, r, v, 0); err != nil {
				return err
			}
		}
		c := len(g.Fields) + 1
		if err := w.number(name, c, r, row.Count); err != nil {
			return err
		}
		if g.Total > 0 {
			if err := f.SetCellFloat(name, cell(c+1, r), float64(row.Count)/float64(g.Total), 4, 64); err != nil {
				return err
			}
			if err := f.SetCellStyle(name, cell(c+1, r), cell(c+1, r), w.pct); err != nil {
				return err
			}
		}
	}
	for k := range g.Fields {
		col, _ := excelize.ColumnNumberToName(k + 1)
		if err := f.SetColWidth(name, col, col, 32); err != nil {
			return err
		}
	}
	return w.printable(name, "portrait", true)
}
