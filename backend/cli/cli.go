// Package cli holds the headless subcommands of auditdesk (shared/cli.md).
// main dispatches to it before anything touches GTK, so every command here
// runs without a display.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/auditdesk/auditdesk/backend/termtext"
)

// Usage is the synopsis printed by `auditdesk help` and after a usage error.
const Usage = `usage:
  auditdesk                              open the desktop window [--data DIR]
  auditdesk sync     [--api URL] [--token-env VAR] [--profile NAME] [--data DIR]
  auditdesk query    [FILTERS] [--sort FIELD[:asc|desc]] [--limit N] [--json] [--profile NAME] [--data DIR]
  auditdesk export   --out FILE [--format csv|xlsx|parquet] [FILTERS] [--sort ...] [--bom] [--keep-formulas] [--profile NAME] [--data DIR]
  auditdesk summarize --by FIELD[,FIELD] [FILTERS] [--top N] [--json|--csv] [--profile NAME] [--data DIR]
  auditdesk report   --out FILE.xlsx [FILTERS] [--sort ...] [--by FIELD[,FIELD]]... [--top N] [--profile NAME] [--data DIR]
  auditdesk mark     --tag NAME [--note TEXT] [--id ID]... [FILTERS] [--profile NAME] [--data DIR]
  auditdesk unmark   --tag NAME [--id ID]... [FILTERS] [--profile NAME] [--data DIR]
  auditdesk import   [--profile NAME] [--tz ZONE] [--encoding auto|utf-8|utf-16|shift_jis] [--skip-bad] [--unverified] [--data DIR] FILE...
  auditdesk verify   [--profile NAME] [--data DIR]
  auditdesk verify-export FILE
  auditdesk profiles [--data DIR]
  auditdesk simulate [--addr 127.0.0.1:8787] [--events N] [--seed S]
  auditdesk key      print this installation's public signing key and its fingerprint
  auditdesk version

FILTERS: --search TEXT --scope S --category C... --action A... --status SUCCESS|FAILED
         --user EMAIL... --target T... --workspace ID --from T --to T --tz ZONE
         --tag NAME... (your marks; not in mark and unmark, where --tag is the tag set)
`

// Exit statuses.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Env is what a command runs with: its streams and the build's version.
// Run puts Stdout and Stderr behind termtext: a command prints names,
// events and errors that came from a server or a file, and whatever they
// hold, a terminal shows it and never obeys it.
type Env struct {
	Stdout, Stderr io.Writer
	Version        string

	// The streams as given, for the two outputs that must not be
	// rewritten: `query --json` (byte-exact values; JSON escapes what it
	// must) and the live progress line, which is terminal control of our
	// own around text made safe first.
	rawStdout, rawStderr io.Writer
}

// safeStreams puts env's streams behind termtext.Writers; flush writes
// what they still hold when the command ends.
func safeStreams(env Env) (safe Env, flush func()) {
	out, errw := termtext.NewWriter(env.Stdout), termtext.NewWriter(env.Stderr)
	safe = env
	safe.Stdout, safe.Stderr = out, errw
	safe.rawStdout, safe.rawStderr = env.Stdout, env.Stderr
	return safe, func() {
		_ = out.Flush()
		_ = errw.Flush()
	}
}

// command is one subcommand: its flags and what it does once they parse.
type command struct {
	flags func(fs *flag.FlagSet) func(ctx context.Context, env Env, args []string) error
}

// errUsage is a usage error: its line, then the usage, exit 2.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

var commands = map[string]command{
	"version": {flags: func(*flag.FlagSet) func(context.Context, Env, []string) error {
		return func(_ context.Context, env Env, args []string) error {
			if len(args) > 0 {
				return errUsage{"version takes no arguments"}
			}
			_, err := fmt.Fprintln(env.Stdout, VersionLine(env.Version))
			return err
		}
	}},
	"sync":          {flags: syncCommand},
	"query":         {flags: queryCommand},
	"export":        {flags: exportCommand},
	"summarize":     {flags: summarizeCommand},
	"report":        {flags: reportCommand},
	"key":           {flags: keyCommand},
	"mark":          {flags: markCommand(false)},
	"unmark":        {flags: markCommand(true)},
	"import":        {flags: importCommand},
	"verify":        {flags: verifyCommand},
	"verify-export": {flags: verifyExportCommand},
	"profiles":      {flags: profilesCommand},
	"simulate":      {flags: simulateCommand},
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// IsSubcommand reports whether args name a subcommand (or a word that is
// meant as one) rather than the window's flags.
func IsSubcommand(args []string) bool {
	return len(args) > 0 && !strings.HasPrefix(args[0], "-")
}

// jsonOut is stdout as given, for `query --json`.
func (env Env) jsonOut() io.Writer {
	if env.rawStdout != nil {
		return env.rawStdout
	}
	return env.Stdout
}

// liveErr is stderr as given, for the live progress line.
func (env Env) liveErr() io.Writer {
	if env.rawStderr != nil {
		return env.rawStderr
	}
	return env.Stderr
}

// Run runs the subcommand in args[0] and returns the exit status.
func Run(ctx context.Context, args []string, env Env) int {
	env, flush := safeStreams(env)
	defer flush()
	name := args[0]
	if name == "help" {
		fmt.Fprint(env.Stdout, Usage)
		return ExitOK
	}
	cmd, ok := commands[name]
	if !ok {
		return usageError(env, fmt.Sprintf("unknown command %q", name))
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := cmd.flags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(env.Stdout, Usage)
			return ExitOK
		}
		return usageError(env, name+": "+err.Error())
	}
	err := run(ctx, env, fs.Args())
	var u errUsage
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &u):
		return usageError(env, name+": "+u.msg)
	default:
		// One line, whatever the error quotes (shared/cli.md).
		fmt.Fprintf(env.Stderr, "auditdesk %s: %s\n", name, termtext.Inline(err.Error()))
		return ExitError
	}
}

// WindowFlags parses the flags of a plain `auditdesk` (the window). ok is
// false when the process should exit with code instead of opening it.
func WindowFlags(args []string, env Env) (dataDir string, code int, ok bool) {
	env, flush := safeStreams(env)
	defer flush()
	fs := flag.NewFlagSet("auditdesk", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "", "data dir")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(env.Stdout, Usage)
			return "", ExitOK, false
		}
		return "", usageError(env, err.Error()), false
	}
	if fs.NArg() > 0 {
		return "", usageError(env, fmt.Sprintf("unexpected argument %q", fs.Arg(0))), false
	}
	return *data, 0, true
}

func usageError(env Env, msg string) int {
	fmt.Fprintf(env.Stderr, "auditdesk: %s\n%s", termtext.Inline(msg), Usage)
	return ExitUsage
}

// VersionLine is the one line `auditdesk version` prints and the log
// starts with.
func VersionLine(version string) string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	return fmt.Sprintf("auditdesk %s%s (%s, %s/%s)", version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
