package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/settings"
)

func TestCSVGolden(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	res := result(t, buildIndex(t, hostileEvents()), audit.Filter{}, audit.Sort{})
	for _, c := range []struct {
		name string
		bom  bool
		keep bool
	}{
		{"hostile.csv", false, false},
		{"hostile-bom-keep.csv", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			req := request(filepath.Join(dir, "out.csv"), res, tokyo)
			req.BOM, req.KeepFormulas = c.bom, c.keep
			m, err := Write(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(req.Path)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, b)
			if c.bom != bytes.HasPrefix(b, []byte(utf8BOM)) {
				t.Errorf("BOM %v, file starts %q", c.bom, b[:4])
			}
			if m.CSV == nil || m.CSV.Neutralised == c.keep || m.CSV.BOM != c.bom {
				t.Errorf("manifest csv %+v", m.CSV)
			}
			// 1: User, Target, Description, Source IP; 2: User, Target,
			// Description; 3: Target and Description (tab, CR).
			if want := 9; !c.keep && m.CSV.NeutralisedCells != want {
				t.Errorf("neutralised %d cells, want %d", m.CSV.NeutralisedCells, want)
			}
		})
	}
}

// The file reads back to the query's rows, field for field: only the
// neutralising apostrophe differs, on exactly the risky cells.
func TestCSVReadsBackToTheRows(t *testing.T) {
	res := result(t, buildIndex(t, append(hostileEvents(), simEvents(t, 3000)...)), audit.Filter{}, audit.Sort{Field: audit.SortUser})
	dir := t.TempDir()
	req := request(filepath.Join(dir, "all.csv"), res, time.UTC)
	req.BOM = true
	if _, err := Write(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(req.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != res.Total+1 || strings.Join(rows[0], "|") != strings.Join(header(time.UTC, 1), "|") {
		t.Fatalf("%d records, header %q; want %d rows and a header", len(rows), rows[0], res.Total)
	}
	var cells [nText]string
	evs, err := res.Rows(0, res.Total)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range evs {
		got := rows[i+1]
		textCells(&e, &cells)
		want := append([]string{e.Time.UTC().Format("2006-01-02 15:04:05.000")}, cells[:]...)
		for k := range want {
			if Marked(want[k]) {
				want[k] = "'" + want[k]
			}
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("row %d:\n%q\nwant\n%q", i, got, want)
		}
	}
}

func TestManifestProvesTheFile(t *testing.T) {
	res := result(t, buildIndex(t, simEvents(t, 2000)), audit.Filter{Status: audit.StatusFailed}, audit.Sort{Field: audit.SortAction})
	for _, format := range []Format{CSV, XLSX} {
		dir := t.TempDir()
		req := request(filepath.Join(dir, "failed."+string(format)), res, time.UTC)
		req.Facts.Filter = audit.Filter{Status: audit.StatusFailed}
		req.Facts.Sort = audit.Sort{Field: audit.SortAction}
		m, err := Write(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		read, err := ReadManifest(req.Path + ManifestSuffix)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(req.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if read.SHA256 != hex.EncodeToString(sum[:]) || read.SHA256 != m.SHA256 || read.Bytes != int64(len(b)) {
			t.Errorf("%s: manifest sha256 %s (%d bytes), file %x (%d bytes)", format, read.SHA256, read.Bytes, sum, len(b))
		}
		if read.Rows != res.Total || read.Format != format || read.File != filepath.Base(req.Path) ||
			read.Filter.Status != audit.StatusFailed || read.Sort.Field != audit.SortAction || read.TimeZone != "UTC" ||
			read.Profile.Organization.ID != "org-1" || read.Profile.Role != audit.RoleOrganizationOwner ||
			!read.LastSynced.Equal(req.Facts.LastSynced) || !read.Newest.Equal(req.Facts.Newest) ||
			read.AppVersion != "1.2.3" || !read.ExportedAt.Equal(exportNow) {
			t.Errorf("%s: manifest %+v", format, read)
		}
		for _, p := range []string{req.Path, req.Path + ManifestSuffix} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != settings.FileMode {
				t.Errorf("%s: %v, %v; want an owner-only file", p, fi.Mode(), err)
			}
		}
		if left := leftovers(t, dir, filepath.Base(req.Path), filepath.Base(req.Path)+ManifestSuffix); len(left) > 0 {
			t.Errorf("%s: files left beside the export: %v", format, left)
		}
	}
}

func TestReadCSVRefusesBrokenFiles(t *testing.T) {
	for _, s := range []string{"a,\"b\r\n", "a,b", "a,\"b\"c\r\n"} {
		if _, err := ReadCSV(strings.NewReader(s)); err == nil {
			t.Errorf("ReadCSV(%q) accepted it", s)
		}
	}
}

// What the CSV export marks, reading unmarks: every text of apostrophes,
// formula starts and a letter, up to five long, comes back as it was, and
// a risky one is never left unmarked.
func TestMarkedUnmarkRoundTrip(t *testing.T) {
	alphabet := []string{"'", "=", "-", "a", "\t"}
	var texts []string
	var grow func(s string)
	grow = func(s string) {
		texts = append(texts, s)
		if len(s) < 5 {
			for _, c := range alphabet {
				grow(s + c)
			}
		}
	}
	grow("")
	for _, s := range texts {
		cell := s
		if Marked(s) {
			cell = "'" + s
		}
		if risky(cell) {
			t.Fatalf("%q exported as %q: a formula", s, cell)
		}
		if got := Unmark(cell); got != s {
			t.Fatalf("%q exported as %q read back as %q", s, cell, got)
		}
	}
}
