package audit

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// The canonical form is a contract (docs/EVIDENCE.md): a verifier written
// elsewhere must get these exact hashes.
func TestEventHashIsStable(t *testing.T) {
	e := Event{
		ID: "evt-1", Time: time.Date(2026, 3, 1, 9, 30, 0, 123_456_789, time.FixedZone("JST", 9*3600)),
		User: "an@example.vn", Scope: ScopeService, Category: "AI Notebook", Action: "Stop Notebook",
		Target: "nb-1", Status: StatusSuccess, Description: "Đã dừng 🚀", Workspace: &Ref{ID: "ws-1", Name: "Research"},
		SourceIP: "203.0.113.7", Details: []byte(`{"gpu":"H100"}`),
	}
	got := EventHash(&e)
	const want = "44f49e33cf150ec7840575c5fe3e78192ec6e0599bcc737f180df30259a7044d" // also from a Python reading of docs/EVIDENCE.md
	if hex.EncodeToString(got[:]) != want {
		t.Errorf("EventHash = %x, want %s", got, want)
	}
	enc := string(AppendCanonical(nil, &e))
	if enc[:len(CanonicalVersion)+1] != CanonicalVersion+"\x00" {
		t.Errorf("encoding starts %q", enc[:20])
	}
	// Milliseconds in UTC: the zone and the sub-millisecond part do not count.
	f := e
	f.Time = time.Date(2026, 3, 1, 0, 30, 0, 123_000_000, time.UTC)
	if EventHash(&f) != got {
		t.Error("the same instant, to the millisecond, hashes differently")
	}
}

// Every field changes the hash, and so does moving text between fields.
func TestEventHashCoversEveryField(t *testing.T) {
	base := Event{ID: "a", Time: time.Unix(1, 0), User: "u", Scope: "s", Category: "c", Action: "x", Target: "t", Status: "S", Description: "d", SourceIP: "ip", Details: []byte("{}")}
	h := EventHash(&base)
	for name, change := range map[string]func(*Event){
		"id": func(e *Event) { e.ID = "b" }, "time": func(e *Event) { e.Time = e.Time.Add(time.Millisecond) },
		"user": func(e *Event) { e.User = "v" }, "scope": func(e *Event) { e.Scope = "z" },
		"category": func(e *Event) { e.Category = "k" }, "action": func(e *Event) { e.Action = "y" },
		"target": func(e *Event) { e.Target = "" }, "status": func(e *Event) { e.Status = "F" },
		"description": func(e *Event) { e.Description = "dd" }, "workspace": func(e *Event) { e.Workspace = &Ref{} },
		"source_ip": func(e *Event) { e.SourceIP = "" }, "details": func(e *Event) { e.Details = nil },
		"shift": func(e *Event) { e.User, e.Scope = "us", "" },
	} {
		e := base
		change(&e)
		if EventHash(&e) == h {
			t.Errorf("changing %s leaves the hash as it was", name)
		}
	}
}

func TestTimestampFormMatchesAppendFormat(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 3, 1, 9, 30, 0, 123_456_789, time.UTC), time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2262, 4, 11, 23, 47, 16, 999_999_999, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 1_000_000, time.FixedZone("x", -3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		want := at.UTC().Format("2006-01-02T15:04:05.000Z")
		got := appendTimestamp(nil, at)
		if int(got[0]) != len(want) || string(got[1:]) != want {
			t.Errorf("appendTimestamp(%v) = %q, want %q", at, got, want)
		}
	}
}

// AppendEventHashes is EventHash event by event, long fields included.
func TestAppendEventHashes(t *testing.T) {
	evs := []Event{
		{ID: "a", Time: time.Unix(1, 0), Details: []byte("{}")},
		{ID: "b", Time: time.Unix(2, 0), Description: strings.Repeat("long ", 500)},
		{ID: "c", Time: time.Unix(3, 0), Workspace: &Ref{ID: "w", Name: "n"}},
	}
	prefix := [32]byte{1}
	got := AppendEventHashes([][32]byte{prefix}, evs)
	if len(got) != 1+len(evs) || got[0] != prefix {
		t.Fatalf("got %d hashes, first %x", len(got), got[0])
	}
	for i := range evs {
		if got[1+i] != EventHash(&evs[i]) {
			t.Errorf("hash %d = %x, want EventHash %x", i, got[1+i], EventHash(&evs[i]))
		}
	}
}
