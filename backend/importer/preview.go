package importer

import (
	"context"
	"errors"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Preview is the start of a file as an import would read it: how (the
// Report: format, encoding, separator, zone, what each column is read as)
// and its first events, each with its line, for the auditor to confirm
// before anything is written.
type Preview struct {
	Report Report
	Events []audit.Event
	Lines  []int
	// Verified: an AuditDesk export its manifest vouches for, as the
	// import will check it.
	Verified bool
	// Unvouched, for an AuditDesk export its manifest does not vouch for,
	// says why: the import refuses it unless unverified.
	Unvouched *ManifestError
}

var errEnough = errors.New("importer: preview is full")

// PreviewFile reads the first n events of the file at path (its bad rows
// among them counted in the Report). An AuditDesk export is checked
// against its manifest, as the import will (that reads the whole file,
// once; again only once the file or its manifest has changed), so the
// auditor learns before importing that it would be refused.
func PreviewFile(ctx context.Context, path string, opt Options, n int) (Preview, error) {
	var p Preview
	opt.KeepVerdicts = true
	fi, rep, err := ReadFile(ctx, path, opt, true, func(e audit.Event, line int) error {
		p.Events, p.Lines = append(p.Events, e), append(p.Lines, line)
		if len(p.Events) >= n {
			return errEnough
		}
		return nil
	})
	p.Report = rep
	if errors.Is(err, errEnough) {
		err = nil
	}
	if err == nil && (rep.Format == AuditDeskCSV || rep.Format == AuditDeskXLSX) {
		p.Verified, p.Unvouched = fi.Verified, fi.unvouched
	}
	return p, err
}
