package importer

import (
	"fmt"
	"time"

	"github.com/auditdesk/auditdesk/backend/importer/textio"
)

// Format is a kind of file the importer reads.
type Format string

// The formats, told from the content.
const (
	ConsoleCSV    Format = "console-csv"    // the console's Export: no IDs, zone-less times
	AuditDeskCSV  Format = "auditdesk-csv"  // AuditDesk's CSV export, with its manifest
	AuditDeskXLSX Format = "auditdesk-xlsx" // AuditDesk's XLSX export, with its manifest
	JSONLines     Format = "jsonl"          // one API event a line, as `query --json` prints
	APIPages      Format = "api-json"       // the API's pages: {"events": [...]} one or many
)

// Options say how to read what a file leaves open.
type Options struct {
	// Zone is where zone-less times are taken (the console's, and Excel's
	// re-saved ones); nil means UTC. The Report says it was assumed.
	Zone *time.Location
	// Encoding of a text file; "" or textio.Auto detects it.
	Encoding textio.Encoding
	// Reject, when set, is given every row that is not read, with the
	// line it starts at, its fields as read (nil for a JSON line) and why.
	Reject func(line int, fields []string, why string)
	// KeepVerdicts keeps what an export's manifest said of it while
	// neither changes, for previews taken again; an import checks anew.
	KeepVerdicts bool
}

// MaxProblems is how many problems a Report spells out; Bad counts them all.
const MaxProblems = 20

// Problem is one row that was not read.
type Problem struct {
	Line int    `json:"line"`
	What string `json:"what"`
}

// Report says how a file was read.
type Report struct {
	Format   Format          `json:"format"`
	Encoding textio.Encoding `json:"encoding,omitempty"`
	Sep      string          `json:"separator,omitempty"` // "," ";" or "tab"
	// Zone is the zone zone-less times were taken in ("" when the file
	// gave every time's zone); ZoneFromFile says the file named it.
	Zone         string `json:"zone,omitempty"`
	ZoneFromFile bool   `json:"zoneFromFile,omitempty"`
	// NoSeconds counts the rows whose time had no seconds (Excel's
	// re-saved "2026/11/05 9:03"): taken as :00.
	NoSeconds int `json:"noSeconds,omitempty"`
	// Header is the file's header as read, for a preview; Ignored the
	// columns of it nothing reads.
	Header  []string `json:"header,omitempty"`
	Ignored []string `json:"ignored,omitempty"`
	// Fields say what each header column is read as (the console's names:
	// Timestamp, User, ...), "" for a column not read.
	Fields []string `json:"fields,omitempty"`
	// Rows are the events read; Bad the rows that were not, the first
	// MaxProblems of them in Problems.
	Rows     int       `json:"rows"`
	Bad      int       `json:"bad"`
	Problems []Problem `json:"problems,omitempty"`
}

// bad counts a row that was not read.
func (r *Report) bad(opt *Options, line int, fields []string, format string, args ...any) {
	why := fmt.Sprintf(format, args...)
	r.Bad++
	if len(r.Problems) < MaxProblems {
		r.Problems = append(r.Problems, Problem{Line: line, What: why})
	}
	if opt.Reject != nil {
		opt.Reject(line, fields, why)
	}
}

// NotAnAuditLog is the error of a file that is no audit log the importer
// reads: a random CSV, an image, an empty file.
type NotAnAuditLog struct{ Why string }

func (e *NotAnAuditLog) Error() string {
	return "not an audit log export (the console's CSV, AuditDesk's CSV or XLSX, JSON Lines or the API's JSON): " + e.Why
}
