package query

import (
	"bytes"
	"slices"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// A one-letter search reads the letter masks once they are made, and finds
// exactly the rows that the text's scan finds: the rows folded otherwise
// (ß, NFC, a non-ASCII capital) included, read from the index's file as
// the window reads it.
func TestLetterMasksFindWhatTheScanFinds(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 5_000)), handEvents()...)
	evs = append(evs, audit.Event{
		ID: "ß-row", Time: evs[len(evs)-1].Time, User: "u", Scope: audit.ScopeOrganization,
		Category: "Member", Action: "Invite", Status: audit.StatusSuccess,
		Target: "STRAẞE", Description: "Đà Nẵng ｆｕｌｌ",
	}, audit.Event{
		// Decomposed: the text holds an ASCII e that its folded text (NFC) does not.
		ID: "nfc-row", Time: evs[len(evs)-1].Time, User: "u", Scope: audit.ScopeOrganization,
		Category: "Member", Action: "Invite", Status: audit.StatusSuccess,
		Target: "X", Description: "Cafe\u0301",
	})
	path, _ := writeFile(t, buildSlice(t, evs), t.TempDir(), "index.bin")
	ix, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fo := newFolder()
	folded := make([][]byte, ix.n)
	for i := range folded {
		folded[i] = []byte(fo.string(string(ix.shown(i, 1))) + "\x00" + fo.string(string(ix.shown(i, 2))))
	}
	scan := map[byte][]uint32{}
	for c := byte('a'); c <= 'z'; c++ {
		bits := newRowBits(0, ix.n)
		m := ix.newMatcher(audit.Filter{Search: string(c - 'a' + 'A')}, Options{})
		if m.letter == 0 || !ix.searchRows(m, 0, ix.n, 2, bits) {
			t.Fatalf("%q: letter bit %b", c, m.letter)
		}
		scan[c] = bits.rows()
		var want []uint32
		for i, f := range folded {
			if bytes.IndexByte(f, c) >= 0 {
				want = append(want, uint32(i))
			}
		}
		if !slices.Equal(scan[c], want) {
			t.Fatalf("%q: the scan found %d rows, the folded rows hold %d", c, len(scan[c]), len(want))
		}
	}
	if ix.letterMask() != nil {
		t.Fatal("letter masks made before WarmSearch")
	}
	ix.WarmSearch()
	masks := ix.letterMask()
	if len(masks) != ix.n {
		t.Fatalf("%d letter masks for %d rows", len(masks), ix.n)
	}
	for c := byte('a'); c <= 'z'; c++ {
		m := ix.newMatcher(audit.Filter{Search: string(c)}, Options{})
		lo, hi := ix.n/3, ix.n
		bits := newRowBits(lo, hi)
		if !ix.letterRows(m.letter, lo, hi, bits) {
			t.Fatalf("%q: the masks were not read", c)
		}
		want := scan[c][lowerBound(scan[c], uint32(lo)):]
		if got := bits.rows(); !slices.Equal(got, want) {
			t.Fatalf("%q: the masks found %d rows of [%d, %d), the scan %d", c, len(got), lo, hi, len(want))
		}
		for i := lo; i < hi; i++ {
			if got, want := ix.rowContains(m, i), slices.Contains(want, uint32(i)); got != want {
				t.Fatalf("rowContains(%q, %d) = %v, want %v", c, i, got, want)
			}
		}
	}
	// ẞ folds to ss (a foldedBit row, read from exc); Đ to đ, which is no d.
	row := slices.IndexFunc(folded, func(f []byte) bool { return bytes.HasPrefix(f, []byte("strasse\x00")) })
	if row < 0 || ix.textMid[row]&foldedBit == 0 {
		t.Fatalf("the STRAẞE row: %d (folded otherwise: %v)", row, row >= 0 && ix.textMid[row]&foldedBit != 0)
	}
	for c, want := range map[byte]bool{'s': true, 't': true, 'n': true, 'd': false, 'x': false} {
		if got := masks[row]&(1<<(c-'a')) != 0; got != want {
			t.Errorf("the STRAẞE row's mask has %q: %v, want %v (%q)", c, got, want, folded[row])
		}
	}
	row = slices.IndexFunc(folded, func(f []byte) bool { return string(f) == "x\x00café" })
	if row < 0 || masks[row]&(1<<('e'-'a')) != 0 || masks[row]&(1<<('f'-'a')) == 0 {
		t.Errorf("the decomposed Cafe\u0301 row (%d) folds to café, which has no ASCII e: mask %026b", row, masks[max(row, 0)])
	}
	// Not one letter: no mask.
	for _, term := range []string{"ab", "1", "đ", "-", ""} {
		if b := letterBit(term); b != 0 {
			t.Errorf("letterBit(%q) = %b, want 0", term, b)
		}
	}
}
