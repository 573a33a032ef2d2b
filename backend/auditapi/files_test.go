package auditapi

import (
	"encoding/json"
	"strings"
	"testing"
)

// A line of `query --json` and an event of a page decode to the same
// event; a line that is not one says where.
func TestDecodeEventAndPage(t *testing.T) {
	line := `{"id":"evt_1","timestamp":"2026-11-20T10:31:02.123Z","user":"jane@example.com","scope":"Workspace",` +
		`"category":"Member","action":"Add Member","target":"bob@example.com","status":"SUCCESS",` +
		`"description":"Added bob","workspace":{"id":"ws_1","name":"研究"},"source_ip":"203.0.113.7","details":{"role":"Admin"}}`
	e, err := DecodeEvent([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "evt_1" || e.Workspace == nil || e.Workspace.Name != "研究" || e.SourceIP != "203.0.113.7" ||
		string(e.Details) != `{"role":"Admin"}` || e.Time.Nanosecond() != 123e6 {
		t.Fatalf("decoded %+v", e)
	}
	p, err := DecodePage([]byte(`{"events":[` + line + `],"next_cursor":null}`))
	if err != nil || len(p.Events) != 1 || p.Events[0].ID != e.ID || string(p.Events[0].Details) != string(e.Details) {
		t.Fatalf("page %+v, %v", p, err)
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(line), &m)
	delete(m, "timestamp")
	bad, _ := json.Marshal(m)
	if _, err := DecodeEvent(bad); err == nil || !strings.Contains(err.Error(), "timestamp") {
		t.Fatalf("an event without its timestamp: %v", err)
	}
	if _, err := DecodeEvent([]byte(line + `{}`)); err == nil {
		t.Fatal("two objects on one line decoded as one")
	}
}

// A details object as a file holds it apart (an export's Details cell)
// reads as a sync keeps it: compact, its escapes as written, so an
// exported one comes back byte for byte; nothing or null is none; anything
// else says what it is.
func TestDecodeDetails(t *testing.T) {
	for in, want := range map[string]string{
		``:     ``,
		` `:    ``,
		`null`: ``,
		`{}`:   `{}`,
		`{"a":"\u00e9\n","b":[1,2.50,3e2],"c":null}`: `{"a":"\u00e9\n","b":[1,2.50,3e2],"c":null}`,
		"{ \"a\" : [1, 2],\r\n \"b\":\"é\" }":        `{"a":[1,2],"b":"é"}`,
	} {
		got, err := DecodeDetails([]byte(in))
		if err != nil || string(got) != want || (want == "") != (got == nil) {
			t.Errorf("DecodeDetails(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		`[1,2]`:         "want an object or null, got an array",
		`"text"`:        "want an object or null, got a string",
		`{"a":1`:        "the text ends inside the JSON",
		`{"a":1} {}`:    "after the end",
		`{"a":1,"a":2}`: "",
		`=1+1`:          "",
	} {
		if _, err := DecodeDetails([]byte(in)); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("DecodeDetails(%q): %v; want an error saying %q", in, err, why)
		}
	}
}
