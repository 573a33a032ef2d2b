package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/termtext"
)

func profilesCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	data := fs.String("data", "", "data dir")
	return func(_ context.Context, env Env, args []string) error {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		st, err := openData(*data)
		if err != nil {
			return err
		}
		all, err := st.Profiles()
		if err != nil {
			return err
		}
		if len(all) == 0 {
			fmt.Fprintln(env.Stdout, "no profiles yet: run `auditdesk sync --api URL` with your token in AUDITDESK_TOKEN")
			return nil
		}
		desk := session.NewDesk(st, slog.New(slog.DiscardHandler))
		defer func() { _ = desk.Close() }() // read only: nothing to lose
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tEVENTS\tFROM\tTO\tLAST SYNC\tCHAIN HEAD\tAPI")
		for _, p := range all {
			var events string
			from, to, head := "", "", "-"
			s, err := desk.Open(p).Status()
			switch {
			case errors.Is(err, session.ErrLocked):
				events = "(in use)"
			case err != nil:
				events = "(unreadable)"
			default:
				events = num(s.Events)
				from, to = day(s.Oldest), day(s.Newest)
				if s.Head.Seq > 0 {
					head = s.Head.String()[:16] // enough to compare with an export's manifest
				}
			}
			last := "never"
			if !p.LastSync.IsZero() {
				last = p.LastSync.UTC().Format("2006-01-02 15:04:05")
				if p.LastSyncError != "" {
					last += " (failed)"
				}
			}
			role, api := string(p.Role), p.APIURL
			if p.Imported {
				// A case: no identity, no API, no sync.
				role, api, last = "case", "(imported files)", "-"
			}
			// Inline: a tab or newline in a name would open a column or a row.
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", termtext.Inline(p.Name), termtext.Inline(role),
				events, from, to, last, head, termtext.Inline(api))
		}
		return tw.Flush()
	}
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.DateOnly)
}
