package auditapi

import (
	"bytes"
	"errors"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// DecodePage decodes one page of GET /v1/audit-logs as a file holds it
// (an auditor handed the API's JSON): the same checks as a sync's, a whole
// page or an error naming the path of what is wrong.
func DecodePage(body []byte) (*Page, error) { return decodePage(body) }

// DecodeEvent decodes one event object as the API serves it, and as
// `auditdesk query --json` prints a line: the same fields and checks as an
// event of a page.
func DecodeEvent(body []byte) (audit.Event, error) {
	d := newDecoder(body)
	d.size = len(body)
	var e audit.Event
	if err := d.event(&e, 0); err != nil {
		return audit.Event{}, err
	}
	if err := d.end(); err != nil {
		return audit.Event{}, err
	}
	return e, nil
}

// DecodeDetails reads an event's `details` as a file holds it apart (an
// export's Details cell) into what a sync keeps: the object compact, its
// strings as written, so that an exported one comes back byte for byte;
// nil for nothing or null. Anything but one JSON object is an error
// saying what it is.
func DecodeDetails(text []byte) ([]byte, error) {
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, nil
	}
	d := newDecoder(text)
	out, err := d.details()
	if errors.Is(err, errTruncated) {
		return nil, &contractError{msg: "the text ends inside the JSON", err: err}
	}
	if err != nil {
		return nil, err
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return out, nil
}
