package query

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/auditdesk/auditdesk/backend/audit"
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
	slow := func(s string) string { return f.c.String(norm.NFKC.String(s)) }
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

// TestSearchFoldsWidth: what a Japanese input method types finds its
// ordinary forms and the other way round, in an index built in memory and
// in one read from its file, through the letter masks too (one letter).
func TestSearchFoldsWidth(t *testing.T) {
	at := simNow
	ev := func(id, target, desc string) audit.Event {
		return audit.Event{
			ID: id, Time: at, User: "u@example.jp", Scope: audit.ScopeService, Category: "Compute",
			Action: "Start", Target: target, Status: audit.StatusSuccess, Description: desc,
		}
	}
	evs := []audit.Event{
		ev("w-1", "gpu-01", "GPU quota reached"),
		ev("w-2", "ｇｐｕ-02", "ＧＰＵ利用の上限"),
		ev("w-3", "x", "ガベージ収集"),
		ev("w-4", "y", "ｶﾞﾍﾞｰｼﾞ収集"),
		ev("w-5", "z", "plain text"),
	}
	path, _ := writeFile(t, buildSlice(t, evs), t.TempDir(), "index.bin")
	mapped, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mapped.WarmSearch()
	for name, ix := range map[string]*Index{"in memory": buildSlice(t, evs), "mapped": mapped} {
		for term, want := range map[string][]string{
			"gpu":     {"w-1", "w-2"},
			"ＧＰＵ":     {"w-1", "w-2"},
			"ｇｐｕ-0":   {"w-1", "w-2"},
			"ガベージ":    {"w-3", "w-4"},
			"ｶﾞﾍﾞｰｼﾞ": {"w-3", "w-4"},
			"ｇ":       {"w-1", "w-2"},
		} {
			res, err := ix.Query(audit.Filter{Search: term}, audit.Sort{Field: audit.SortID}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(mustRows(t, res, 0, 10)); !slices.Equal(got, want) {
				t.Errorf("%s: search %q = %v, want %v", name, term, got, want)
			}
		}
	}
}
