package textio

import (
	"fmt"
	"strings"
)

// Encoding names a text encoding the importer reads.
type Encoding string

// The encodings. Decode reports the one it used, so a report can say what
// a file was; the --encoding flag names one to skip detection.
const (
	Auto     Encoding = "auto" // detect: BOM, then valid UTF-8, else Shift_JIS if it decodes cleanly, else an error
	UTF8     Encoding = "utf-8"
	UTF8BOM  Encoding = "utf-8-bom" // reported only (detection found a BOM); as a request it means UTF8
	UTF16LE  Encoding = "utf-16le"
	UTF16BE  Encoding = "utf-16be"
	UTF16    Encoding = "utf-16"    // as a request: by BOM, LE without one
	ShiftJIS Encoding = "shift_jis" // CP932 (Windows-31J): golang.org/x/text/encoding/japanese.ShiftJIS
)

// encodingNames maps what --encoding accepts, lower-cased, to its
// Encoding. The aliases are the names Windows and iconv users know the
// same encodings by; "utf-8-bom" is accepted so that a reported encoding
// can be given back as a request.
var encodingNames = map[string]Encoding{
	"auto":        Auto,
	"utf-8":       UTF8,
	"utf8":        UTF8,
	"utf-8-bom":   UTF8,
	"utf-16":      UTF16,
	"utf16":       UTF16,
	"utf-16le":    UTF16LE,
	"utf16le":     UTF16LE,
	"utf-16be":    UTF16BE,
	"utf16be":     UTF16BE,
	"shift_jis":   ShiftJIS,
	"shift-jis":   ShiftJIS,
	"sjis":        ShiftJIS,
	"cp932":       ShiftJIS,
	"windows-31j": ShiftJIS,
}

// ParseEncoding reads the --encoding flag: auto|utf-8|utf-16|shift_jis
// (case-insensitive; also "sjis", "cp932", "windows-31j", "utf8",
// "utf-16le", "utf-16be"); an error naming the accepted values otherwise.
func ParseEncoding(s string) (Encoding, error) {
	if e, ok := encodingNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return e, nil
	}
	return "", fmt.Errorf("textio: unknown encoding %q: give auto, utf-8, utf-16 (utf-16le, utf-16be) or shift_jis (sjis, cp932, windows-31j)", s)
}
