package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// longDetails is a details object of n UTF-16 units or a little more,
// with emoji (two units each) where a cell's limit falls.
func longDetails(n int) string {
	var b strings.Builder
	b.WriteString(`{"log":"`)
	for b.Len() < n {
		b.WriteString("GPU ノード 🚀 \\\"quoted\\\", _x0041_ & <tag> ")
	}
	b.WriteString(`"}`)
	return b.String()
}

// A Details longer than an XLSX cell's 32,767 characters is never cut: it
// goes on in the next cells of its row, headed Details (2), (3), ..., each
// within the limit and no character split; joined they are the details
// byte for byte, as verify-export's leaves and the importer join them. The
// manifest and the About sheet say the rule; nothing counts as made safe.
// Other rows leave those cells empty; the CSV holds the details in one
// cell.
func TestXLSXLongDetailsGoOn(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	long, longer := longDetails(40_000), longDetails(100_000)
	evs := []audit.Event{
		{ID: "evt-1", Time: t0, User: "u@example.com", Scope: audit.ScopeService, Category: "c", Action: "a", Status: audit.StatusSuccess, Description: "d", Details: []byte(long)},
		{ID: "evt-2", Time: t0.Add(time.Second), User: "u@example.com", Scope: audit.ScopeService, Category: "c", Action: "a", Status: audit.StatusFailed, Description: "d", Details: []byte(`{"short":true}`)},
		{ID: "evt-3", Time: t0.Add(2 * time.Second), User: "u@example.com", Scope: audit.ScopeService, Category: "c", Action: "a", Status: audit.StatusFailed, Description: "d", Details: []byte(longer)},
	}
	res := result(t, buildIndex(t, evs), audit.Filter{}, audit.Sort{Field: audit.SortID})
	dir := t.TempDir()
	path := filepath.Join(dir, "long.xlsx")
	m, err := Write(t.Context(), request(path, res, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	parts := len(cellParts(longer, nil))
	wantHead := header(time.UTC, parts)
	if strings.Join(m.Columns, "|") != strings.Join(wantHead, "|") || parts != 3 || wantHead[len(wantHead)-1] != "Details (3)" {
		t.Fatalf("columns %q, want %q", m.Columns, wantHead)
	}
	if m.CellsMadeSafe != 0 || m.DetailsRule != xlsxDetailsRule || !strings.Contains(m.MerkleLeaves, "Details (2)") {
		t.Errorf("manifest: made safe %d, rule %q, leaves %q", m.CellsMadeSafe, m.DetailsRule, m.MerkleLeaves)
	}
	if c := check(t, path); !c.RowsOK || !c.SHA256OK {
		t.Fatalf("verify-export: %+v", c)
	}
	f, sheets := readXLSX(t, path)
	rows := sheets[eventsSheet]
	if strings.Join(rows[0], "|") != strings.Join(wantHead, "|") {
		t.Fatalf("header %q", rows[0])
	}
	at, n := detailsSpan(rows[0])
	for i, want := range []string{long, `{"short":true}`, longer} {
		row := rows[i+1]
		for len(row) < len(rows[0]) {
			row = append(row, "")
		}
		for k, cell := range row[at : at+n] {
			if u := len(utf16.Encode([]rune(cell))); u > maxCellUnits || strings.ContainsRune(cell, '\uFFFD') {
				t.Errorf("row %d, Details part %d: %d units", i+1, k+1, u)
			}
		}
		if got := joinDetails(row, at, n)[at]; got != want {
			t.Errorf("row %d: Details joined is %d bytes, want %d", i+1, len(got), len(want))
		}
		if i == 1 && strings.Join(row[at+1:], "") != "" {
			t.Errorf("a short Details has cells after it: %q", row[at+1:])
		}
	}
	got := 0
	if _, err := ReadXLSXRows(path, nil, func([]string) error { got++; return nil }); err != nil || got != 3 {
		t.Errorf("ReadXLSXRows: %d rows, %v", got, err)
	}
	for _, col := range []string{"N", "O"} {
		if w, err := f.GetColWidth(eventsSheet, col); err != nil || w != colWidths[len(colWidths)-1] {
			t.Errorf("column %s (a Details part) is %v wide, %v", col, w, err)
		}
	}
	about := map[string]string{}
	for _, r := range sheets[aboutSheet] {
		if len(r) == 2 {
			about[r[0]] = r[1]
		}
	}
	if about["Details"] != xlsxDetailsRule {
		t.Errorf("About: Details %q", about["Details"])
	}

	csvPath := filepath.Join(dir, "long.csv")
	cm, err := Write(t.Context(), request(csvPath, res, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = fh.Close() }()
	recs, err := ReadCSV(fh)
	if err != nil {
		t.Fatal(err)
	}
	if len(cm.Columns) != len(Columns) || cm.DetailsRule != csvDetailsRule || len(recs) != 4 || recs[3][len(Columns)-1] != longer {
		t.Errorf("CSV: columns %q, rule %q, %d records", cm.Columns, cm.DetailsRule, len(recs))
	}
}

// Details too long for an XLSX row (more cells than Excel's columns) are
// refused with the event and what to do, and nothing is written: never a
// cut cell.
func TestXLSXRefusesDetailsNoRowHolds(t *testing.T) {
	defer func(n int) { maxDetailsCells = n }(maxDetailsCells)
	maxDetailsCells = 2
	evs := []audit.Event{{ID: "evt-huge", Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), User: "u", Scope: audit.ScopeService, Status: audit.StatusSuccess, Description: "d", Details: []byte(longDetails(120_000))}}
	res := result(t, buildIndex(t, evs), audit.Filter{}, audit.Sort{})
	dir := t.TempDir()
	path := filepath.Join(dir, "huge.xlsx")
	_, err := Write(t.Context(), request(path, res, time.UTC))
	if err == nil || !strings.Contains(err.Error(), "evt-huge") || !strings.Contains(err.Error(), "export to CSV") {
		t.Fatalf("Write: %v; want a refusal naming the event", err)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("files left: %v", left)
	}
}
