package importer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/importer/textio"
)

// File says which file was read: the facts an import records as evidence.
type File struct {
	Name   string `json:"name"` // the base name
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// Verified says an AuditDesk export's manifest matched it
	// (verify-export); false for the other formats, which have none.
	Verified bool `json:"verified,omitempty"`
	// unvouched, for a file the manifest checks did not vouch for, says
	// why (none beside it, or no match); a preview shows it.
	unvouched *ManifestError
}

// ReadFile reads the file at path and gives fn its events, in file order,
// each with the line (or, for API pages, the page) it came from; fn's
// error stops the read and is returned. The Report says how the file was
// read, the File what it was. An AuditDesk export whose manifest is
// missing or does not match is refused unless unverified.
func ReadFile(ctx context.Context, path string, opt Options, unverified bool, fn func(e audit.Event, line int) error) (File, Report, error) {
	fi := File{Name: filepath.Base(path)}
	var rep Report
	f, err := os.Open(path)
	if err != nil {
		return fi, rep, err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	counted := &countingReader{r: io.TeeReader(f, h)}
	br := bufio.NewReaderSize(counted, 64<<10)
	head, _ := br.Peek(512)
	if len(bytes.TrimSpace(head)) == 0 {
		return fi, rep, &NotAnAuditLog{Why: "the file is empty"}
	}
	if err := readBody(ctx, br, path, head, &opt, &rep, &fi, unverified, fn); err != nil {
		return fi, rep, err
	}
	// Read what is left, for the file's digest.
	if _, err := io.Copy(io.Discard, br); err != nil {
		return fi, rep, err
	}
	fi.Bytes, fi.SHA256 = counted.n, hex.EncodeToString(h.Sum(nil))
	return fi, rep, nil
}

// ManifestError refuses an AuditDesk export that its manifest does not
// vouch for: none beside it, one that cannot be checked, or one the file
// does not match. An import takes such a file only when unverified; the
// window offers that as a checkbox, the command line as --unverified.
type ManifestError struct {
	// Why is the one line, without the way round it: the window names
	// its checkbox instead.
	Why string
	// Err is why the manifest could not be checked, if that was it.
	Err  error
	hint string
}

func (e *ManifestError) Error() string { return e.Why + e.hint }
func (e *ManifestError) Unwrap() error { return e.Err }

// giveUnverified is how the command line imports an export anyway.
const giveUnverified = "; give --unverified to import it anyway"

// exportManifest checks an AuditDesk export against the manifest beside
// it, when there is one: ok (and fi.Verified) when it matches. One that
// does not is an error unless unverified; either way fi keeps why (for a
// preview). opt.KeepVerdicts keeps a verdict while neither the file nor
// its manifest changes (size and modification time): a preview taken
// again (another zone, another encoding) does not read a large export
// again; an import checks anew.
func exportManifest(ctx context.Context, path string, opt *Options, fi *File, unverified bool) (export.Manifest, bool, error) {
	if !exists(path + export.ManifestSuffix) {
		fi.unvouched = errNoManifest
		return export.Manifest{}, false, nil
	}
	key, keyed := verdictKey(path)
	keyed = keyed && opt.KeepVerdicts
	var v verdict
	var ok bool
	if keyed {
		verdicts.Lock()
		v, ok = verdicts.m[key]
		verdicts.Unlock()
	}
	if !ok {
		v = checkExport(ctx, path)
		if keyed && ctx.Err() == nil {
			verdicts.Lock()
			if len(verdicts.m) >= 64 {
				clear(verdicts.m)
			}
			verdicts.m[key] = v
			verdicts.Unlock()
		}
	}
	if v.err == nil {
		fi.Verified = true
		return v.m, true, nil
	}
	fi.unvouched = v.err
	if unverified {
		return export.Manifest{}, false, nil
	}
	return export.Manifest{}, false, v.err
}

// verdict is what an export's manifest says of it: the manifest when it
// vouches for the file, else why not.
type verdict struct {
	m   export.Manifest
	err *ManifestError
}

// checkExport checks the export at path against the manifest beside it
// (reading the whole file).
func checkExport(ctx context.Context, path string) verdict {
	c, err := export.VerifyFile(ctx, path)
	switch {
	case err != nil:
		return verdict{err: &ManifestError{Why: fmt.Sprintf("its manifest cannot be checked (%v)", err), Err: err, hint: giveUnverified}}
	case c.RowsOK && c.SHA256OK:
		return verdict{m: c.Manifest}
	}
	return verdict{err: &ManifestError{Why: "it does not match its manifest: " + c.Problem, hint: giveUnverified}}
}

// verdicts are kept verdicts (Options.KeepVerdicts), by the file's and
// its manifest's state.
var verdicts = struct {
	sync.Mutex
	m map[string]verdict
}{m: map[string]verdict{}}

// verdictKey names a file and its manifest as they are now: path, sizes
// and modification times; false when either cannot be read.
func verdictKey(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", false
	}
	mi, err := os.Stat(path + export.ManifestSuffix)
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%d", path, fi.Size(), fi.ModTime().UnixNano(), mi.Size(), mi.ModTime().UnixNano()), true
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// firstByte is the text's first byte that is not a space, left unread.
func firstByte(r *bufio.Reader) (byte, error) {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return b, r.UnreadByte()
		}
	}
}

// isEventLine says whether the first line is one event's JSON (JSON
// Lines), not the start of a page.
func isEventLine(r *bufio.Reader) bool {
	b, _ := r.Peek(64 << 10)
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	_, events := m["events"]
	_, ts := m["timestamp"]
	return ts && !events
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readBody reads the file's events after its first bytes (head) told an
// XLSX from text: the format, then the rows, into rep and fi.
func readBody(ctx context.Context, br *bufio.Reader, path string, head []byte, opt *Options, rep *Report, fi *File, unverified bool, fn func(audit.Event, int) error) error {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return readXLSX(ctx, path, opt, rep, fi, unverified, fn)
	}
	text, enc, err := textio.Decode(br, opt.Encoding)
	if err != nil {
		if errors.Is(err, textio.ErrInvalidText) || opt.Encoding == "" || opt.Encoding == textio.Auto {
			return &NotAnAuditLog{Why: strings.TrimPrefix(err.Error(), "textio: ")}
		}
		return err
	}
	rep.Encoding = enc
	tb := bufio.NewReaderSize(text, 64<<10)
	first, err := firstByte(tb)
	if err != nil {
		return &NotAnAuditLog{Why: "the file holds no text but spaces"}
	}
	switch first {
	case '{', '[':
		if first == '{' && isEventLine(tb) {
			err = readJSONLines(ctx, tb, opt, rep, fn)
		} else {
			err = readPages(ctx, tb, opt, rep, fn)
		}
	default:
		neutralised := false
		if m, ok, verr := exportManifest(ctx, path, opt, fi, unverified); verr != nil {
			return verr
		} else if ok {
			neutralised = m.CSV != nil && m.CSV.Neutralised
		}
		err = readCSV(ctx, tb, opt, rep, neutralised, fn)
		if err == nil && rep.Format == AuditDeskCSV && !fi.Verified && !unverified {
			err = errNoManifest
		}
	}
	return err
}

// errNoManifest refuses an AuditDesk export that nothing can check.
var errNoManifest = &ManifestError{
	Why:  "an AuditDesk export without its manifest beside it cannot be checked: put FILE.manifest.json beside it",
	hint: ", or give --unverified",
}
