// Package textio is the text layer of the importer: it turns the bytes of
// a file an auditor is handed into UTF-8 text (Decode), that text into
// delimited records (Records), and a timestamp cell into a time
// (ParseTime).
//
// The files come from a web console's CSV export, often re-saved by Excel
// on a Japanese Windows (Shift_JIS, "YYYY/M/D H:mm" times, Excel serial
// numbers), from "Unicode Text" (UTF-16 with tabs) and from JSON Lines.
// Everything streams: detection and sniffing read at most 64 KiB ahead,
// and a file of any size is read with flat memory.
//
// Nothing is silently altered. Bytes that are not text in the file's
// encoding are an error naming their offset (wrapping ErrInvalidText),
// never U+FFFD; a field keeps its bytes, its own line ends included.
package textio
