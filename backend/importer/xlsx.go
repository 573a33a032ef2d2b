package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
)

// readXLSX reads an AuditDesk XLSX export: checked against its manifest
// first (unless unverified), then each data sheet's rows, the timestamps
// read back from their date cells in the zone the header names. Another
// workbook is not one the importer reads.
func readXLSX(ctx context.Context, path string, opt *Options, rep *Report, fi *File, unverified bool, fn func(audit.Event, int) error) error {
	rep.Format = AuditDeskXLSX
	if _, ok, err := exportManifest(ctx, path, opt, fi, unverified); err != nil {
		return err
	} else if !ok && !unverified {
		return errNoManifest
	}
	var l layout
	loc := opt.Zone
	line := 1
	header, err := export.ReadXLSXRows(path, func(head []string) error {
		rep.Header = append([]string(nil), head...)
		var ok bool
		if l, ok = readHeader(head); !ok || l.at[fID] < 0 {
			return &NotAnAuditLog{Why: fmt.Sprintf("its Events sheet's first row (%s) is not AuditDesk's header", preview(head))}
		}
		if miss := l.missing(); len(miss) > 0 {
			return &NotAnAuditLog{Why: "it has no " + strings.Join(miss, ", ") + " column"}
		}
		rep.Ignored, rep.Fields = l.ignored, l.fields()
		var named bool
		loc, named = zoneFor(l.zone, opt)
		rep.Zone, rep.ZoneFromFile = loc.String(), named
		return nil
	}, func(cells []string) error {
		line++
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for len(cells) < l.width {
			cells = append(cells, "") // excelize leaves out a row's trailing empty cells
		}
		e, why := l.event(cells, loc, false, rep)
		if why != "" {
			rep.bad(opt, line, cells, "%s", why)
			return nil
		}
		rep.Rows++
		return fn(e, line)
	})
	var nl *NotAnAuditLog
	if errors.As(err, &nl) {
		return err
	}
	if header == nil && err != nil {
		if strings.Contains(err.Error(), "sheet") {
			return &NotAnAuditLog{Why: "a workbook without AuditDesk's Events sheet"}
		}
		return &NotAnAuditLog{Why: fmt.Sprintf("a ZIP or workbook AuditDesk cannot read: %v", err)}
	}
	return err
}
