package query

import (
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// folder folds text for search: NFKC, then full Unicode case folding, so
// "ĐÃ DỪNG" finds "Đã dừng", NFD finds NFC, "STRASSE" finds "straße", and
// the width forms a Japanese input method types find their ordinary forms
// (full-width "ＧＰＵ" finds "GPU", half-width "ｶﾞ" finds "ガ") and the
// other way round. It is not accent-insensitive. A cases.Caser keeps state, so a folder
// belongs to one goroutine: Build has one, each Query makes its own.
type folder struct{ c cases.Caser }

func newFolder() folder { return folder{c: cases.Fold()} }

func (f folder) string(s string) string {
	if isASCII(s) {
		// Folding ASCII lowers its letters, and nothing else.
		return asciiLower(s)
	}
	return f.c.String(norm.NFKC.String(s))
}

// asciiLower is s, an ASCII string, with its letters lowered; s itself
// when it has no capital.
func asciiLower(s string) string {
	for i := range len(s) {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func (f folder) append(dst []byte, s string) []byte {
	return append(dst, f.c.String(norm.NFKC.String(s))...)
}

// searchText decides how a row's target and description are searched.
// plain: as they are, a search lowering ASCII letters as it compares
// (search.go), which is the same as searching their folded form when that
// form is theirs with ASCII letters lowered: always for ASCII, and for
// most other text (CJK, lower-case Vietnamese). Otherwise it appends
// their folded forms, end to end, to dst, and mid is where the target's
// ends.
func (f folder) searchText(dst []byte, target, desc string) (out []byte, mid int, plain bool) {
	if f.plain(target) && f.plain(desc) {
		return dst, 0, true
	}
	start := len(dst)
	dst = f.append(dst, target)
	mid = len(dst) - start
	dst = f.append(dst, desc)
	if lowered(dst[start:start+mid], target) && lowered(dst[start+mid:], desc) {
		return dst[:start], 0, true
	}
	return dst, mid, false
}

// plain says, without folding s, that its folded form is s with ASCII
// letters lowered: each rune outside ASCII is one that NFKC and folding
// leave as it is and that starts a segment of its own (nothing before it
// composes with it), so NFKC leaves s as it is and folding, which goes rune
// by rune, changes only its ASCII capitals. Most lower-case text outside
// ASCII (Vietnamese, CJK) is, and searchText then need not fold it (the
// folding was most of an index's build). A false is no answer: fold.
func (f folder) plain(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= rune(len(stableRunes)) || !f.stable(r, s[i:i+n]) {
			return false
		}
		i += n
	}
	return true
}

// stableRunes caches, for each rune of the Basic Multilingual Plane, what
// stable found: 0 not asked yet, 1 stable, 2 not. Any goroutine may fill
// it in; a rune's answer is always the same.
var stableRunes [0x10000]atomic.Uint32

// stable says whether r (its UTF-8 being enc) is left as it is by NFKC
// and by folding, and has a normalization boundary before it. U+FFFD (also
// an invalid byte's decoding) is not.
func (f folder) stable(r rune, enc string) bool {
	switch stableRunes[r].Load() {
	case 1:
		return true
	case 2:
		return false
	}
	ok := r != utf8.RuneError && norm.NFKC.PropertiesString(enc).BoundaryBefore() &&
		norm.NFKC.IsNormalString(enc) && f.c.String(enc) == enc
	v := uint32(2)
	if ok {
		v = 1
	}
	stableRunes[r].Store(v)
	return ok
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lowered says whether folded is s with its ASCII letters lowered.
func lowered(folded []byte, s string) bool {
	if len(folded) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != folded[i] {
			return false
		}
	}
	return true
}

// lower lowers an ASCII letter.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
