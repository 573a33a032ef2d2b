package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/termtext"
)

func badFlag(name, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", audit.ErrBadFilter, name, fmt.Sprintf(format, args...))
}

func queryCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	fa := addFilterFlags(fs)
	sortFlag := fs.String("sort", "", "FIELD[:asc|desc] (default timestamp:desc)")
	limit := fs.Int("limit", 0, "print at most N events; 0 prints all")
	asJSON := fs.Bool("json", false, "one JSON object per event per line, fields named as in the API")
	profile := fs.String("profile", "", "profile name (see auditdesk profiles)")
	data := fs.String("data", "", "data dir")
	return func(ctx context.Context, env Env, args []string) (err error) {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		if *limit < 0 {
			return badFlag("limit", "%d is negative; 0 prints all", *limit)
		}
		f, loc, s, err := fa.view(*sortFlag)
		if err != nil {
			return err
		}
		desk, pr, err := openProfile(*data, *profile)
		if err != nil {
			return err
		}
		defer func() { _ = desk.Close() }() // read only
		res, saved, err := pr.ReadQuery(ctx, f, s, query.Options{Location: loc}, *limit)
		if err != nil {
			return err
		}
		if saved {
			fmt.Fprintf(env.Stderr, "auditdesk: the cache is open in another AuditDesk; showing the %s events it saved after its last sync\n", num(int64(res.Index().Len())))
		}
		n := res.Total
		if *limit > 0 && *limit < n {
			n = *limit
		}
		var w *bufio.Writer
		if *asJSON {
			// Past the sanitiser: values exact, JSON escapes the controls
			// of C0; a reader of the JSON is a program, not a terminal.
			w = bufio.NewWriter(env.jsonOut())
			err = writeJSONLines(w, res, n)
		} else {
			w = bufio.NewWriter(env.Stdout)
			err = writeTable(w, res, n, loc)
		}
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		return err
	}
}

// window is how many rows are fetched from a result at a time.
const window = 4096

func eachRow(res *query.Result, n int, fn func(audit.Event) error) error {
	for off := 0; off < n; off += window {
		evs, err := res.Rows(off, min(window, n-off))
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// apiEvent is an event as the API names its fields.
type apiEvent struct {
	ID          string     `json:"id"`
	Timestamp   string     `json:"timestamp"`
	User        string     `json:"user"`
	Scope       string     `json:"scope"`
	Category    string     `json:"category"`
	Action      string     `json:"action"`
	Target      string     `json:"target"`
	Status      string     `json:"status"`
	Description string     `json:"description"`
	Workspace   *audit.Ref `json:"workspace"`
	// As served: left out when the server left them out.
	SourceIP string          `json:"source_ip,omitempty"`
	Details  json.RawMessage `json:"details,omitempty"`
}

func writeJSONLines(w io.Writer, res *query.Result, n int) error {
	var line []byte
	return eachRow(res, n, func(e audit.Event) error {
		r := audit.NewRow(&e, time.UTC)
		line = appendJSONLine(line[:0], &apiEvent{
			ID: r.ID, Timestamp: r.Time, User: r.User, Scope: r.Scope, Category: r.Category, Action: r.Action,
			Target: r.Target, Status: r.Status, Description: r.Description, Workspace: e.Workspace,
			SourceIP: e.SourceIP, Details: e.Details,
		})
		_, err := w.Write(line)
		return err
	})
}

// maxCell keeps the table readable; --json gives whole values.
const maxCell = 80

func writeTable(w io.Writer, res *query.Result, n int, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "TIMESTAMP (%s)\tUSER\tSCOPE\tCATEGORY\tACTION\tTARGET\tSTATUS\tDESCRIPTION\tWORKSPACE\n", zoneName(loc))
	err := eachRow(res, n, func(e audit.Event) error {
		r := audit.NewRow(&e, loc)
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			r.Timestamp, cell(r.User), cell(r.Scope), cell(r.Category),
			cell(r.Action), cell(r.Target), cell(r.Status), cell(r.Description), cell(r.Workspace))
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s of %s events\n", num(int64(n)), num(int64(res.Total)))
	return err
}

func zoneName(loc *time.Location) string {
	if loc == time.Local {
		return time.Now().Format("MST")
	}
	return loc.String()
}

// cell makes a value safe for one table cell on a terminal: the breaks of
// multi-line text (tab, newline, CR, the separators) become spaces, what
// else a terminal would obey is shown escaped (termtext), and long text is
// cut with an ellipsis.
func cell(s string) string {
	s = termtext.Inline(strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', '\u0085', '\u2028', '\u2029':
			return ' '
		}
		return r
	}, s))
	if utf8.RuneCountInString(s) > maxCell {
		return string([]rune(s)[:maxCell-1]) + "…"
	}
	return s
}
