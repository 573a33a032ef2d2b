package auditapi

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// decodePage decodes one page of GET /v1/audit-logs. It returns a whole page
// or an error, never part of one.
func decodePage(body []byte) (*Page, error) {
	d := newDecoder(body)
	d.size = len(body)
	if err := d.open("", '{'); err != nil {
		return nil, err
	}
	var (
		p    Page
		seen uint16
	)
	const (
		kEvents = 1 << iota
		kCursor
	)
	err := d.members("", func(key []byte) error {
		var err error
		switch string(key) {
		case "events":
			seen |= kEvents
			p.Events, err = d.events()
		case "next_cursor":
			seen |= kCursor
			p.NextCursor, err = d.strOrNull("next_cursor")
		case "total":
			p.Total, p.HasTotal, err = d.total()
		default:
			err = d.skip(string(key))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := missing("", seen, kEvents|kCursor, []string{"events", "next_cursor"}); err != nil {
		return nil, err
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	if p.Events == nil {
		p.Events = []audit.Event{}
	}
	return &p, nil
}

// total reads the optional count; null counts as absent.
func (d *decoder) total() (int64, bool, error) {
	tok, err := d.d.ReadToken()
	if err != nil {
		return 0, false, d.fail("total", err)
	}
	switch tok.Kind() {
	case 'n':
		return 0, false, nil
	case '0':
		n, err := tok.Int()
		if err != nil || n < 0 {
			return 0, false, &contractError{path: "total", msg: "want a non-negative integer, got " + oneLine(tok.String())}
		}
		return n, true, nil
	}
	return 0, false, wrongKind("total", "an integer", tok.Kind())
}

func (d *decoder) events() ([]audit.Event, error) {
	if err := d.open("events", '['); err != nil {
		return nil, err
	}
	// Growing a slice of 200-byte events by doubling cost a tenth of the
	// decoding time; an event is rarely under 150 bytes of JSON and a page
	// holds at most 1000, so this guess seldom reallocates or wastes much.
	evs := make([]audit.Event, 0, min(1000, d.size/150+1))
	for i := 0; ; i++ {
		ok, err := d.more("events")
		if err != nil {
			return nil, err
		}
		if !ok {
			return evs, nil
		}
		evs = append(evs, audit.Event{})
		if err := d.event(&evs[len(evs)-1], i); err != nil {
			return nil, err
		}
	}
}

// Required keys of an event, as bits of a mask, in eventKeys' order.
const (
	fID = 1 << iota
	fTimestamp
	fUser
	fScope
	fCategory
	fAction
	fTarget
	fStatus
	fDescription
	fAll = 1<<iota - 1
)

var eventKeys = []string{"id", "timestamp", "user", "scope", "category", "action", "target", "status", "description"}

// Where an event's strings sit in d.arena, in span order.
const (
	sID = iota
	sTimestamp
	sUser
	sScope
	sCategory
	sAction
	sTarget
	sStatus
	sDescription
	sSourceIP
	sWorkspaceID
	sWorkspaceName
	nSpans
)

// event decodes one event. Its strings are gathered in d.arena and become
// one string that every field slices: one allocation per event instead of
// eleven, which was a third of the decoding time. The cost: a caller that
// keeps one field of an event alone keeps the event's whole text alive
// (a few KiB at most); strings.Clone it if that matters.
func (d *decoder) event(e *audit.Event, i int) error {
	// Paths are built only on failure: formatting them per field would cost
	// more than decoding.
	where := func(key string) string {
		if key == "" {
			return fmt.Sprintf("events[%d]", i)
		}
		return fmt.Sprintf("events[%d].%s", i, key)
	}
	if err := d.open("", '{'); err != nil {
		return withPath(err, where(""))
	}
	d.arena = d.arena[:0]
	var (
		sp    [nSpans]span
		seen  uint16
		hasWS bool
	)
	for {
		ok, err := d.more("")
		if err != nil {
			return withPath(err, where(""))
		}
		if !ok {
			break
		}
		key, err := d.name("")
		if err != nil {
			return withPath(err, where(""))
		}
		switch string(key) {
		case "id":
			seen |= fID
			sp[sID], err = d.text("")
		case "timestamp":
			seen |= fTimestamp
			sp[sTimestamp], err = d.text("")
		case "user":
			seen |= fUser
			sp[sUser], err = d.text("")
		case "scope":
			seen |= fScope
			sp[sScope], err = d.text("")
		case "category":
			seen |= fCategory
			sp[sCategory], err = d.text("")
		case "action":
			seen |= fAction
			sp[sAction], err = d.text("")
		case "target":
			seen |= fTarget
			sp[sTarget], err = d.text("")
		case "status":
			seen |= fStatus
			sp[sStatus], err = d.text("")
		case "description":
			seen |= fDescription
			sp[sDescription], err = d.text("")
		case "workspace":
			hasWS, sp[sWorkspaceID], sp[sWorkspaceName], err = d.workspace()
		case "source_ip":
			sp[sSourceIP], err = d.textOrNull("")
		case "details":
			e.Details, err = d.details()
		default:
			err = d.skip("")
		}
		if err != nil {
			return withPath(err, where(string(key)))
		}
	}
	if seen != fAll {
		return missing(where(""), seen, fAll, eventKeys)
	}
	all := string(d.arena)
	str := func(i int) string { return all[sp[i].off:sp[i].end] }
	var err error
	if e.Time, err = parseTime(str(sTimestamp)); err != nil {
		return withPath(err, where("timestamp"))
	}
	e.ID, e.User, e.Scope = str(sID), str(sUser), audit.Scope(str(sScope))
	e.Category, e.Action, e.Target = str(sCategory), str(sAction), str(sTarget)
	e.Status, e.Description, e.SourceIP = audit.Status(str(sStatus)), str(sDescription), str(sSourceIP)
	if hasWS {
		e.Workspace = &audit.Ref{ID: str(sWorkspaceID), Name: str(sWorkspaceName)}
	}
	if err := e.Validate(); err != nil {
		return &contractError{path: where(""), msg: oneLine(err.Error()), err: err}
	}
	return nil
}

// withPath sets the path of a contractError raised below a known key.
func withPath(err error, path string) error {
	var ce *contractError
	if errors.As(err, &ce) && ce.path == "" {
		ce.path = path
	}
	return err
}

// parseTime accepts RFC 3339 with any offset and fractional precision and
// stores UTC, so equal instants compare and sort equal in the cache.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	// Go also takes a comma before the fraction; RFC 3339 does not.
	if err != nil || strings.IndexByte(s, ',') >= 0 {
		return time.Time{}, &contractError{msg: fmt.Sprintf("%q is not an RFC 3339 time", oneLine(s))}
	}
	return t.UTC(), nil
}

// workspace reads null or {id, name} into d.arena.
func (d *decoder) workspace() (present bool, id, name span, err error) {
	if d.d.PeekKind() == 'n' {
		if _, err := d.d.ReadToken(); err != nil {
			return false, id, name, d.fail("", err)
		}
		return false, id, name, nil
	}
	id, name, err = d.refSpans()
	return err == nil, id, name, err
}

// ref reads {id, name} as an audit.Ref.
func (d *decoder) ref() (audit.Ref, error) {
	d.arena = d.arena[:0]
	id, name, err := d.refSpans()
	if err != nil {
		return audit.Ref{}, err
	}
	all := string(d.arena)
	return audit.Ref{ID: all[id.off:id.end], Name: all[name.off:name.end]}, nil
}

// refSpans reads {id, name}, both required strings, into d.arena; other
// keys are skipped.
func (d *decoder) refSpans() (id, name span, err error) {
	if err := d.open("", '{'); err != nil {
		return id, name, err
	}
	var seen uint16
	for {
		ok, err := d.more("")
		if err != nil {
			return id, name, err
		}
		if !ok {
			break
		}
		key, err := d.name("")
		if err != nil {
			return id, name, err
		}
		switch string(key) {
		case "id":
			seen |= 1
			id, err = d.text("id")
		case "name":
			seen |= 2
			name, err = d.text("name")
		default:
			err = d.skip(string(key))
		}
		if err != nil {
			return id, name, err
		}
	}
	return id, name, missing("", seen, 3, []string{"id", "name"})
}

// compactOpts are Value.Compact's: strings keep their escapes as served.
var compactOpts = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsontext.PreserveRawStrings(true),
}

// details keeps the object as compact bytes; null means none.
func (d *decoder) details() ([]byte, error) {
	v, err := d.d.ReadValue()
	if err != nil {
		return nil, d.fail("", err)
	}
	switch k := v.Kind(); k {
	case 'n':
		return nil, nil
	case '{':
	default:
		return nil, wrongKind("", "an object or null", k)
	}
	// A fresh copy, so the event does not pin the whole response body.
	out, err := jsontext.AppendFormat(nil, v, compactOpts...)
	if err != nil {
		return nil, &contractError{msg: oneLine(err.Error()), err: err}
	}
	return out, nil
}
