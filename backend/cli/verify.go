package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/signing"
	"github.com/auditdesk/auditdesk/backend/termtext"
)

// errVerifyFailed is a verify that found something wrong: the report is
// on stdout already, stderr gets the one line.
var errVerifyFailed = errors.New("the cache does not match its hash chain; see the report above")

func verifyCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	profile := fs.String("profile", "", "profile name (see auditdesk profiles)")
	data := fs.String("data", "", "data dir")
	return func(ctx context.Context, env Env, args []string) error {
		if len(args) > 0 {
			return errUsage{fmt.Sprintf("unexpected argument %q", args[0])}
		}
		live := newLiveLine(env.liveErr())
		desk, pr, err := openProfile(*data, *profile, waitForCache(live))
		if err != nil {
			return err
		}
		defer func() { _ = desk.Close() }()
		v, err := pr.Verify(ctx)
		live.end()
		if err != nil {
			return err
		}
		printVerify(env, termtext.Inline(pr.Info().Name), &v.VerifyReport, pr.Info().Imported)
		if !pr.Info().Imported { // a case is what its files held: no sync, no gaps to fill
			printCoverage(env, v.Covered, v.Gaps)
		}
		printMarks(env, v.Marks)
		if !v.OK() {
			return errVerifyFailed
		}
		if !v.Marks.OK {
			return errMarksChanged
		}
		return nil
	}
}

// errMarksChanged is a verify whose events are whole but whose marks file
// is not as AuditDesk last wrote it.
var errMarksChanged = errors.New("the marks file is not as AuditDesk last recorded it; see the report above")

// printMarks says whether the marks file is as the activity log last
// recorded it; nothing when there are no marks and none were recorded.
func printMarks(env Env, c session.MarksCheck) {
	switch {
	case c.OK && c.Found == "":
	case c.OK:
		fmt.Fprintf(env.Stdout, "OK: marks: %s, as the activity log last recorded them (SHA-256 %s)\n", num(int64(c.Marks)), c.Found)
	default:
		fmt.Fprintf(env.Stdout, "FAILED: marks: %s\n", c.Problem)
		recorded, found := c.Recorded, c.Found
		if recorded == "" {
			recorded = "none"
		}
		if found == "" {
			found = "no file"
		}
		fmt.Fprintf(env.Stdout, "  recorded SHA-256 %s, found %s\n", recorded, found)
	}
}

func printVerify(env Env, name string, rep *session.VerifyReport, imported bool) {
	head := rep.HeadHex
	if head == "" {
		head = "(empty)"
	}
	if rep.OK() {
		how := "its sync"
		if imported {
			how = "its import"
		}
		fmt.Fprintf(env.Stdout, "OK: %s: %s events, each as %s recorded it; %s chain records; head %s\n",
			name, num(rep.Events), how, num(rep.Records), head)
		return
	}
	fmt.Fprintf(env.Stdout, "FAILED: %s: %s events checked, %s chain records, head %s\n", name, num(rep.Events), num(rep.Records), head)
	fmt.Fprintf(env.Stdout, "  altered %s, damaged (unreadable) %s, added outside a sync %s, removed %s, chain broken: %v\n",
		num(rep.Altered), num(rep.Damaged), num(rep.Added), num(rep.Removed), rep.ChainBroken)
	for _, pr := range rep.Problems {
		id := ""
		if pr.ID != "" {
			id = " " + cell(pr.ID)
		}
		fmt.Fprintf(env.Stdout, "  %s%s: %s\n", pr.Kind, id, termtext.Inline(pr.Detail))
	}
	if n := rep.Altered + rep.Damaged + rep.Added + rep.Removed; n > len(rep.Problems) {
		fmt.Fprintf(env.Stdout, "  (%s more not listed)\n", num(n-len(rep.Problems)))
	}
}

func verifyExportCommand(fs *flag.FlagSet) func(context.Context, Env, []string) error {
	return func(ctx context.Context, env Env, args []string) error {
		if len(args) != 1 {
			return errUsage{"verify-export takes one FILE (its FILE.manifest.json beside it)"}
		}
		c, err := export.VerifyFile(ctx, args[0])
		if err != nil {
			return err
		}
		m := c.Manifest
		if c.Signed && !c.SignatureOK {
			fmt.Fprintf(env.Stdout, "FAILED: %s: %s (signed by %s)\n", args[0], termtext.Inline(c.Problem), termtext.Inline(c.SignedBy))
			return export.ErrFileMismatch
		}
		defer printSigner(env, c)
		switch {
		case c.RowsOK && c.SHA256OK:
			from := termtext.Inline(m.Profile.User) + "'s cache of " + termtext.Inline(m.Profile.APIURL)
			if m.Case != "" {
				from = "the case " + termtext.Inline(m.Case) + " (imported files)"
			}
			what := "exported"
			if m.Report != nil {
				what = fmt.Sprintf("reported (with its %s sheets)", strings.Join(m.Report.Sheets, ", "))
			}
			fmt.Fprintf(env.Stdout, "OK: %s: %s rows exactly as %s at %s from %s (chain head %s); sha256 %s; Merkle root %s\n",
				args[0], num(int64(c.Rows)), termtext.Inline(what), m.ExportedAt.Format(time.RFC3339), from,
				orNone(m.ChainHead), c.SHA256, c.MerkleRoot)
			return nil
		case c.RowsOK:
			fmt.Fprintf(env.Stdout, "ROWS OK: %s holds the %s exported rows (Merkle root %s), but %s\n", args[0], num(int64(c.Rows)), c.MerkleRoot, termtext.Inline(c.Problem))
			return nil
		default:
			fmt.Fprintf(env.Stdout, "FAILED: %s: %s\n", args[0], termtext.Inline(c.Problem))
			return export.ErrFileMismatch
		}
	}
}

// printSigner says whose key signed a manifest whose signature matches:
// this installation's, another's (its fingerprint, to compare with what
// `auditdesk key` prints where the file was made), or none.
func printSigner(env Env, c export.FileCheck) {
	switch {
	case !c.Signed:
		fmt.Fprintln(env.Stdout, "  not signed: the manifest carries no signature (written before AuditDesk signed manifests, or by something else); its facts are not vouched for")
		return
	case !c.SignatureOK:
		return
	}
	own, err := signing.Installation()
	switch {
	case err == nil && own.Fingerprint() == c.SignedBy:
		fmt.Fprintf(env.Stdout, "  signed by this installation's key %s\n", c.SignedBy)
	case err == nil:
		fmt.Fprintf(env.Stdout, "  signed by another key: %s (this installation's is %s); compare it with what auditdesk key prints where the file was made\n", termtext.Inline(c.SignedBy), own.Fingerprint())
	default:
		fmt.Fprintf(env.Stdout, "  signed by the key %s; this installation's key cannot be read to compare: %s\n", termtext.Inline(c.SignedBy), termtext.Inline(err.Error()))
	}
}

func orNone(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

// printCoverage lists the periods syncs made complete, and the gaps.
func printCoverage(env Env, covered, gaps []session.Interval) {
	span := func(iv session.Interval) string {
		return iv.Start.UTC().Format(time.RFC3339) + " to " + iv.End.UTC().Format(time.RFC3339)
	}
	for _, iv := range covered {
		fmt.Fprintf(env.Stdout, "complete: %s\n", span(iv))
	}
	if len(gaps) == 0 {
		fmt.Fprintln(env.Stdout, "gaps: none")
	}
	now := time.Now()
	for _, g := range gaps {
		why := "no sync finished this period; run auditdesk sync"
		if g.PastRetention(now) {
			why = "not synced within the platform's 12 months; no sync can fill it now"
		}
		fmt.Fprintf(env.Stdout, "gap: %s (%s)\n", span(g), why)
	}
}
