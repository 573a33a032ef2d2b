package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/auditapi"
)

// maxLine bounds a JSON line (an event's JSON is a few KiB; details may be
// more): a longer one is a broken row, not a reason to hold a file.
const maxLine = 16 << 20

// readJSONLines reads one API event a line, as `query --json` prints.
func readJSONLines(ctx context.Context, text io.Reader, opt *Options, rep *Report, fn func(audit.Event, int) error) error {
	rep.Format = JSONLines
	sc := bufio.NewScanner(text)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		e, err := auditapi.DecodeEvent(b)
		if err != nil {
			rep.bad(opt, line, nil, "%s", jsonWhy(err))
			continue
		}
		rep.Rows++
		if err := fn(e, line); err != nil {
			return err
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return fmt.Errorf("line %d is over %d MiB: not JSON Lines", line+1, maxLine>>20)
	}
	return sc.Err()
}

// readPages reads the API's pages: one {"events": [...]} object, several
// one after the other, or an array of them. An event that is not one is a
// bad row, named by its page and place.
func readPages(ctx context.Context, text io.Reader, opt *Options, rep *Report, fn func(audit.Event, int) error) error {
	rep.Format = APIPages
	dec := json.NewDecoder(text)
	array := false
	if br, ok := peekByte(dec); ok && br == '[' {
		if _, err := dec.Token(); err != nil {
			return err
		}
		array = true
	}
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if array && !dec.More() {
			return nil
		}
		var p struct {
			Events *[]json.RawMessage `json:"events"`
		}
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) && !array {
			return nil
		}
		if err != nil {
			return fmt.Errorf("page %d is not JSON: %w", page, err)
		}
		if p.Events == nil {
			return &NotAnAuditLog{Why: fmt.Sprintf("value %d has no \"events\"", page)}
		}
		for i, raw := range *p.Events {
			e, err := auditapi.DecodeEvent(raw)
			if err != nil {
				rep.bad(opt, page, nil, "page %d, event %d: %s", page, i+1, jsonWhy(err))
				continue
			}
			rep.Rows++
			if err := fn(e, page); err != nil {
				return err
			}
		}
	}
}

// peekByte is the next non-space byte the decoder will read.
func peekByte(dec *json.Decoder) (byte, bool) {
	// json.Decoder has no peek: its buffered bytes are read through
	// Buffered, which holds what it has read ahead (at least the first).
	if !dec.More() {
		return 0, false
	}
	b, _ := io.ReadAll(io.LimitReader(dec.Buffered(), 64))
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c, true
		}
	}
	return 0, false
}

// jsonWhy is a decode error as one line of a report.
func jsonWhy(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "auditapi: ")
	return strings.ReplaceAll(s, "\n", " ")
}
