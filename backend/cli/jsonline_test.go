package cli

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// appendJSONLine writes what encoding/json's Encoder does, byte for byte,
// for hostile text too: controls, quotes, backslashes, HTML, bytes that
// are not UTF-8, U+2028/9, emoji, Japanese and Vietnamese.
func TestAppendJSONLineIsEncodingJSON(t *testing.T) {
	pieces := []string{
		"", "plain", `"quoted"`, `back\slash`, "\x00\x01\x1f\x7f", "\b\f\n\r\t", "<b>&amp;</b>", "\xff\xfe", "a\xc3",
		"\u2028\u2029", "🚀", "ノートブックを停止しました", "ĐÃ DỪNG MÁY CHỦ", "=cmd|' /C calc'!A0", "\u00a0\u200b", "\x1b[31mred",
	}
	r := rand.New(rand.NewPCG(1, 2))
	s := func() string {
		var b strings.Builder
		for range r.IntN(5) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	for range 3000 {
		ev := apiEvent{ID: s(), Timestamp: s(), User: s(), Scope: s(), Category: s(), Action: s(), Target: s(), Status: s(), Description: s()}
		if r.IntN(2) == 0 {
			ev.Workspace = &audit.Ref{ID: s(), Name: s()}
		}
		if r.IntN(2) == 0 {
			ev.SourceIP = s()
		}
		if r.IntN(2) == 0 {
			// Details as served: spaced, nested, hostile strings inside.
			d, _ := json.Marshal(map[string]any{"reason": s(), "n": r.IntN(100), "nested": map[string]string{"k": s()}})
			ev.Details = bytes.ReplaceAll(d, []byte(`,"`), []byte(`, "`))
		}
		want.Reset()
		if err := enc.Encode(ev); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONLine(nil, &ev); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendJSONLine:\n%q\nencoding/json:\n%q", got, want.Bytes())
		}
	}
}
