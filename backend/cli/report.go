package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/session"
)

// reportCommand writes a report: an XLSX export of the view with its
// Summary, Findings and group-by sheets first, and the same manifest.
func reportCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	out := fs.String("out", "", "the workbook to write (.xlsx)")
	fa := addFilterFlags(fs)
	sortFlag := fs.String("sort", "", "the Events sheet's order: FIELD[:asc|desc] (default timestamp:desc)")
	var by multi
	fs.Var(&by, "by", "FIELD[,FIELD]: a group-by sheet, as summarize --by (repeatable)")
	top := fs.Int("top", 0, "groups per group-by sheet, the rest summed; 0 for all")
	profile := fs.String("profile", "", "profile name (see auditdesk profiles)")
	data := fs.String("data", "", "data dir")
	return func(ctx context.Context, env Env, args []string) error {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		if *out == "" {
			return errUsage{"--out FILE.xlsx is required"}
		}
		if fm, err := export.FormatFor("", *out); err != nil || fm != export.XLSX {
			return errUsage{"a report is a workbook: --out must name a .xlsx file"}
		}
		if *top < 0 {
			return badFlag("top", "%d is negative; 0 keeps all", *top)
		}
		req := &session.ReportRequest{}
		for _, b := range by {
			fields, err := query.ParseGroupBy(b)
			if err != nil {
				return fmt.Errorf("--by: %w", err)
			}
			req.Groups = append(req.Groups, session.ReportGroupBy{By: fields, Top: *top})
		}
		f, loc, s, err := fa.view(*sortFlag)
		if err != nil {
			return err
		}
		m, err := runExport(ctx, env, *data, *profile, "writing", session.ExportRequest{
			Path: *out, Format: export.XLSX, Filter: f, Sort: s, Location: loc, Report: req,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote a report of %s events and %s findings to %s (sha256 %s); manifest %s\n",
			num(int64(m.Rows)), num(int64(m.Report.Findings)), *out, m.SHA256, *out+export.ManifestSuffix)
		return nil
	}
}
