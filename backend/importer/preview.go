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
}

var errEnough = errors.New("importer: preview is full")

// PreviewFile reads the first n events of the file at path (its bad rows
// among them counted in the Report). An AuditDesk export's manifest is not
// checked here (that reads the whole file): the import checks it.
func PreviewFile(ctx context.Context, path string, opt Options, n int) (Preview, error) {
	var p Preview
	_, rep, err := ReadFile(ctx, path, opt, true, func(e audit.Event, line int) error {
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
	return p, err
}
