package query

import (
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// folder folds text for search: NFC, then full Unicode case folding, so
// "ĐÃ DỪNG" finds "Đã dừng", NFD finds NFC and "STRASSE" finds "straße".
// It is not accent-insensitive. A cases.Caser keeps state, so a folder
// belongs to one goroutine: Build has one, each Query makes its own.
type folder struct{ c cases.Caser }

func newFolder() folder { return folder{c: cases.Fold()} }

func (f folder) string(s string) string { return f.c.String(norm.NFC.String(s)) }

func (f folder) append(dst []byte, s string) []byte {
	return append(dst, f.c.String(norm.NFC.String(s))...)
}
