package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/termtext"
)

// markCommand is mark, or with unmark, unmark: a tag on the events named
// by --id, or on every event the filters match.
func markCommand(unmark bool) func(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	return func(fs *flag.FlagSet) func(context.Context, Env, []string) error {
		fa := addFilters(fs)
		tag := fs.String("tag", "", "the tag: finding, follow-up, reviewed, or a name of your own")
		var note *string
		if !unmark {
			note = fs.String("note", "", "a note on each event marked (an event marked already gets this note)")
		}
		var ids multi
		fs.Var(&ids, "id", "an event ID (repeatable); without --id, every event the filters match")
		profile := fs.String("profile", "", "profile name (see auditdesk profiles)")
		data := fs.String("data", "", "data dir")
		return func(ctx context.Context, env Env, args []string) error {
			if len(args) > 0 {
				return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
			}
			if *tag == "" {
				return errUsage{"--tag NAME is needed: finding, follow-up, reviewed, or a name of your own"}
			}
			f, _, err := fa.filter()
			if err != nil {
				return err
			}
			if len(ids) > 0 && !f.IsZero() {
				return errUsage{"--id and filters: name the events one way"}
			}
			desk, pr, err := openProfile(*data, *profile)
			if err != nil {
				return err
			}
			defer func() { _ = desk.Close() }()
			req := session.MarkRequest{Filter: f, IDs: ids, Tag: *tag, Unmark: unmark, OSUser: session.OSUser()}
			if note != nil {
				req.Note = *note
			}
			res, err := pr.Mark(ctx, req)
			if err != nil {
				return err
			}
			name := termtext.Inline(pr.Info().Name)
			tagText := termtext.Inline(res.Tag)
			if unmark {
				_, err = fmt.Fprintf(env.Stdout, "unmarked %s %s of %s in profile %s\n", events(res.Removed), tagText, num(int64(res.Matched)), name)
				return err
			}
			extra := ""
			if res.Changed > 0 {
				extra = fmt.Sprintf(", %s with the note replaced", num(int64(res.Changed)))
			}
			if kept := res.Matched - res.Added - res.Changed; kept > 0 {
				extra += fmt.Sprintf(", %s marked already", num(int64(kept)))
			}
			_, err = fmt.Fprintf(env.Stdout, "marked %s %s (%s new%s) in profile %s\n", events(res.Matched), tagText, num(int64(res.Added)), extra, name)
			return err
		}
	}
}

func events(n int) string {
	if n == 1 {
		return "1 event"
	}
	return num(int64(n)) + " events"
}
