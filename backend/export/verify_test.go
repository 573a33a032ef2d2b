package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// refRoot is RFC 6962's MTH written the recursive way.
func refRoot(leaves [][]byte) [32]byte {
	switch n := len(leaves); n {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		l, r := refRoot(leaves[:k]), refRoot(leaves[k:])
		return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
	}
}

func TestMerkleIsRFC6962(t *testing.T) {
	var m merkle
	var leaves [][]byte
	for n := 0; n <= 70; n++ {
		want := refRoot(leaves)
		if got := m.root(); got != hex.EncodeToString(want[:]) {
			t.Fatalf("%d rows: root %s, want %x", n, got, want)
		}
		cells := []string{fmt.Sprint(n), "x", strings.Repeat("é", n%5)}
		m.addRow(cells)
		leaf := []byte(RowVersion + "\x00")
		for _, c := range cells {
			leaf = append(leaf, byte(len(c)))
			leaf = append(leaf, c...)
		}
		leaves = append(leaves, leaf)
	}
}

func exported(t *testing.T, format Format) (string, Manifest) {
	t.Helper()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	res := result(t, buildIndex(t, append(hostileEvents(), simEvents(t, 1500)...)), audit.Filter{}, audit.Sort{Field: audit.SortUser})
	path := filepath.Join(t.TempDir(), "view."+string(format))
	m, err := Write(context.Background(), request(path, res, tokyo))
	if err != nil {
		t.Fatal(err)
	}
	return path, m
}

func check(t *testing.T, path string) FileCheck {
	t.Helper()
	c, err := VerifyFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVerifyFileAsExported(t *testing.T) {
	for _, f := range []Format{CSV, XLSX} {
		path, m := exported(t, f)
		if c := check(t, path); !c.SHA256OK || !c.RowsOK || c.Rows != m.Rows || c.Problem != "" || len(m.MerkleRoot) != 64 {
			t.Errorf("%s as exported: %+v", f, c)
		}
	}
}

// Exports made by older builds still check, by their manifest's columns,
// and a row of them changed is still caught: ten columns before Source IP
// was added (testdata/v10), eleven before Workspace ID and Details
// (testdata/v11, written by that build: 11 rows, Asia/Tokyo, no details).
func TestVerifyFileOfOlderColumns(t *testing.T) {
	for _, c := range []struct {
		dir, name  string
		rows, cols int
	}{
		{"v10", "v10.csv", 8, 10},
		{"v10", "v10.xlsx", 8, 10},
		{"v11", "v11.csv", 11, 11},
		{"v11", "v11.xlsx", 11, 11},
	} {
		dir := t.TempDir()
		for _, f := range []string{c.name, c.name + ManifestSuffix} {
			b, err := os.ReadFile(filepath.Join("testdata", c.dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, c.name)
		got := check(t, path)
		if !got.SHA256OK || !got.RowsOK || got.Rows != c.rows || got.Problem != "" || len(got.Manifest.Columns) != c.cols {
			t.Errorf("%s of %d columns: %+v", c.name, c.cols, got)
		}
		if strings.HasSuffix(c.name, ".csv") {
			rewrite(t, path, func(s string) string { return strings.Replace(s, "FAILED", "SUCCESS", 1) })
			if got := check(t, path); got.RowsOK || !strings.Contains(got.Problem, "Merkle root") {
				t.Errorf("a changed row of %d columns: %+v", c.cols, got)
			}
		}
	}
}

func rewrite(t *testing.T, path string, fn func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(fn(string(b))), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyFileCatchesChangedAndDroppedRows(t *testing.T) {
	path, _ := exported(t, CSV)
	orig, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(orig), "\r\n")
	for _, c := range []struct {
		name string
		edit func(string) string
		says string
	}{
		{"a cell changed", func(s string) string { return strings.Replace(s, "SUCCESS", "FAILED", 1) }, "changed or moved"},
		{"a row dropped", func(string) string { return strings.Join(append(lines[:5:5], lines[6:]...), "") }, "added or dropped"},
		{"two rows swapped", func(string) string {
			l := append([]string(nil), lines...)
			l[3], l[4] = l[4], l[3]
			return strings.Join(l, "")
		}, "changed or moved"},
	} {
		if err := os.WriteFile(path, orig, 0o600); err != nil {
			t.Fatal(err)
		}
		rewrite(t, path, c.edit)
		if got := check(t, path); got.RowsOK || got.SHA256OK || !strings.Contains(got.Problem, c.says) {
			t.Errorf("%s: %+v; want the rows refused (%q)", c.name, got, c.says)
		}
	}
}

// A workbook saved again by a spreadsheet is not the same bytes, but its
// rows still prove what they are.
func TestVerifyFileOfAResavedWorkbook(t *testing.T) {
	path, _ := exported(t, XLSX)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	c := check(t, path)
	if c.SHA256OK || !c.RowsOK || !strings.Contains(c.Problem, "saved again") {
		t.Errorf("re-saved workbook: %+v", c)
	}
	// Then a cell changed in it.
	f, err = excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(eventsSheet, "H3", "edited"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if c := check(t, path); c.RowsOK {
		t.Errorf("an edited workbook passes: %+v", c)
	}
}

func TestVerifyFileWithoutItsManifest(t *testing.T) {
	path, _ := exported(t, CSV)
	if err := os.Remove(path + ManifestSuffix); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyFile(context.Background(), path); err == nil || !strings.Contains(err.Error(), "must sit beside the file") {
		t.Errorf("no manifest: %v", err)
	}
}
