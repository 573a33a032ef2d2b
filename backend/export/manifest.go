package export

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/signing"
)

// ManifestSuffix is appended to the exported file's name for its manifest.
const ManifestSuffix = ".manifest.json"

// Profile is who the exported events were synced as.
type Profile struct {
	APIURL       string     `json:"apiUrl"`
	Organization audit.Ref  `json:"organization"`
	User         string     `json:"user"`
	Role         audit.Role `json:"role"`
}

// Facts are what the caller knows of the view: they go into the manifest
// as they are.
type Facts struct {
	Filter     audit.Filter `json:"filter"`
	Sort       audit.Sort   `json:"sort"`
	Profile    Profile      `json:"profile"`
	LastSynced time.Time    `json:"cacheLastSynced,omitzero"`
	// ChainHead is the cache's hash chain head when the export ran
	// (auditdesk verify and auditdesk profiles show it), "" if unknown.
	ChainHead    string `json:"chainHead"`
	ChainRecords int64  `json:"chainRecords"`
	// Range is the time range the export covers (the filter's, else the
	// cache's); Covered and Gaps are what syncs made complete of it and
	// what they did not (docs/EVIDENCE.md).
	Range   *Span  `json:"range,omitempty"`
	Covered []Span `json:"covered"`
	Gaps    []Span `json:"gaps"`
	// Newest is the newest event in the cache (not only in the export).
	Newest     time.Time `json:"cacheNewestEvent,omitzero"`
	AppVersion string    `json:"appVersion"`
	// Case and Sources: an export of imported files names its case and
	// each file it holds events of (a case has no sync, so no coverage).
	Case    string       `json:"case,omitempty"`
	Sources []SourceFile `json:"sources,omitempty"`
}

// SourceFile is a file a case's events were imported from.
type SourceFile struct {
	File       string    `json:"file"`
	SHA256     string    `json:"sha256"`
	Bytes      int64     `json:"bytes"`
	Format     string    `json:"format"`
	Rows       int       `json:"rows"`
	ImportedAt time.Time `json:"importedAt"`
}

// Span is a time interval, start inclusive, end exclusive.
type Span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// CSVOptions says how a CSV was written.
type CSVOptions struct {
	BOM bool `json:"bom"`
	// Neutralised: text cells starting with = + - @ tab or CR got a leading
	// apostrophe (OWASP's rule against formula injection). A reader that
	// wants the original value drops that apostrophe from such cells.
	Neutralised      bool `json:"neutralised"`
	NeutralisedCells int  `json:"neutralisedCells"`
}

// Manifest is FILE.manifest.json: what FILE holds and where it came from.
type Manifest struct {
	File   string `json:"file"` // the base name
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	Rows   int    `json:"rows"`
	Format Format `json:"format"`
	Facts
	TimeZone string   `json:"timeZone"`
	Columns  []string `json:"columns"`
	Sheets   int      `json:"sheets,omitempty"` // XLSX: data sheets
	// CellsMadeSafe (XLSX) counts cells whose text was not UTF-8 (each bad
	// byte became U+FFFD) or that were over Excel's 32,767 characters (cut
	// there; a Details never is: DetailsRule). Characters XML cannot hold
	// (C0 controls) are kept, as OOXML's _xHHHH_ escapes.
	CellsMadeSafe int `json:"cellsMadeSafe,omitempty"`
	// DetailsRule says how the Details column holds each event's details
	// (the XLSX's rule for those longer than a cell).
	DetailsRule string      `json:"detailsRule,omitempty"`
	CSV         *CSVOptions `json:"csv,omitempty"`
	// MerkleRoot is the RFC 6962 tree over the file's rows (merkle.go),
	// checked from the file alone by auditdesk verify-export.
	// Report names a report's own sheets (auditdesk report); nil for an
	// export.
	Report       *ReportFacts `json:"report,omitempty"`
	MerkleRoot   string       `json:"merkleRoot"`
	MerkleLeaves string       `json:"merkleLeaves"`
	ExportedAt   time.Time    `json:"exportedAt"`
	// Signature is the installation's signature over the other members
	// (backend/signing); nil for a manifest written before AuditDesk
	// signed them.
	Signature *signing.Signature `json:"signature,omitempty"`

	raw []byte // the file as read (ReadManifest), for its signature
}

// merkleLeaves says in the manifest what the tree's leaves are.
const merkleLeaves = "leaf = SHA-256(0x00 || \"" + RowVersion + "\" || 0x00 || each cell of the columns as uvarint length and UTF-8 text as the file holds it, an XLSX's Details (2), Details (3), ... joined to its Details as one); node = SHA-256(0x01 || left || right); RFC 6962 tree"

// The Details column's rules, in the manifest and the About sheet. An
// event's details are never cut: a cut cell would be an altered event.
const (
	csvDetailsRule     = "Details is each event's details object as compact JSON, byte for byte as the cache holds it, in one cell whatever its length."
	parquetDetailsRule = "details is each event's details object as JSON, byte for byte as the cache holds it, null for an event without one; the time is a TIMESTAMP in milliseconds adjusted to UTC; a row's Merkle leaf is its cells in the CSV's columns as text, the time in UTC as YYYY-MM-DD HH:mm:ss.SSS."
	xlsxDetailsRule    = "Details is each event's details object as compact JSON, as the cache holds it, never cut: one longer than Excel's 32,767 characters a cell goes on in the next cells of its row, under Details (2), Details (3), ...; joined in order, they are the object."
)

// ReadManifest reads FILE.manifest.json.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, fmt.Errorf("export: read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("export: manifest %s is not valid JSON: %w", path, err)
	}
	m.raw = b
	return m, nil
}

// aboutFacts are the About sheet's lines.
func (j *job) aboutFacts() [][2]string {
	f := j.req.Facts
	t := func(v time.Time) string {
		if v.IsZero() {
			return "never"
		}
		return v.UTC().Format(time.RFC3339)
	}
	org := f.Profile.Organization.Name
	if id := f.Profile.Organization.ID; id != "" && id != org {
		org = strings.TrimSpace(org + " (" + id + ")")
	}
	rows := [][2]string{
		{"Exported by", "AuditDesk " + f.AppVersion},
		{"Exported at", t(j.now)},
		{"Rows", fmt.Sprint(j.req.Total)},
		{"Filter", describeFilter(f.Filter, j.loc)},
		{"Sort", describeSort(f.Sort)},
		{"Time zone", ZoneName(j.loc)},
	}
	if f.Case != "" {
		// Imported files: no platform, no sync, no coverage.
		rows = append(rows, [2]string{"Case", f.Case + " (imported files, not synced)"})
		for _, s := range f.Sources {
			rows = append(rows, [2]string{"Imported file", fmt.Sprintf("%s, %d rows, SHA-256 %s, imported %s", s.File, s.Rows, s.SHA256, t(s.ImportedAt))})
		}
		rows = append(rows, [2]string{"Newest event in the case", t(f.Newest)})
	} else {
		rows = append(rows, [][2]string{
			{"API URL", f.Profile.APIURL},
			{"Organization", org},
			{"User", f.Profile.User},
			{"Role", string(f.Profile.Role)},
			{"Cache last synced", t(f.LastSynced)},
			{"Newest event in the cache", t(f.Newest)},
		}...)
	}
	rows = append(rows, [2]string{"Cache chain head", orUnknown(f.ChainHead)})
	if f.Case == "" {
		rows = append(rows, [2]string{"Gaps in the range", gapsText(f)})
	}
	return append(rows,
		[2]string{"Details", xlsxDetailsRule},
		[2]string{"Rows' Merkle root", j.tree.root() + " (RFC 6962 over the data rows; auditdesk verify-export checks it)"},
		[2]string{"Proof", "The SHA-256 of this file is in " + j.base + ManifestSuffix + " beside it."},
	)
}

func orUnknown(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

func gapsText(f Facts) string {
	if f.Range == nil {
		return "not recorded"
	}
	if len(f.Gaps) == 0 {
		return "none: every sync of " + f.Range.Start.UTC().Format(time.RFC3339) + " to " + f.Range.End.UTC().Format(time.RFC3339) + " finished"
	}
	var b strings.Builder
	for i, g := range f.Gaps {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(g.Start.UTC().Format(time.RFC3339) + " to " + g.End.UTC().Format(time.RFC3339))
	}
	return b.String()
}
