package auditapi

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// encodePage writes p back in the API's shape, so the fuzzer can check that
// whatever the decoder accepts survives a round trip unchanged.
func encodePage(t testing.TB, p *Page) []byte {
	type event struct {
		ID          string         `json:"id"`
		Timestamp   string         `json:"timestamp"`
		User        string         `json:"user"`
		Scope       string         `json:"scope"`
		Category    string         `json:"category"`
		Action      string         `json:"action"`
		Target      string         `json:"target"`
		Status      string         `json:"status"`
		Description string         `json:"description"`
		Workspace   *audit.Ref     `json:"workspace"`
		SourceIP    string         `json:"source_ip,omitempty"`
		Details     jsontext.Value `json:"details,omitzero"`
	}
	out := struct {
		Events     []event `json:"events"`
		NextCursor *string `json:"next_cursor"`
		Total      *int64  `json:"total,omitempty"`
	}{Events: []event{}}
	if p.NextCursor != "" {
		out.NextCursor = &p.NextCursor
	}
	if p.HasTotal {
		out.Total = &p.Total
	}
	for _, e := range p.Events {
		out.Events = append(out.Events, event{
			e.ID, e.Time.Format(time.RFC3339Nano), e.User, string(e.Scope), e.Category, e.Action,
			e.Target, string(e.Status), e.Description, e.Workspace, e.SourceIP, e.Details,
		})
	}
	b, err := json.Marshal(out, jsontext.PreserveRawStrings(true)) // details as served
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	return b
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(page(eventJSON)))
	f.Add([]byte(`{"events":[],"next_cursor":null}`))
	f.Add([]byte(`{"events":[],"next_cursor":"x","total":0,"Events":1}`))
	f.Add([]byte(strings.Replace(page(eventJSON), `"Research"`, `"\ud83d\ude80 \u00e9\\\/\b\f\r"`, 1)))
	f.Add([]byte(strings.Replace(page(eventJSON), `.123Z`, `.123456789-07:30`, 1)))
	f.Add(realisticPage(3, 2))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodePage(body)
		if err != nil {
			if p != nil {
				t.Fatal("a page with an error")
			}
			return
		}
		for i := range p.Events {
			e := &p.Events[i]
			if err := e.Validate(); err != nil {
				t.Fatalf("accepted an invalid event: %v", err)
			}
			if e.Time.Location() != time.UTC {
				t.Fatalf("time not UTC: %v", e.Time)
			}
			if e.Details != nil {
				v := jsontext.Value(bytes.Clone(e.Details))
				if v.Kind() != '{' || !v.IsValid() || v.Compact() != nil || !bytes.Equal(v, e.Details) {
					t.Fatalf("details not a compact object: %s", e.Details)
				}
			}
		}
		again, err := decodePage(encodePage(t, p))
		if err != nil {
			t.Fatalf("re-encoded page rejected: %v", err)
		}
		if !reflect.DeepEqual(normalise(p), normalise(again)) {
			t.Fatalf("round trip changed the page:\n%+v\n%+v", p, again)
		}
	})
}

// normalise makes times comparable with DeepEqual (monotonic and location
// pointers aside).
func normalise(p *Page) *Page {
	q := *p
	q.Events = append([]audit.Event(nil), p.Events...)
	for i := range q.Events {
		q.Events[i].Time = time.Unix(0, q.Events[i].Time.UnixNano()).UTC()
	}
	return &q
}

// FuzzUnquote checks the fast unescaper against jsontext's own on every
// string the decoder would let through.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u65e5\ud83d\ude80"`, `"\ud800"`, `"\u12G4"`, `"é\u0000x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		d := jsontext.NewDecoder(bytes.NewReader(v))
		val, err := d.ReadValue()
		if err != nil || val.Kind() != '"' {
			return
		}
		want, werr := jsontext.AppendUnquote(nil, val)
		got, gerr := unquote(nil, val)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("unquote(%s) = %q, %v; jsontext gives %q, %v", val, got, gerr, want, werr)
		}
	})
}

// FuzzDecodeIdentity: never panics; an accepted identity has what a cache
// is keyed by.
func FuzzDecodeIdentity(f *testing.F) {
	f.Add([]byte(identityJSON))
	f.Add([]byte(`{"user":"u","organization":{"id":"o","name":"n"},"role":"X","workspaces":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		id, err := decodeIdentity(body)
		if err == nil && (id.User == "" || id.Organization.ID == "" || id.Workspaces == nil) {
			t.Fatalf("accepted an identity without a key: %+v", id)
		}
	})
}

// FuzzDecodeErrorBody: any error body, however broken, gives one clean line.
func FuzzDecodeErrorBody(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"forbidden","message":"no"}}`))
	f.Add([]byte("<html>\n</html>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		code, msg := decodeErrorBody(body)
		e := &Error{Op: "op", Host: "h", Status: 500, Code: oneLine(code), Message: oneLine(msg), kind: ErrUnavailable}
		if s := e.Error(); strings.ContainsAny(s, "\r\n") {
			t.Fatalf("not one line: %q", s)
		}
	})
}
