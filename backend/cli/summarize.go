package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/query"
)

func summarizeCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	fa := addFilterFlags(fs)
	byFlag := fs.String("by", "", "FIELD[,FIELD]: one or two of user, action, scope, category, status, target, workspace, day, week, month")
	top := fs.Int("top", 0, "print the N largest groups and the rest summed; 0 prints all")
	asJSON := fs.Bool("json", false, "one JSON object per group: the fields named as in query --json, and count")
	asCSV := fs.Bool("csv", false, "CSV: the fields, count and share, a header first")
	profile := fs.String("profile", "", "profile name (see auditdesk profiles)")
	data := fs.String("data", "", "data dir")
	return func(ctx context.Context, env Env, args []string) error {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		if *byFlag == "" {
			return errUsage{"summarize needs --by FIELD[,FIELD]"}
		}
		if *asJSON && *asCSV {
			return errUsage{"--json and --csv: choose one"}
		}
		by, err := query.ParseGroupBy(*byFlag)
		if err != nil {
			return fmt.Errorf("--by: %w", err)
		}
		if *top < 0 {
			return badFlag("top", "%d is negative; 0 prints all", *top)
		}
		f, loc, err := fa.filter()
		if err != nil {
			return err
		}
		desk, pr, err := openProfile(*data, *profile)
		if err != nil {
			return err
		}
		defer func() { _ = desk.Close() }() // read only
		s, saved, err := pr.ReadSummary(ctx, f, by, *top, loc)
		if err != nil {
			return err
		}
		if saved {
			fmt.Fprintln(env.Stderr, "auditdesk: the cache is open in another AuditDesk; summarizing the events it saved after its last sync")
		}
		var w *bufio.Writer
		switch {
		case *asJSON:
			w = bufio.NewWriter(env.jsonOut()) // values exact; JSON escapes what it must
			err = writeSummaryJSON(w, s)
		case *asCSV:
			w = bufio.NewWriter(env.Stdout) // for a spreadsheet (no formulas, below) and a terminal alike
			err = writeSummaryCSV(w, s)
		default:
			w = bufio.NewWriter(env.Stdout)
			err = writeSummaryTable(w, s, zoneName(loc))
		}
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		return err
	}
}

func share(n, total int) string {
	if total == 0 {
		return "0.0%"
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64) + "%"
}

func otherGroups(n int) string {
	if n == 1 {
		return "(1 other group)"
	}
	return "(" + num(int64(n)) + " other groups)"
}

func writeSummaryTable(w io.Writer, s *query.Summary, zone string) error {
	var head []string
	for _, f := range s.By {
		h := strings.ToUpper(string(f))
		if f == query.GroupDay || f == query.GroupWeek || f == query.GroupMonth {
			h += " (" + zone + ")"
		}
		head = append(head, h)
	}
	rows := [][]string{append(head, "COUNT", "SHARE")}
	for _, g := range s.Groups {
		var row []string
		for k, f := range s.By {
			row = append(row, cell(g.Keys[k].Label(f)))
		}
		rows = append(rows, append(row, num(int64(g.Count)), share(g.Count, s.Total)))
	}
	if s.RestGroups > 0 {
		row := []string{otherGroups(s.RestGroups)}
		for range s.By[1:] {
			row = append(row, "")
		}
		rows = append(rows, append(row, num(int64(s.Rest)), share(s.Rest, s.Total)))
	}
	// The fields left-aligned, the figures right-aligned: pad by hand.
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for c, v := range r {
			width[c] = max(width[c], displayWidth(v))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for c, v := range r {
			pad := strings.Repeat(" ", width[c]-displayWidth(v))
			if c < len(s.By) {
				b.WriteString(v + pad)
			} else {
				b.WriteString(pad + v)
			}
			if c < len(r)-1 {
				b.WriteString("  ")
			}
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	groups := len(s.Groups) + s.RestGroups
	noun := "groups"
	if groups == 1 {
		noun = "group"
	}
	_, err := fmt.Fprintf(w, "%s %s of %s events\n", num(int64(groups)), noun, num(int64(s.Total)))
	return err
}

// summaryJSONValue is a group's value as `query --json` gives the field.
func summaryJSONValue(k query.Key, f query.GroupField) any {
	if f == query.GroupWorkspace {
		return k.Workspace // null for none, else {"id", "name"} as query --json
	}
	return k.Value
}

func writeSummaryJSON(w io.Writer, s *query.Summary) error {
	var line []byte
	write := func(fields []string, vals []any) error {
		line = append(line[:0], '{')
		for i, f := range fields {
			if i > 0 {
				line = append(line, ',')
			}
			line = strconv.AppendQuote(line, f)
			line = append(line, ':')
			b, err := json.Marshal(vals[i])
			if err != nil {
				return err
			}
			line = append(line, b...)
		}
		line = append(line, '}', '\n')
		_, err := w.Write(line)
		return err
	}
	names := make([]string, 0, len(s.By)+1)
	for _, f := range s.By {
		names = append(names, string(f))
	}
	names = append(names, "count")
	for _, g := range s.Groups {
		vals := make([]any, 0, len(names))
		for k, f := range s.By {
			vals = append(vals, summaryJSONValue(g.Keys[k], f))
		}
		if err := write(names, append(vals, g.Count)); err != nil {
			return err
		}
	}
	if s.RestGroups > 0 {
		return write([]string{"other_groups", "count"}, []any{s.RestGroups, s.Rest})
	}
	return nil
}

func writeSummaryCSV(w io.Writer, s *query.Summary) error {
	cw := csv.NewWriter(w)
	safe := func(v string) string {
		if export.Marked(v) {
			return "'" + v // as the CSV export does: text, never a formula
		}
		return v
	}
	head := make([]string, 0, len(s.By)+2)
	for _, f := range s.By {
		head = append(head, string(f))
	}
	if err := cw.Write(append(head, "count", "share")); err != nil {
		return err
	}
	for _, g := range s.Groups {
		row := make([]string, 0, len(head)+2)
		for k, f := range s.By {
			v := g.Keys[k].Value
			if f == query.GroupWorkspace {
				v = g.Keys[k].Label(f)
			}
			row = append(row, safe(v))
		}
		if err := cw.Write(append(row, strconv.Itoa(g.Count), share(g.Count, s.Total))); err != nil {
			return err
		}
	}
	if s.RestGroups > 0 {
		row := []string{otherGroups(s.RestGroups)}
		for range s.By[1:] {
			row = append(row, "")
		}
		if err := cw.Write(append(row, strconv.Itoa(s.Rest), share(s.Rest, s.Total))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// displayWidth is how many columns a terminal gives s: two for a wide or
// full-width character (CJK), one for others, none for a combining mark.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
