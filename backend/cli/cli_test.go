package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runArgs(args ...string) (code int, stdout, stderr string) {
	return runCtx(context.Background(), args...)
}

func runCtx(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(ctx, args, Env{Stdout: &out, Stderr: &errb, Version: "9.9.9"})
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, errOut := runArgs("version")
	if code != ExitOK || errOut != "" {
		t.Fatalf("version: code %d, stderr %q", code, errOut)
	}
	if !strings.HasPrefix(out, "auditdesk 9.9.9") || strings.Count(out, "\n") != 1 {
		t.Errorf("version printed %q, want one line starting with the version", out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // the first line of stderr
	}{
		{[]string{"bogus"}, `auditdesk: unknown command "bogus"`},
		{[]string{"version", "extra"}, "auditdesk: version: version takes no arguments"},
		{[]string{"sync", "--token", "secret"}, "auditdesk: sync: flag provided but not defined: -token"},
		{[]string{"query", "--limit", "many"}, `auditdesk: query: invalid value "many" for flag -limit: parse error`},
		{[]string{"profiles", "--api", "x"}, "auditdesk: profiles: flag provided but not defined: -api"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runArgs(tt.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			first, rest, _ := strings.Cut(errOut, "\n")
			if first != tt.want {
				t.Errorf("first line %q, want %q", first, tt.want)
			}
			if rest != Usage {
				t.Errorf("after the error line, want the usage; got %q", rest)
			}
		})
	}
}

func TestTokenNeverEchoed(t *testing.T) {
	// A token pasted as a flag is refused without repeating its value.
	_, _, errOut := runArgs("sync", "--token=tok_live_123456")
	if strings.Contains(errOut, "tok_live_123456") {
		t.Errorf("stderr repeats the token: %q", errOut)
	}
}

func TestEveryContractCommandParsesItsFlags(t *testing.T) {
	// The flags of shared/cli.md are accepted by each command. A context
	// already done makes long-running commands (simulate) return at once.
	d := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	t.Setenv("AUDITDESK_TEST_NO_TOKEN", "")
	for _, args := range [][]string{
		{"sync", "--api", "http://127.0.0.1:1", "--token-env", "AUDITDESK_TEST_NO_TOKEN", "--profile", "p", "--data", d},
		{"query", "--search", "a", "--scope", "Billing", "--category", "Wallet", "--category", "Plan", "--action", "x", "--status", "FAILED", "--user", "u", "--workspace", "w", "--from", "2026-01-01", "--to", "2026-02-01", "--tz", "UTC", "--sort", "user:asc", "--limit", "0", "--json", "--profile", "p", "--data", d},
		{"export", "--out", "f.csv", "--format", "csv", "--search", "a", "--sort", "timestamp:desc", "--profile", "p", "--data", d},
		{"import", "--profile", "p", "--data", d, "a.jsonl"},
		{"verify", "--profile", "p", "--data", d},
		{"profiles", "--data", d},
		{"simulate", "--addr", "127.0.0.1:0", "--events", "10", "--seed", "3"},
	} {
		code, _, errOut := runCtx(ctx, args...)
		if code == ExitUsage {
			t.Errorf("%v: usage error %q", args, errOut)
		}
		if code != ExitOK && strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: failure must be one line, got %q", args, errOut)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"sync", "-h"}} {
		code, out, _ := runArgs(args...)
		if code != ExitOK || out != Usage {
			t.Errorf("%v: code %d, out %q", args, code, out)
		}
	}
}

func TestWindowFlags(t *testing.T) {
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb}
	dir, _, ok := WindowFlags([]string{"--data", "/tmp/d"}, env)
	if !ok || dir != "/tmp/d" {
		t.Errorf("--data: dir %q ok %v", dir, ok)
	}
	if _, code, ok := WindowFlags([]string{"--bogus"}, env); ok || code != ExitUsage {
		t.Errorf("--bogus: ok %v code %d, want a usage error", ok, code)
	}
	if !IsSubcommand([]string{"sync"}) || IsSubcommand([]string{"--data", "x"}) || IsSubcommand(nil) {
		t.Error("IsSubcommand misjudges")
	}
}

func TestSimulateNow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code, _, errOut := runCtx(ctx, "simulate", "--addr", "127.0.0.1:0", "--events", "10", "--now", "2026-11-30T09:00:00Z"); code != ExitOK {
		t.Errorf("--now RFC 3339: code %d, %q", code, errOut)
	}
	code, _, errOut := runCtx(ctx, "simulate", "--addr", "127.0.0.1:0", "--now", "yesterday")
	if first, _, _ := strings.Cut(errOut, "\n"); code != ExitUsage || !strings.Contains(first, `--now "yesterday"`) {
		t.Errorf("--now yesterday: code %d, %q; want a usage error that names --now first", code, errOut)
	}
}
