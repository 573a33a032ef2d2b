package cli

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/simulator"
)

func startSim(t testing.TB, events int) (*simulator.Server, string) {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Events: events, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func TestSyncThenProfiles(t *testing.T) {
	sim, url := startSim(t, 4000)
	data := t.TempDir()
	t.Setenv("AUDITDESK_TOKEN", sim.Tokens().Owner)

	code, out, errOut := runArgs("sync", "--api", url, "--data", data)
	if code != ExitOK {
		t.Fatalf("sync: exit %d, stderr %q", code, errOut)
	}
	n := len(sim.Visible(sim.Tokens().Owner, timeNow()))
	if !regexp.MustCompile(`^synced \S+: [\d,]+ new events .* the cache holds ` + num(int64(n)) + ` events from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\n$`).MatchString(out) {
		t.Errorf("sync printed %q", out)
	}

	// Again, without --api: the profile remembers it; nothing new.
	code, out, errOut = runArgs("sync", "--data", data)
	if code != ExitOK || !strings.Contains(out, ": 0 new events") {
		t.Errorf("second sync: exit %d, out %q, err %q", code, out, errOut)
	}

	// The admin's identity gets a profile and cache of its own.
	t.Setenv("ADMIN_TOKEN", sim.Tokens().WorkspaceAdmin)
	if code, _, errOut = runArgs("sync", "--api", url, "--token-env", "ADMIN_TOKEN", "--data", data); code != ExitOK {
		t.Fatalf("admin sync: %q", errOut)
	}

	code, out, _ = runArgs("profiles", "--data", data)
	if code != ExitOK {
		t.Fatalf("profiles: exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("profiles printed:\n%s", out)
	}
	if !strings.Contains(out, "ORGANIZATION_OWNER") || !strings.Contains(out, "WORKSPACE_ADMIN") || !strings.Contains(out, num(int64(n))) {
		t.Errorf("profiles lacks a role or the owner's count %d:\n%s", n, out)
	}
	for _, tok := range []string{sim.Tokens().Owner, sim.Tokens().WorkspaceAdmin} {
		if strings.Contains(out, tok) {
			t.Error("profiles prints a token")
		}
	}
	assertNoTokenOnDisk(t, data, sim.Tokens().Owner)
}

func TestSyncFailuresAreOneClearLine(t *testing.T) {
	sim, url := startSim(t, 500)
	data := t.TempDir()
	closed := closedPort(t)
	tests := []struct {
		name, token, api string
		want             string
	}{
		{"wrong token", "tok_wrong_0123456789", url, "token"},
		{"member token", sim.Tokens().Member, url, "Workspace Member"},
		{"unreachable", sim.Tokens().Owner, closed, "reach"},
		{"plain http to a remote host", sim.Tokens().Owner, "http://audit.example.com", "https"},
		{"no token", "", url, "AUDITDESK_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AUDITDESK_TOKEN", tt.token)
			code, out, errOut := runArgs("sync", "--api", tt.api, "--data", data)
			if code != ExitError || out != "" {
				t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q: want one line mentioning %q", errOut, tt.want)
			}
			if tt.token != "" && strings.Contains(errOut, tt.token) {
				t.Error("the error line repeats the token")
			}
		})
	}
}

func TestSyncProfileMustMatchToken(t *testing.T) {
	sim, url := startSim(t, 300)
	data := t.TempDir()
	t.Setenv("AUDITDESK_TOKEN", sim.Tokens().Owner)
	code, _, errOut := runArgs("sync", "--api", url, "--profile", "someone/else", "--data", data)
	if code != ExitError || !strings.Contains(errOut, "not to profile") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestSimulatePrintsURLAndTokens(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string, 1)
	out := &lockedBuffer{}
	go func() {
		Run(ctx, []string{"simulate", "--addr", "127.0.0.1:0", "--events", "50"}, Env{Stdout: out, Stderr: os.Stderr})
		done <- ""
	}()
	for !strings.Contains(out.String(), "member token") {
		select {
		case <-done:
			t.Fatalf("simulate ended early: %q", out.String())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	<-done
	s := out.String()
	if !regexp.MustCompile(`at http://127\.0\.0\.1:\d+ `).MatchString(s) || !strings.Contains(s, "owner token:") {
		t.Errorf("simulate printed %q", s)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// assertNoTokenOnDisk reads every file under dir.
func assertNoTokenOnDisk(t *testing.T, dir, token string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), token) {
			t.Errorf("%s holds the token", path)
		}
		if fi, _ := d.Info(); fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %o, want owner-only", path, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
