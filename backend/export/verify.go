package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/auditdesk/auditdesk/backend/signing"
)

// FileCheck is what VerifyFile found.
type FileCheck struct {
	Manifest Manifest `json:"manifest"`
	// SHA256OK: the file is byte for byte the one exported. A file opened
	// and saved again by a spreadsheet fails this and may still pass the
	// row check.
	SHA256OK bool   `json:"sha256Ok"`
	SHA256   string `json:"sha256"`
	// RowsOK: the file's rows are the exported rows, in their order: their
	// count and Merkle root are the manifest's.
	RowsOK     bool   `json:"rowsOk"`
	Rows       int    `json:"rows"`
	MerkleRoot string `json:"merkleRoot"`
	// Problem says what is off, "" when nothing is.
	Problem string `json:"problem"`
	// Signed: the manifest carries a signature; SignatureOK: it matches
	// the manifest (nothing in it was changed since), made by the key of
	// SignedBy (a fingerprint; whose, `auditdesk key` tells).
	Signed      bool   `json:"signed"`
	SignatureOK bool   `json:"signatureOk"`
	SignedBy    string `json:"signedBy,omitempty"`
}

// ErrFileMismatch wraps a failed check.
var ErrFileMismatch = errors.New("the file does not match its manifest")

// VerifyFile checks an exported file against FILE.manifest.json beside it:
// its SHA-256, and its rows against the manifest's row count and Merkle
// root, recomputed from the file alone. After an export was killed between
// moving the file and moving its manifest, FILE's manifest is the one in
// the export's work folder, which names FILE's SHA-256 (pair.go); it is
// checked against that one then, and the folder is left as it is.
func VerifyFile(ctx context.Context, path string) (FileCheck, error) {
	m, err := ReadManifest(path + ManifestSuffix)
	sum, serr := FileSHA256(path)
	if serr == nil && (err != nil || m.SHA256 != sum) {
		if wm, ok := workManifest(path, sum); ok {
			m, err = wm, nil
		}
	}
	if err != nil {
		return FileCheck{}, fmt.Errorf("export: verify: %w (the manifest must sit beside the file as %s)", err, path+ManifestSuffix)
	}
	c := FileCheck{Manifest: m, SHA256: sum}
	if serr != nil {
		return c, fmt.Errorf("export: verify: %w", serr)
	}
	if sig := m.Signature; sig != nil {
		c.Signed, c.SignedBy = true, sig.Fingerprint
		c.SignatureOK = signing.Verify(m.raw, *sig) == nil
	}
	c.SHA256OK = c.SHA256 == m.SHA256
	var tree merkle
	var header []string
	// A row's leaf is its cells of the manifest's columns: ten before
	// Source IP was added, eleven before Workspace ID and Details, so an
	// older export still checks; an XLSX's Details parts joined as one.
	width := len(m.Columns)
	if width == 0 {
		width = len(Columns)
	}
	at, parts := detailsSpan(m.Columns)
	rows := func(cells []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for len(cells) < width {
			cells = append(cells, "") // spreadsheets drop trailing empty cells
		}
		tree.addRow(joinDetails(cells[:width], at, parts))
		return nil
	}
	switch m.Format {
	case CSV:
		header, err = readCSVRows(path, rows)
	case XLSX:
		header, err = readXLSXRows(path, m, nil, rows)
	case Parquet:
		header, err = readParquetRows(path, rows)
	default:
		err = fmt.Errorf("the manifest's format %q is not csv, xlsx or parquet", m.Format)
	}
	if err != nil {
		return c, fmt.Errorf("export: verify %s: %w", path, err)
	}
	c.Rows, c.MerkleRoot = tree.n, tree.root()
	c.RowsOK = c.Rows == m.Rows && c.MerkleRoot == m.MerkleRoot
	switch {
	case strings.Join(header, "\x00") != strings.Join(m.Columns, "\x00"):
		c.RowsOK = false
		c.Problem = fmt.Sprintf("the header is %q, the manifest's %q", header, m.Columns)
	case c.Rows != m.Rows:
		c.Problem = fmt.Sprintf("the file has %d rows, the manifest %d: rows were added or dropped", c.Rows, m.Rows)
	case c.MerkleRoot != m.MerkleRoot:
		c.Problem = "the rows' Merkle root differs from the manifest's: a row was changed or moved"
	case !c.SHA256OK:
		c.Problem = "the rows are the exported ones, but the file's bytes differ (saved again by another program?)"
	case c.Signed && !c.SignatureOK:
		c.Problem = "the manifest was changed after it was signed: its signature does not match"
	}
	return c, nil
}

// detailsSpan is where the Details column is among cols and how many
// columns it takes (itself and its Details (2), (3), ... after it); at is
// -1 for an export without one.
func detailsSpan(cols []string) (at, parts int) {
	for i, c := range cols {
		if c == Columns[len(Columns)-1] {
			for parts = 1; i+parts < len(cols) && cols[i+parts] == detailsPart(parts+1); parts++ {
			}
			return i, parts
		}
	}
	return -1, 0
}

// joinDetails is a row's cells with its Details' parts (cells [at,
// at+parts)) joined into one, as the leaf holds them.
func joinDetails(cells []string, at, parts int) []string {
	if parts <= 1 {
		return cells
	}
	joined := append(cells[:at:at], strings.Join(cells[at:at+parts], ""))
	return append(joined, cells[at+parts:]...)
}

// FileSHA256 is the SHA-256 of the file at path, in hex.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readCSVRows(path string, fn func([]string) error) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	recs, err := ReadCSV(f)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("the file is empty")
	}
	for _, r := range recs[1:] {
		if err := fn(r); err != nil {
			return nil, err
		}
	}
	return recs[0], nil
}

// readXLSXRows reads the data sheets in order, each after its header; a
// timestamp cell (a date serial) is read back to the text the leaf holds.
func readXLSXRows(path string, m Manifest, onHeader, fn func([]string) error) ([]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var header []string
	sheets := 0
	for _, name := range f.GetSheetList() {
		if name != eventsSheet && !strings.HasPrefix(name, eventsSheet+" (") {
			continue
		}
		sheets++
		it, err := f.Rows(name)
		if err != nil {
			return nil, err
		}
		first := true
		for it.Next() {
			cells, err := it.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				_ = it.Close()
				return nil, err
			}
			if first {
				first = false
				if header == nil {
					header = cells
					if onHeader != nil {
						if err := onHeader(cells); err != nil {
							_ = it.Close()
							return header, err
						}
					}
				}
				continue
			}
			if len(cells) > 0 {
				if cells[0], err = serialText(cells[0]); err != nil {
					_ = it.Close()
					return nil, fmt.Errorf("sheet %s: %w", name, err)
				}
			}
			if err := fn(cells); err != nil {
				_ = it.Close()
				return nil, err
			}
		}
		if err := it.Close(); err != nil {
			return nil, err
		}
	}
	if sheets == 0 {
		return nil, fmt.Errorf("no %q sheet", eventsSheet)
	}
	if m.Sheets != 0 && sheets != m.Sheets {
		return header, fmt.Errorf("%d data sheets, the manifest says %d", sheets, m.Sheets)
	}
	return header, nil
}

// serialText turns a date serial back into the wall-time text of the
// leaf, to the millisecond.
func serialText(s string) (string, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "", fmt.Errorf("timestamp cell %q is not a date", s)
	}
	ms := int64(math.Round((v - 25_569) * 86_400_000))
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000"), nil
}

// ReadXLSXRows reads an AuditDesk XLSX export's data rows, every data
// sheet in order, and gives fn each row's cells as the Merkle leaf holds
// them (the timestamp as YYYY-MM-DD HH:mm:ss.SSS in the file's zone, which
// its header names), after onHeader is given the first sheet's header; it
// returns the header. For the importer: excelize
// lives here only.
func ReadXLSXRows(path string, onHeader, fn func(cells []string) error) ([]string, error) {
	return readXLSXRows(path, Manifest{}, onHeader, fn)
}
