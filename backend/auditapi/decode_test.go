package auditapi

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// eventJSON is one valid event; tests edit it with strings.Replace.
const eventJSON = `{"id":"evt_1","timestamp":"2026-11-20T10:31:02.123Z","user":"jane@example.com",` +
	`"scope":"Workspace","category":"Policy","action":"Create Policy","target":"gpu-readonly",` +
	`"status":"SUCCESS","description":"Created policy \"gpu-readonly\", =SUM(1)\n",` +
	`"workspace":{"id":"ws_1","name":"Research"},"source_ip":"203.0.113.7","details":{ "a" : [1, 2], "b":"\u00e9" }}`

func page(events ...string) string {
	return `{"events":[` + strings.Join(events, ",") + `],"next_cursor":"c2","total":42}`
}

func TestDecodePageValid(t *testing.T) {
	p, err := decodePage([]byte(page(eventJSON)))
	if err != nil {
		t.Fatal(err)
	}
	if p.NextCursor != "c2" || p.Total != 42 || !p.HasTotal || len(p.Events) != 1 {
		t.Fatalf("page = %+v", p)
	}
	want := audit.Event{
		ID: "evt_1", Time: time.Date(2026, 11, 20, 10, 31, 2, 123e6, time.UTC), User: "jane@example.com",
		Scope: audit.ScopeWorkspace, Category: "Policy", Action: "Create Policy", Target: "gpu-readonly",
		Status: audit.StatusSuccess, Description: "Created policy \"gpu-readonly\", =SUM(1)\n",
		Workspace: &audit.Ref{ID: "ws_1", Name: "Research"}, SourceIP: "203.0.113.7",
		Details: []byte(`{"a":[1,2],"b":"\u00e9"}`), // compact, escapes kept as served
	}
	got := p.Events[0]
	if got.Time.Location() != time.UTC || !got.Time.Equal(want.Time) {
		t.Errorf("time = %v, want %v in UTC", got.Time, want.Time)
	}
	got.Time, want.Time = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("event =\n%+v %s\nwant\n%+v %s", got, got.Details, want, want.Details)
	}
}

func TestDecodePageVariants(t *testing.T) {
	ev := func(old, new string) string { return strings.Replace(eventJSON, old, new, 1) }
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, p *Page)
	}{
		{"last page, no total", `{"events":[],"next_cursor":null}`, func(t *testing.T, p *Page) {
			if p.NextCursor != "" || p.HasTotal || p.Events == nil || len(p.Events) != 0 {
				t.Errorf("page = %+v", p)
			}
		}},
		{"null total counts as absent", `{"events":[],"next_cursor":null,"total":null}`, func(t *testing.T, p *Page) {
			if p.HasTotal {
				t.Error("HasTotal with null total")
			}
		}},
		{"offset and nanoseconds stored as UTC", page(ev("2026-11-20T10:31:02.123Z", "2026-11-20T12:31:02.123456789+02:00")), func(t *testing.T, p *Page) {
			want := time.Date(2026, 11, 20, 10, 31, 2, 123456789, time.UTC)
			if tm := p.Events[0].Time; !tm.Equal(want) || tm.Location() != time.UTC {
				t.Errorf("time = %v, want %v", tm, want)
			}
		}},
		{"no fraction", page(ev("10:31:02.123Z", "10:31:02Z")), func(t *testing.T, p *Page) {
			if p.Events[0].Time.Nanosecond() != 0 {
				t.Error("fraction invented")
			}
		}},
		{"unknown fields ignored, at every level", `{"v":2,"events":[` + ev(`"id"`, `"extra":{"x":[1,{"y":null}]},"Description":"other","id"`) + `],"next_cursor":null,"meta":{}}`, func(t *testing.T, p *Page) {
			if p.Events[0].Description != "Created policy \"gpu-readonly\", =SUM(1)\n" {
				t.Errorf("description = %q: the key match must be case-sensitive", p.Events[0].Description)
			}
		}},
		{"unknown scope and status kept as served", page(ev(`"Workspace"`, `"Marketplace"`), ev(`"SUCCESS"`, `"PENDING"`)), func(t *testing.T, p *Page) {
			if p.Events[0].Scope != "Marketplace" || p.Events[1].Status != "PENDING" {
				t.Errorf("got %q %q", p.Events[0].Scope, p.Events[1].Status)
			}
		}},
		{"null workspace, details, source_ip", page(ev(`{"id":"ws_1","name":"Research"}`, `null`)), func(t *testing.T, p *Page) {
			if p.Events[0].Workspace != nil {
				t.Error("workspace not nil")
			}
		}},
		{"details null and optional keys absent", page(`{"id":"e","timestamp":"2026-01-01T00:00:00Z","user":"system","scope":"Organization","category":"Member","action":"A","target":"","status":"FAILED","description":"","details":null}`), func(t *testing.T, p *Page) {
			e := p.Events[0]
			if e.Details != nil || e.SourceIP != "" || e.Workspace != nil || e.Target != "" {
				t.Errorf("event = %+v", e)
			}
		}},
		{"duplicates across a page are kept", page(eventJSON, eventJSON), func(t *testing.T, p *Page) {
			if len(p.Events) != 2 {
				t.Errorf("%d events, want 2", len(p.Events))
			}
		}},
		{"unicode and escapes", page(ev(`"Research"`, `"研究 \ud83d\ude80"`)), func(t *testing.T, p *Page) {
			if p.Events[0].Workspace.Name != "研究 🚀" {
				t.Errorf("name = %q", p.Events[0].Workspace.Name)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodePage([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestDecodePageMalformed(t *testing.T) {
	ev := func(old, new string) string {
		if !strings.Contains(eventJSON, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return page(strings.Replace(eventJSON, old, new, 1))
	}
	tests := []struct{ name, body, want string }{
		{"empty", ``, "mid-document"},
		{"not an object", `[]`, "want an object"},
		{"truncated", page(eventJSON)[:200], "mid-document"},
		{"trailing data", page(eventJSON) + ` {}`, "data after"},
		{"trailing garbage", page(eventJSON) + `x`, "invalid character"},
		{"events missing", `{"next_cursor":null}`, `"events" is missing`},
		{"events null", `{"events":null,"next_cursor":null}`, "want an array, got null"},
		{"next_cursor missing", `{"events":[]}`, `"next_cursor" is missing`},
		{"next_cursor number", `{"events":[],"next_cursor":1}`, "want a string"},
		{"total float", `{"events":[],"next_cursor":null,"total":1.5}`, "non-negative integer"},
		{"total negative", `{"events":[],"next_cursor":null,"total":-1}`, "non-negative integer"},
		{"total string", `{"events":[],"next_cursor":null,"total":"3"}`, "want an integer"},
		{"duplicate page key", `{"events":[],"next_cursor":null,"next_cursor":"x"}`, "duplicate"},
		{"duplicate event key", ev(`"user"`, `"user":"a","user"`), "duplicate"},
		{"duplicate details key", ev(`"b":`, `"a":1,"b":`), "duplicate"},
		{"case-sensitive key", ev(`"description"`, `"Description"`), `events[0]: required key "description" is missing`},
		{"target key absent", ev(`"target":"gpu-readonly",`, ``), `"target" is missing`},
		{"id missing", ev(`"id":"evt_1",`, ``), `"id" is missing`},
		{"id empty", ev(`"evt_1"`, `""`), "empty id"},
		{"id too long", ev(`"evt_1"`, `"`+strings.Repeat("x", 300)+`"`), "id of 300 bytes"},
		{"id number", ev(`"evt_1"`, `7`), "events[0].id: want a string, got a number"},
		{"user null", ev(`"jane@example.com"`, `null`), "events[0].user: want a string, got null"},
		{"timestamp not RFC 3339", ev(`2026-11-20T10:31:02.123Z`, `2026-11-20 10:31:02`), "events[0].timestamp"},
		{"timestamp without zone", ev(`2026-11-20T10:31:02.123Z`, `2026-11-20T10:31:02`), "not an RFC 3339 time"},
		{"timestamp comma fraction", ev(`02.123Z`, `02,123Z`), "not an RFC 3339 time"},
		{"timestamp zero", ev(`2026-11-20T10:31:02.123Z`, `0001-01-01T00:00:00Z`), "no timestamp"},
		{"details array", ev(`{ "a" : [1, 2], "b":"\u00e9" }`, `[1]`), "want an object or null"},
		{"details string", ev(`{ "a" : [1, 2], "b":"\u00e9" }`, `"{}"`), "want an object or null"},
		{"workspace without name", ev(`,"name":"Research"`, ``), `"name" is missing`},
		{"workspace string", ev(`{"id":"ws_1","name":"Research"}`, `"ws_1"`), "want an object"},
		{"source_ip number", ev(`"203.0.113.7"`, `1`), "want a string"},
		{"invalid UTF-8", ev(`Research`, "Re\xffsearch"), "invalid UTF-8"},
		{"event not object", page(`"e"`), "want an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodePage([]byte(tt.body))
			if err == nil {
				t.Fatalf("accepted: %+v", p)
			}
			if p != nil {
				t.Error("a failed decode returned a page")
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not mention %q", msg, tt.want)
			}
		})
	}
}

func TestDecodeTruncationIsRecognised(t *testing.T) {
	// The retry loop repeats a request whose body was cut, not one that is
	// complete and wrong.
	full := page(eventJSON)
	for _, n := range []int{0, 1, 15, len(full) / 2, len(full) - 1} {
		if _, err := decodePage([]byte(full[:n])); !errors.Is(err, errTruncated) {
			t.Errorf("cut at %d: %v, want errTruncated", n, err)
		}
	}
	if _, err := decodePage([]byte(`{"events":[],"next_cursor":nul}`)); errors.Is(err, errTruncated) {
		t.Error("a complete malformed body counted as truncated")
	}
}

func TestDecodeIdentity(t *testing.T) {
	id, err := decodeIdentity([]byte(`{"user":"o@example.com","organization":{"id":"org_1","name":"Acme"},` +
		`"role":"WORKSPACE_ADMIN","workspaces":[{"id":"ws_1","name":"A"},{"id":"ws_2","name":"B","x":1}],"new":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if id.User != "o@example.com" || id.Organization != (audit.Ref{ID: "org_1", Name: "Acme"}) ||
		id.Role != audit.RoleWorkspaceAdmin || len(id.Workspaces) != 2 || id.Workspaces[1].Name != "B" {
		t.Errorf("identity = %+v", id)
	}
	id, err = decodeIdentity([]byte(`{"user":"o@x","organization":{"id":"o","name":"n"},"role":"ORGANIZATION_OWNER","workspaces":null}`))
	if err != nil || id.Workspaces == nil {
		t.Errorf("null workspaces: %+v, %v; want an empty list", id, err)
	}
	for name, body := range map[string]string{
		"role missing":      `{"user":"o@x","organization":{"id":"o","name":"n"},"workspaces":[]}`,
		"user empty":        `{"user":"","organization":{"id":"o","name":"n"},"role":"R","workspaces":[]}`,
		"org id empty":      `{"user":"u","organization":{"id":"","name":"n"},"role":"R","workspaces":[]}`,
		"org missing name":  `{"user":"u","organization":{"id":"o"},"role":"R","workspaces":[]}`,
		"workspace no id":   `{"user":"u","organization":{"id":"o","name":"n"},"role":"R","workspaces":[{"name":"n"}]}`,
		"role number":       `{"user":"u","organization":{"id":"o","name":"n"},"role":1,"workspaces":[]}`,
		"duplicate user":    `{"user":"u","user":"v","organization":{"id":"o","name":"n"},"role":"R","workspaces":[]}`,
		"case-sensitive":    `{"User":"u","organization":{"id":"o","name":"n"},"role":"R","workspaces":[]}`,
		"workspaces object": `{"user":"u","organization":{"id":"o","name":"n"},"role":"R","workspaces":{}}`,
	} {
		if id, err := decodeIdentity([]byte(body)); err == nil {
			t.Errorf("%s: accepted %+v", name, id)
		}
	}
}

func TestDecodeErrorBody(t *testing.T) {
	tests := []struct{ body, code, msg string }{
		{`{"error":{"code":"forbidden","message":"no"}}`, "forbidden", "no"},
		{`{"x":1,"error":{"message":"m","extra":[1],"code":"c"}}`, "c", "m"},
		{`{"error":"flat"}`, "", ""},
		{`<html>Bad Gateway</html>`, "", ""},
		{`{"error":{"code":"c"`, "c", ""},
		{``, "", ""},
	}
	for _, tt := range tests {
		code, msg := decodeErrorBody([]byte(tt.body))
		if code != tt.code || msg != tt.msg {
			t.Errorf("%s: got %q %q, want %q %q", tt.body, code, msg, tt.code, tt.msg)
		}
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("a\r\n\tb\u2028c\x00  d\xff"); got != "a b c d" {
		t.Errorf("got %q", got)
	}
	long := oneLine(strings.Repeat("é", 500))
	if n := len([]rune(long)); n != maxMessage+1 || !strings.HasSuffix(long, "…") {
		t.Errorf("cut to %d runes: %q", n, long)
	}
}
