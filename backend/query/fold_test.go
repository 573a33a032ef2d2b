package query

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// searchText's shortcut (plain, without folding) decides as folding would:
// over random text of ASCII, precomposed and decomposed Vietnamese,
// Japanese with and without combining sound marks, capitals of several
// scripts, ß, Turkish İ, U+FFFD and invalid bytes, the text it calls
// plain folds to itself with ASCII lowered, and searchText gives what it
// gave when only ASCII took the shortcut.
func TestPlainTextFoldsToItself(t *testing.T) {
	pieces := []string{
		"a", "Z", " ", "-", "1", "đã", "Đã", "dừng", "DỪNG", "ở", "ơ", "\u0301", "e\u0301", "\u00e9",
		"ノード", "か\u3099", "が", "ｶﾞ", "Σ", "σ", "ς", "ß", "ẞ", "İ", "ı", "\ufffd", "\xff", "Ω", "ω", "Ǆ", "ǅ", "ﬀ", "ＡＢ", "😀", "\u1fef",
	}
	r := rand.New(rand.NewPCG(testSeed(t), 9))
	f := newFolder()
	slow := func(s string) string { return f.c.String(norm.NFC.String(s)) }
	for range 50_000 {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if f.plain(s) && slow(s) != asciiLower(s) {
			t.Fatalf("%q called plain, but folds to %q", s, slow(s))
		}
		desc := pieces[r.IntN(len(pieces))] + s
		got, gotMid, gotPlain := f.searchText(nil, s, desc)
		// What searchText did before the shortcut: fold unless ASCII.
		want, wantMid, wantPlain := []byte(nil), 0, true
		if !isASCII(s) || !isASCII(desc) {
			want = append(append(want, slow(s)...), slow(desc)...)
			wantMid = len(slow(s))
			if lowered(want[:wantMid], s) && lowered(want[wantMid:], desc) {
				want, wantMid = nil, 0
			} else {
				wantPlain = false
			}
		}
		if gotPlain != wantPlain || gotMid != wantMid || string(got) != string(want) {
			t.Fatalf("searchText(%q, %q) = %q, %d, %v; want %q, %d, %v", s, desc, got, gotMid, gotPlain, want, wantMid, wantPlain)
		}
	}
	for _, s := range []string{"đã dừng", "ノード 停止", "ổ cứng"} {
		if !f.plain(s) {
			t.Errorf("%q is not taken as plain: the shortcut saves nothing", s)
		}
	}
}
