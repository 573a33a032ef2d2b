package auditapi

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinels that an *Error matches with errors.Is, one per thing the caller
// (ingest, the window) reacts to differently.
var (
	ErrUnauthenticated = errors.New("auditapi: unauthenticated")      // 401
	ErrForbidden       = errors.New("auditapi: forbidden")            // 403
	ErrNotFound        = errors.New("auditapi: not found")            // 404
	ErrInvalidRequest  = errors.New("auditapi: invalid request")      // 400, or refused before sending
	ErrCursorExpired   = errors.New("auditapi: cursor expired")       // 410: restart from the checkpoint
	ErrCursorUnknown   = errors.New("auditapi: cursor unknown")       // 400 or 404 naming the cursor (a restarted server): restart from the checkpoint
	ErrRateLimited     = errors.New("auditapi: rate limited")         // 429 after every attempt
	ErrUnavailable     = errors.New("auditapi: unavailable")          // 5xx, timeouts, cut connections after every attempt
	ErrMalformed       = errors.New("auditapi: malformed response")   // the response breaks the contract
	ErrTooLarge        = errors.New("auditapi: response too large")   // body over Config.MaxBodyBytes
	ErrUnreachable     = errors.New("auditapi: server unreachable")   // DNS, dial, refused after every attempt
	ErrTLS             = errors.New("auditapi: TLS handshake failed") // certificate or handshake; never retried
)

// Error is every failure of a request but cancellation (which wraps the
// context's error instead, so callers can tell "stopped" from "failed").
// Its text is one line saying what went wrong and what to do; it names the
// host but never carries the token.
type Error struct {
	Op       string // what the client was doing, e.g. "list audit logs"
	Host     string // the server, host[:port]
	Status   int    // HTTP status; 0 when no response decided the failure
	Code     string // the server's error code, when it sent one
	Message  string // the server's message or the local detail: one line, at most ~200 characters
	Attempts int    // requests made before giving up

	kind   error  // one of the sentinels
	what   string // overrides the kind's default phrase (TLS sub-cases)
	advice string // overrides the kind's default advice
	cause  error  // underlying error for errors.As (x509, net); never a context error
}

// Is matches the sentinel of the failure's kind.
func (e *Error) Is(target error) bool { return target == e.kind }

// Unwrap gives the underlying network or certificate error, if any.
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) Error() string {
	k, ok := kindTexts[e.kind]
	if !ok {
		k = kindText{what: "the request to %s failed", advice: "try again"}
	}
	what, advice := fmt.Sprintf(k.what, e.Host), k.advice
	if e.what != "" {
		what = e.what
	}
	if e.advice != "" {
		advice = e.advice
	}
	var b strings.Builder
	b.WriteString("auditapi: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(what)
	if k.counted && e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if d := e.Detail(); d != "" {
		b.WriteString(" (")
		b.WriteString(d)
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(advice)
	return b.String()
}

// Detail is the server's side of the failure, "401 unauthenticated:
// message" or just the message, without the advice: for a caller that
// knows better what to do.
func (e *Error) Detail() string {
	var parts []string
	if e.Status != 0 {
		s := fmt.Sprint(e.Status)
		if e.Code != "" {
			s += " " + e.Code
		}
		parts = append(parts, s)
	} else if e.Code != "" {
		parts = append(parts, e.Code)
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	return strings.Join(parts, ": ")
}

// kindText is what a kind's message says: what went wrong (with %s for the
// host) and what to do. counted kinds are the retried ones, whose message
// says how many attempts failed.
type kindText struct {
	what, advice string
	counted      bool
}

var kindTexts = map[error]kindText{
	ErrUnauthenticated: {"%s rejected the token", "check the token or create a new one", false},
	ErrForbidden:       {"%s refused access", "this token's role may not read the audit log (a Workspace Member); use an Organization Owner's or Workspace Admin's token", false},
	ErrNotFound:        {"%s has no such path or workspace", "check the base URL (the part before /v1) and the workspace id", false},
	ErrInvalidRequest:  {"the request to %s was invalid", "check the time range, workspace id and page limit", false},
	ErrCursorExpired:   {"the paging cursor expired on %s", "restart the window from the last checkpoint", false},
	ErrCursorUnknown:   {"%s no longer knows the paging cursor", "restart the window from the last checkpoint", false},
	ErrRateLimited:     {"%s is still rate limiting", "wait a few minutes, then sync again", true},
	ErrUnavailable:     {"%s is unavailable", "try again later; if it persists, check the platform's status", true},
	ErrMalformed:       {"%s sent a response that breaks the Audit Log API contract", "check that the base URL points at the Audit Log API; if it does, report this to the platform", false},
	ErrTooLarge:        {"%s sent a response over the size limit", "sync with a smaller page limit", false},
	ErrUnreachable:     {"cannot reach %s", "check the base URL, your network and proxy settings", true},
	ErrTLS:             {"the TLS handshake with %s failed", "check the base URL; if a corporate proxy intercepts TLS, give its CA file", false},
}

// maxMessage bounds a server's message in our one-line text.
const maxMessage = 200

// oneLine makes outside text (a server's message, a network error) safe for
// a one-line error: control and separator characters become spaces, runs
// of space collapse, invalid UTF-8 is dropped, and it is cut near maxMessage
// characters.
func oneLine(s string) string {
	var b strings.Builder
	space, n := false, 0
	for _, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || !unicode.IsGraphic(r) {
			space = b.Len() > 0
			continue
		}
		if n >= maxMessage {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// decodeErrorBody pulls code and message from {"error": {"code", "message"}};
// anything else gives "", "" and the caller falls back to the status.
func decodeErrorBody(body []byte) (code, message string) {
	d := newDecoder(body)
	if d.open("", '{') != nil {
		return "", ""
	}
	// Whatever stops the reading, what was read by then is the answer.
	_ = d.members("", func(key []byte) error {
		if string(key) != "error" || d.d.PeekKind() != '{' {
			return d.skip("")
		}
		_ = d.open("", '{')
		return d.members("", func(k []byte) error {
			switch {
			case string(k) == "code" && d.d.PeekKind() == '"':
				code, _ = d.str("")
			case string(k) == "message" && d.d.PeekKind() == '"':
				message, _ = d.str("")
			default:
				return d.skip("")
			}
			return nil
		})
	})
	return code, message
}
