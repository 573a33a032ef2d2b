package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/simulator"
)

// hostile is what a server could put in any text it serves to take over
// the terminal of whoever prints it: clear the screen, set the title,
// write the clipboard (OSC 52, ended by BEL and by ST), CSI as one C1
// rune, right-to-left override, an isolate, NUL, and CR without LF. It
// starts with "evil" so a test can see the field was printed at all.
const hostile = "evil\x1b[2J\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b]52;c;cHduZWQ=\x1b\\" +
	"\u009b2J\u202egpj.exe\u2066x\u2069\x00nul\rcr"

// hostileShown is how its start must look once printed: ESC made visible.
const hostileShown = `evil\x1b[2J\x1b]0;pwned`

// terminalControl returns the first rune or byte in out that a terminal
// would obey rather than show; "" when there is none.
func terminalControl(out string) string {
	for i, r := range out {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD"):
			return out[i : i+1]
		case r < 0x20 && r != '\n' && r != '\t', r >= 0x7f && r <= 0x9f,
			r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return string(r)
		}
	}
	return ""
}

func assertInert(t *testing.T, what, out string) {
	t.Helper()
	if c := terminalControl(out); c != "" {
		t.Errorf("%s reaches the terminal with %q:\n%q", what, c, out)
	}
}

// startHostileSim serves the simulator's API with every text field the
// CLI prints replaced by hostile: in /v1/me the user, the organization's
// id and name, the role and the workspaces' names; in each event the
// user, category, action, target, description and workspace name. The
// simulator itself is untouched: its responses are rewritten on the way.
func startHostileSim(t *testing.T, events int) (*simulator.Server, string) {
	t.Helper()
	sim, err := simulator.New(simulator.Config{Events: events, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	h := sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			body = hostileBody(t, r.URL.Path, body)
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func hostileBody(t *testing.T, path string, body []byte) []byte {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		t.Errorf("simulator %s: %v", path, err)
		return body
	}
	setName := func(ref any) {
		if m, ok := ref.(map[string]any); ok {
			m["name"] = hostile
		}
	}
	switch path {
	case "/v1/me":
		v["user"], v["role"] = hostile, hostile
		setName(v["organization"])
		v["organization"].(map[string]any)["id"] = hostile
		for _, ws := range v["workspaces"].([]any) {
			setName(ws)
		}
	case "/v1/audit-logs":
		for _, e := range v["events"].([]any) {
			e := e.(map[string]any)
			for _, k := range []string{"user", "category", "action", "target", "description"} {
				e[k] = hostile
			}
			setName(e["workspace"])
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Error(err)
	}
	return b
}

// Every field the CLI prints, served hostile, reaches the terminal as
// visible text: sync, profiles, verify, the query table and the error that
// lists the profiles; query --json still carries the exact values.
func TestServerTextNeverControlsTheTerminal(t *testing.T) {
	sim, url := startHostileSim(t, 600)
	data := t.TempDir()
	t.Setenv("AUDITDESK_TOKEN", sim.Tokens().Owner)

	run := func(args ...string) (code int, out, errOut string) {
		t.Helper()
		code, out, errOut = runArgs(args...)
		assertInert(t, args[0]+"'s stdout", out)
		assertInert(t, args[0]+"'s stderr", errOut)
		return code, out, errOut
	}
	code, out, errOut := run("sync", "--api", url, "--data", data)
	if code != ExitOK {
		t.Fatalf("sync: exit %d, %q", code, errOut)
	}
	if !strings.HasPrefix(out, "synced "+hostileShown) || strings.Count(out, "\n") != 1 {
		t.Errorf("sync printed %q; want one line naming the profile, escaped", out)
	}

	// The token's identity quoted in an error: "belongs to <name>".
	code, out, errOut = run("sync", "--api", url, "--data", data, "--profile", "someone/else")
	if code != ExitError || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "belongs to "+hostileShown) {
		t.Errorf("sync --profile of another identity: exit %d, %q, %q; want one line naming the token's profile, escaped", code, out, errOut)
	}

	code, out, _ = run("profiles", "--data", data)
	// The name is organization id/user: two, and the role a third.
	if code != ExitOK || strings.Count(out, hostileShown) != 3 || strings.Count(out, "\n") != 2 {
		t.Errorf("profiles: exit %d, %q; want the name and the role, escaped, on one row", code, out)
	}

	code, out, _ = run("verify", "--data", data)
	if code != ExitOK || !strings.HasPrefix(out, "OK: "+hostileShown) {
		t.Errorf("verify: exit %d, %q", code, out)
	}

	for _, cmd := range [][]string{{"verify"}, {"query"}, {"export", "--out", t.TempDir() + "/x.csv"}} {
		code, out, errOut = run(append(cmd, "--data", data, "--profile", "nobody")...)
		if code != ExitError || out != "" || strings.Count(errOut, "\n") != 1 ||
			!strings.Contains(errOut, "no such profile") || !strings.Contains(errOut, hostileShown) {
			t.Errorf("%s of no such profile: exit %d, %q, %q; want one line listing the profiles, escaped", cmd[0], code, out, errOut)
		}
	}

	code, out, errOut = run("query", "--data", data, "--limit", "3")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != ExitOK || len(lines) != 5 {
		t.Fatalf("query: exit %d, %q, %q; want a header, 3 rows and a count", code, out, errOut)
	}
	for _, row := range lines[1:4] {
		// user, category, action, target, description, and the workspace
		// where the event has one.
		if n := strings.Count(row, hostileShown); n < 5 {
			t.Errorf("row shows %d hostile fields, want 5 or 6: %q", n, row)
		}
	}

	for _, args := range [][]string{{"--by", "target,user"}, {"--by", "workspace", "--csv"}} {
		code, out, errOut = run(append([]string{"summarize", "--data", data}, args...)...)
		if code != ExitOK || !strings.Contains(out, hostileShown) {
			t.Errorf("summarize %v: exit %d, %q, %q; want the served values, escaped", args, code, out, errOut)
		}
	}

	// --json: past the sanitiser, byte for byte the value served.
	code, out, errOut = runArgs("query", "--data", data, "--json", "--limit", "20")
	if code != ExitOK || strings.Count(out, "\n") != 20 {
		t.Fatalf("query --json: exit %d, %q", code, errOut)
	}
	if !strings.Contains(out, "\u202egpj.exe\u2066x\u2069") || !strings.Contains(out, "\u009b2J") {
		t.Error("query --json no longer carries the served text as it was")
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e struct {
			User, Category, Action, Target, Description string
			Workspace                                   *struct{ Name string }
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		for _, got := range []string{e.User, e.Category, e.Action, e.Target, e.Description} {
			if got != hostile {
				t.Fatalf("query --json gives %q, want the served %q", got, hostile)
			}
		}
		if e.Workspace != nil && e.Workspace.Name != hostile {
			t.Fatalf("query --json gives workspace %q, want %q", e.Workspace.Name, hostile)
		}
	}
}

// An error the server sends, and a response that breaks the contract
// under a hostile member name, give one inert line on stderr.
func TestServerErrorsNeverControlTheTerminal(t *testing.T) {
	errBody, _ := json.Marshal(map[string]any{"error": map[string]string{"code": hostile, "message": hostile}})
	me := `{"user":"a@example.com","organization":{"id":"o","name":"n"},"role":"ORGANIZATION_OWNER","workspaces":[],` +
		string(must(json.Marshal(hostile))) + `:[tru]}`
	for _, tt := range []struct {
		name   string
		status int
		body   string
	}{
		{"401 with a hostile code and message", http.StatusUnauthorized, string(errBody)},
		{"403 with a hostile code and message", http.StatusForbidden, string(errBody)},
		{"a hostile member name in a broken /v1/me", http.StatusOK, me},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			t.Setenv("AUDITDESK_TOKEN", "tok_test_0123456789")
			code, out, errOut := runArgs("sync", "--api", srv.URL, "--data", t.TempDir())
			if code != ExitError || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, %q, %q; want 1, nothing, one line", code, out, errOut)
			}
			assertInert(t, "the error line", errOut)
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// Text no command escapes itself still passes the sanitiser at Run's
// streams: a file name (from a shared folder, say) printed by export and
// verify-export, beside the manifest's user that came from the server.
func TestFileNamesNeverControlTheTerminal(t *testing.T) {
	sim, url := startHostileSim(t, 300)
	data := t.TempDir()
	t.Setenv("AUDITDESK_TOKEN", sim.Tokens().Owner)
	if code, _, errOut := runArgs("sync", "--api", url, "--data", data); code != ExitOK {
		t.Fatalf("sync: %q", errOut)
	}
	path := filepath.Join(t.TempDir(), "evil\x1b]0;pwned\x07\u202e.csv")
	for _, args := range [][]string{
		{"export", "--data", data, "--out", path},
		{"verify-export", path},
	} {
		code, out, errOut := runArgs(args...)
		if code != ExitOK || !strings.Contains(out, `evil\x1b]0;pwned\a\u202e.csv`) {
			t.Errorf("%s: exit %d, %q, %q; want the file named, escaped", args[0], code, out, errOut)
		}
		assertInert(t, args[0]+"'s stdout", out)
		assertInert(t, args[0]+"'s stderr", errOut)
	}
}
