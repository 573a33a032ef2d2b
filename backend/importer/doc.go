// Package importer reads the files an auditor is handed as audit events:
// the platform console's CSV export (its eight columns in any order, headed
// in English or Japanese, often re-saved by Excel), AuditDesk's own CSV
// exports (event IDs kept, the zone read from the Timestamp header), JSON
// Lines as `auditdesk query --json` prints them, and the API's page JSON
// ({"events": [...]}, one page or many). The format is told from the
// content, not the name; the text layer (encodings, separators,
// timestamps) is textio.
//
// Reading streams: a file of any size is read a record at a time, and
// every event goes to the caller's function with the line it came from.
// A row that cannot be an event (an unknown status, a time that does not
// parse, a wrong column count) is not given: it is counted in the Report,
// the first MaxProblems of them as FILE:LINE: what is wrong, and handed to
// Options.Reject when set, so that a caller refuses the whole file or,
// asked to, writes those rows aside. A file that is not an audit log at
// all is one error.
//
// The console's rows have no IDs: each gets one made from its content and
// its occurrence in the file (ids.go), so that two identical rows of one
// second are two events and the same file read twice gives the same IDs.
package importer
