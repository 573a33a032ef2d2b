package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"runtime/debug"
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/importer"
	"github.com/auditdesk/auditdesk/backend/importer/textio"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/termtext"
)

func importCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	profile := fs.String("profile", "", "the case to import into (default \""+session.DefaultCase+"\")")
	data := fs.String("data", "", "data dir")
	tz := fs.String("tz", "", "time zone of times the file gives without one (IANA name, UTC or Local); default UTC")
	encoding := fs.String("encoding", "auto", "auto, utf-8, utf-16 or shift_jis")
	skipBad := fs.Bool("skip-bad", false, "import a file's good rows; its bad ones go to FILE.rejected.csv with why")
	unverified := fs.Bool("unverified", false, "import an AuditDesk export that does not match its manifest")
	return func(ctx context.Context, env Env, args []string) error {
		// The contract writes the flags after the files: they may come
		// anywhere among them.
		var files []string
		for rest := args; len(rest) > 0; {
			if strings.HasPrefix(rest[0], "-") && len(rest[0]) > 1 {
				if err := fs.Parse(rest); err != nil {
					return errUsage{err.Error()}
				}
				rest = fs.Args()
				continue
			}
			files, rest = append(files, rest[0]), rest[1:]
		}
		args = files
		if len(args) == 0 {
			return errUsage{"import needs at least one FILE"}
		}
		if os.Getenv("GOMEMLIMIT") == "" {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(settings.ImportMemoryLimit))
		}
		loc, err := audit.LoadZone(*tz)
		if err != nil {
			return err
		}
		enc, err := textio.ParseEncoding(*encoding)
		if err != nil {
			return errUsage{"--encoding: " + err.Error()}
		}
		st, err := openData(*data)
		if err != nil {
			return err
		}
		desk := session.NewDesk(st, slog.New(slog.DiscardHandler))
		defer func() {
			if cerr := desk.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close the cache: %w", cerr)
			}
		}()
		live := newLiveLine(env.liveErr())
		osUser := ""
		if u, err := user.Current(); err == nil {
			osUser = u.Username
		}
		res, err := desk.Import(ctx, session.ImportRequest{
			Case: *profile, Files: args, SkipBad: *skipBad, Unverified: *unverified,
			Read: importer.Options{Zone: loc, Encoding: enc},
			OnFile: func(i int, path string) {
				live.showNow(fmt.Sprintf("importing %s (%d of %d)…", path, i+1, len(args)))
			},
			OSUser: osUser, Version: env.Version,
		})
		live.end()
		refused := 0
		for _, f := range res.Files {
			name := termtext.Inline(f.Path)
			if f.Err != nil {
				refused++
				fmt.Fprintf(env.Stderr, "%s: %s\n", name, strings.TrimPrefix(f.Err.Error(), f.File.Name+": "))
				continue
			}
			fmt.Fprintf(env.Stdout, "%s: imported %s events (%s duplicates, %s rejected) into profile %s\n",
				name, num(int64(f.New)), num(int64(f.Duplicates)), num(int64(f.Report.Bad)), termtext.Inline(res.Profile.Name))
			for _, note := range f.Notes() {
				fmt.Fprintf(env.Stdout, "  %s\n", note)
			}
		}
		if err != nil {
			return errors.New(session.OneLine(err))
		}
		if refused > 0 {
			return fmt.Errorf("%d of %d files refused: nothing of them was imported", refused, len(args))
		}
		return nil
	}
}
