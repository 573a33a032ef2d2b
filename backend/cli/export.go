package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

func exportCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	out := fs.String("out", "", "file to write (.csv or .xlsx)")
	format := fs.String("format", "", "csv, xlsx or parquet (default from --out's extension)")
	fa := addFilterFlags(fs)
	sortFlag := fs.String("sort", "", "FIELD[:asc|desc] (default timestamp:desc)")
	bom := fs.Bool("bom", false, "CSV: start with a UTF-8 byte order mark, so Excel reads Japanese and Vietnamese right")
	keep := fs.Bool("keep-formulas", false, "CSV: do not neutralise cells that start with = + - @ (the manifest says which was done)")
	profile := fs.String("profile", "", "profile name (see auditdesk profiles)")
	data := fs.String("data", "", "data dir")
	return func(ctx context.Context, env Env, args []string) error {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		if *out == "" {
			return errUsage{"--out FILE is required"}
		}
		f, loc, s, err := fa.view(*sortFlag)
		if err != nil {
			return err
		}
		fm, err := export.FormatFor(*format, *out)
		if err != nil {
			return err
		}
		m, err := runExport(ctx, env, *data, *profile, "exporting", session.ExportRequest{
			Path: *out, Format: fm, Filter: f, Sort: s, Location: loc, BOM: *bom, KeepFormulas: *keep,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "exported %s rows to %s (sha256 %s); manifest %s\n", num(int64(m.Rows)), *out, m.SHA256, *out+export.ManifestSuffix)
		return nil
	}
}

// runExport writes req from the profile as export and report do: under
// the export's memory limit, waiting for a cache another AuditDesk holds,
// with a live line of doing's progress on a terminal.
func runExport(ctx context.Context, env Env, data, profile, doing string, req session.ExportRequest) (export.Manifest, error) {
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(settings.ExportMemoryLimit))
	}
	live := newLiveLine(env.liveErr())
	desk, pr, err := openProfile(data, profile, waitForCache(live))
	if err != nil {
		return export.Manifest{}, err
	}
	defer func() { _ = desk.Close() }() // read only
	req.AppVersion = env.Version
	req.OnProgress = func(p export.Progress) {
		live.show(fmt.Sprintf("%s %s of %s rows", doing, num(int64(p.Rows)), num(int64(p.Total))))
	}
	m, err := pr.Export(ctx, req)
	live.end()
	return m, err
}
