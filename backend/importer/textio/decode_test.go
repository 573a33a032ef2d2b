package textio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// The console's CSV as an auditor gets it: Japanese and Vietnamese
// descriptions, a yen amount with its comma, CRLF line ends.
const (
	mixedText = "時刻,ユーザー,説明,金額\r\n" +
		"2026-11-05 09:03:07,山田 太郎,ノートブックを停止しました,\"¥550,000\"\r\n" +
		"2026-11-05 09:04:12,Nguyễn Thị Hương,Đã dừng máy chủ,\"¥1,200\"\r\n"
	// Shift_JIS has no Vietnamese letters, and no U+00A5: a yen sign
	// typed on Japanese Windows is 0x5C, which reads back as a backslash,
	// so a yen that survives is the full-width U+FFE5.
	japaneseText = "時刻,ユーザー,説明,金額\r\n" +
		"2026-11-05 09:03:07,山田 太郎,ノートブックを停止しました,\"￥550,000\"\r\n" +
		"2026-11-05 09:04:12,ｶﾀｶﾅ 半角,①～⑩と髙﨑の機種依存文字,\"￥1,200\"\r\n"
)

func encode(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %d bytes starting %.40q: %v", len(s), s, err)
	}
	return b
}

var (
	utf16LEBOM = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16LE    = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf16BEBOM = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	utf16BE    = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
)

func TestDecodeRoundTrips(t *testing.T) {
	tests := []struct {
		name    string
		enc     encoding.Encoding // nil: UTF-8 as it is
		bom     string
		text    string
		request Encoding // what --encoding would say
		want    Encoding // what detection reports
	}{
		{"UTF-8", nil, "", mixedText, UTF8, UTF8},
		{"UTF-8 with BOM", nil, "\xEF\xBB\xBF", mixedText, UTF8, UTF8BOM},
		{"UTF-16LE with BOM", utf16LEBOM, "", mixedText, UTF16, UTF16LE},
		{"UTF-16BE with BOM", utf16BEBOM, "", mixedText, UTF16, UTF16BE},
		{"UTF-16LE without BOM", utf16LE, "", mixedText, UTF16LE, UTF16LE},
		{"UTF-16BE without BOM", utf16BE, "", mixedText, UTF16BE, UTF16BE},
		{"Shift_JIS", japanese.ShiftJIS, "", japaneseText, ShiftJIS, ShiftJIS},
		{"empty", nil, "", "", UTF8, UTF8},
		{"Unicode Text from Excel", utf16LEBOM, "", "時刻\t説明\r\n2026/11/5 9:03\tĐã dừng, máy chủ\r\n", UTF16, UTF16LE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.bom + tt.text)
			if tt.enc != nil {
				in = encode(t, tt.enc, tt.text)
			}
			readers := map[string]func() io.Reader{
				"whole":    func() io.Reader { return bytes.NewReader(in) },
				"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(in)) },
				"halves":   func() io.Reader { return iotest.HalfReader(bytes.NewReader(in)) },
			}
			for how, open := range readers {
				for _, want := range []Encoding{Auto, tt.request} {
					r, got, err := Decode(open(), want)
					if err != nil {
						t.Fatalf("%s, %s: Decode: %v", how, want, err)
					}
					if want == Auto && got != tt.want {
						t.Errorf("%s: detected %s, want %s", how, got, tt.want)
					}
					text, err := io.ReadAll(r)
					if err != nil {
						t.Fatalf("%s, %s: read: %v", how, want, err)
					}
					if string(text) != tt.text {
						t.Errorf("%s, %s: text\n%q\nwant\n%q", how, want, text, tt.text)
					}
				}
			}
		})
	}
}

func TestDecodeRequests(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		request  Encoding
		want     Encoding
		wantText string
	}{
		{"utf-8 drops a BOM and says so", []byte("\xEF\xBB\xBFa,b\n"), UTF8, UTF8BOM, "a,b\n"},
		{"utf-8-bom is utf-8", []byte("a,b\n"), UTF8BOM, UTF8, "a,b\n"},
		{"utf-16 without BOM is LE", encode(t, utf16LE, "a,b\n"), UTF16, UTF16LE, "a,b\n"},
		{"utf-16 follows a BE BOM", encode(t, utf16BEBOM, "a,b\n"), UTF16, UTF16BE, "a,b\n"},
		{"utf-16le follows a BE BOM", encode(t, utf16BEBOM, "a,b\n"), UTF16LE, UTF16BE, "a,b\n"},
		{"zero value detects", []byte("a,b\n"), "", UTF8, "a,b\n"},
		{"shift_jis given a UTF-8 BOM", []byte("\xEF\xBB\xBF停止\n"), ShiftJIS, UTF8BOM, "停止\n"},
		{"utf-8 given a UTF-16 BOM", encode(t, utf16LEBOM, "停止\n"), UTF8, UTF16LE, "停止\n"},
		{"utf-16be given a UTF-8 BOM", []byte("\xEF\xBB\xBF停止\n"), UTF16BE, UTF8BOM, "停止\n"},
		{"shift_jis followed without a BOM", encode(t, japanese.ShiftJIS, "停止,a\n"), ShiftJIS, ShiftJIS, "停止,a\n"},
		{"U+FFFD in UTF-16 is text", encode(t, utf16LEBOM, "a\uFFFDb"), UTF16, UTF16LE, "a\uFFFDb"},
		{"U+FFFD in UTF-8 is text", []byte("a\uFFFDb"), Auto, UTF8, "a\uFFFDb"},
		{"supplementary plane in UTF-16", encode(t, utf16LEBOM, "𩸽の塩焼き 👩‍💻"), Auto, UTF16LE, "𩸽の塩焼き 👩‍💻"},
		{"UTF-16LE mostly Japanese with an ideographic space", encode(t, utf16LE, "時刻　説明,a,b\n2026-11-05,停止,1\n"), Auto, UTF16LE, "時刻　説明,a,b\n2026-11-05,停止,1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, got, err := Decode(bytes.NewReader(tt.in), tt.request)
			if err != nil {
				t.Fatal(err)
			}
			text, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || string(text) != tt.wantText {
				t.Errorf("Decode(%s) = %s, %q; want %s, %q", tt.request, got, text, tt.want, tt.wantText)
			}
		})
	}
	for _, in := range []string{"a", "\xEF\xBB\xBFa"} {
		if _, _, err := Decode(strings.NewReader(in), "latin1"); err == nil {
			t.Errorf("Decode(%q, latin1): no error", in)
		}
	}
}

// TestDecodeSampleEdge cuts a multibyte character at the 64 KiB sample's
// end: detection must not take the cut for an invalid sequence.
func TestDecodeSampleEdge(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		text string
		want Encoding
	}{
		{"UTF-8", []byte(strings.Repeat("ノ", 30000)), strings.Repeat("ノ", 30000), UTF8},
		{"Shift_JIS", encode(t, japanese.ShiftJIS, "a"+strings.Repeat("ノ", 40000)), "a" + strings.Repeat("ノ", 40000), ShiftJIS},
		{"UTF-16LE surrogate pair", encode(t, utf16LEBOM, "ab"+strings.Repeat("𩸽,", 20000)), "ab" + strings.Repeat("𩸽,", 20000), UTF16LE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, got, err := Decode(bytes.NewReader(tt.in), Auto)
			if err != nil {
				t.Fatal(err)
			}
			text, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || string(text) != tt.text {
				t.Errorf("got %s and %d bytes, want %s and %d", got, len(text), tt.want, len(tt.text))
			}
		})
	}
}

// TestDecodeInvalidAfterSample puts one bad sequence past what detection
// reads: Read must give the text before it and then an error naming its
// offset, and never U+FFFD.
func TestDecodeInvalidAfterSample(t *testing.T) {
	line := "2026-11-05 09:03:07,山田 太郎,ノートブックを停止しました,\"￥550,000\"\n"
	good := strings.Repeat(line, 1000) // 87 KB of UTF-8
	sjis := encode(t, japanese.ShiftJIS, good)
	tests := []struct {
		name       string
		head       []byte // the valid text, as the file has it
		bad        string
		request    Encoding
		encodingIs string
	}{
		{"UTF-8 0xFF", []byte(good), "\xFFtail\n", Auto, "utf-8"},
		{"UTF-8 surrogate", []byte(good), "\xED\xA0\x80\n", Auto, "utf-8"},
		{"UTF-8 cut at the end", []byte(good), "\xE3\x83", Auto, "utf-8"},
		{"UTF-8 BOM counted", []byte("\xEF\xBB\xBF" + good), "\x80", Auto, "utf-8"},
		{"Shift_JIS 0xA0", sjis, "\xA0x\n", Auto, "shift_jis"},
		{"Shift_JIS lead byte then ASCII", sjis, "\x81\x20x\n", ShiftJIS, "shift_jis"},
		{"Shift_JIS lead byte at the end", sjis, "\x81", ShiftJIS, "shift_jis"},
		{"UTF-16LE lone low surrogate", encode(t, utf16LEBOM, good), "\x00\xDCa\x00", Auto, "utf-16le"},
		{"UTF-16BE high surrogate then a letter", encode(t, utf16BEBOM, good), "\xD8\x00\x00a", Auto, "utf-16be"},
		{"UTF-16LE odd byte at the end", encode(t, utf16LEBOM, good), "a", Auto, "utf-16le"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append(append([]byte(nil), tt.head...), tt.bad...)
			want := fmt.Sprintf("byte %d (%02x", len(tt.head), tt.bad[0])
			for _, wrap := range []func(io.Reader) io.Reader{
				func(r io.Reader) io.Reader { return r },
				iotest.OneByteReader,
			} {
				r, _, err := Decode(wrap(bytes.NewReader(in)), tt.request)
				if err != nil {
					t.Fatalf("Decode: %v (the sample is valid)", err)
				}
				text, err := io.ReadAll(r)
				if !errors.Is(err, ErrInvalidText) {
					t.Fatalf("read: %v, want ErrInvalidText", err)
				}
				if !strings.Contains(err.Error(), want) || !strings.HasSuffix(err.Error(), "is not "+tt.encodingIs) {
					t.Errorf("error %q does not say %q ... is not %s", err, want, tt.encodingIs)
				}
				if string(text) != good {
					t.Errorf("read %d bytes before the error, want the %d before the bad sequence", len(text), len(good))
				}
				if bytes.ContainsRune(text, '\uFFFD') {
					t.Error("U+FFFD in the text")
				}
				if _, err2 := r.Read(make([]byte, 10)); !errors.Is(err2, ErrInvalidText) {
					t.Errorf("read after the error: %v", err2)
				}
			}
		})
	}
}

// TestDecodeShiftJISOffset checks the offset x/text's U+FFFD is traced
// back to.
func TestDecodeShiftJISOffset(t *testing.T) {
	good := encode(t, japanese.ShiftJIS, strings.Repeat("停止しました,ｶﾅ\r\n", 6000)) // 17 bytes a line
	for _, bad := range []string{"\x82\xFD", "\xFD", "\x81\x20", "\xA0", "\xEF"} {
		in := append(append([]byte(nil), good...), bad...)
		r, _, err := Decode(bytes.NewReader(in), ShiftJIS)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(r)
		if want := fmt.Sprintf("byte 102000 (% x) is not shift_jis", bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", bad, err, want)
		}
	}
}

func TestDecodeRefusesBinary(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{'a', 'u', 'd', 'i', 't'}))
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00")
	for len(png) < 4096 {
		png = append(png, byte(rng.Uint32()))
	}
	noNUL := bytes.ReplaceAll(png, []byte{0}, []byte{1})
	tests := map[string][]byte{
		"PNG":              png,
		"PNG without NULs": noNUL,
		"NUL in text":      []byte("a,b\n1,\x002\n"),
		"Latin-1":          []byte("caf\xe9,na\xefve,\xa0\n"),
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, enc, err := Decode(bytes.NewReader(in), Auto)
			if !errors.Is(err, ErrInvalidText) {
				t.Fatalf("Decode = %s, %v; want ErrInvalidText", enc, err)
			}
			if want := "textio: not UTF-8, UTF-16 or Shift_JIS text: give --encoding"; err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
}

func TestDecodeReadError(t *testing.T) {
	boom := errors.New("disk gone")
	in := io.MultiReader(strings.NewReader("a,b\n"), iotest.ErrReader(boom))
	if _, _, err := Decode(in, Auto); !errors.Is(err, boom) {
		t.Errorf("error in the sample: %v", err)
	}
	// Past the sample the text before the error comes first.
	head := strings.Repeat("x,y\n", 20000)
	in = io.MultiReader(strings.NewReader(head), iotest.ErrReader(boom))
	r, _, err := Decode(in, Auto)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(r)
	if !errors.Is(err, boom) || string(text) != head {
		t.Errorf("read %d bytes, %v; want %d, %v", len(text), err, len(head), boom)
	}
}

func TestParseEncoding(t *testing.T) {
	tests := map[string]Encoding{
		"auto": Auto, "AUTO": Auto, "utf-8": UTF8, "UTF8": UTF8, "utf-8-bom": UTF8,
		"utf-16": UTF16, "UTF-16LE": UTF16LE, "utf-16be": UTF16BE,
		"shift_jis": ShiftJIS, "Shift-JIS": ShiftJIS, "sjis": ShiftJIS, "CP932": ShiftJIS, "Windows-31J": ShiftJIS,
	}
	for in, want := range tests {
		if got, err := ParseEncoding(in); got != want || err != nil {
			t.Errorf("ParseEncoding(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "latin1", "euc-jp", "utf-32"} {
		_, err := ParseEncoding(in)
		if err == nil || !strings.Contains(err.Error(), "auto, utf-8, utf-16") || !strings.Contains(err.Error(), "shift_jis") {
			t.Errorf("ParseEncoding(%q): error %v, want one naming the accepted values", in, err)
		}
	}
}
