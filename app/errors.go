package app

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/credentials"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/marks"
	"github.com/auditdesk/auditdesk/backend/progress"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// ErrorCode tells the UI what kind of failure a bound method met, so it can
// offer the right next step (connect a profile, fix a filter, retry).
type ErrorCode string

// The codes the UI knows. Anything not classified is internal.
const (
	CodeInternal     ErrorCode = "internal"
	CodeNoProfile    ErrorCode = "no_profile"
	CodeInvalidInput ErrorCode = "invalid_input"
	CodeBusy         ErrorCode = "busy"
	CodeCancelled    ErrorCode = "cancelled"
	CodeTokenNeeded  ErrorCode = "token_needed"
	CodeAuth         ErrorCode = "unauthenticated"
	CodeForbidden    ErrorCode = "forbidden"
	CodeOffline      ErrorCode = "offline"
	CodeCacheLocked  ErrorCode = "cache_locked"
	CodeQueryGone    ErrorCode = "query_gone"
)

// UIError is what every bound method's error becomes in the frontend:
// `{code, message}`, the message one readable line.
type UIError struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
}

func (e *UIError) Error() string { return e.Message }

// errInvalid marks errors the caller can fix by changing what they asked.
type errInvalid struct{ msg string }

func (e errInvalid) Error() string { return e.msg }

// Invalid returns an invalid_input error with msg.
func Invalid(msg string) error { return errInvalid{msg} }

// ErrBusy is returned when a job of the same kind is already running.
var ErrBusy = progress.ErrBusy

// codes maps sentinel errors, matched with errors.Is, to UI codes.
var codes = []struct {
	err  error
	code ErrorCode
}{
	{settings.ErrNoProfile, CodeNoProfile},
	{ErrBusy, CodeBusy},
	{credentials.ErrTokenNeeded, CodeTokenNeeded},
	{auditapi.ErrUnauthenticated, CodeAuth},
	{auditapi.ErrForbidden, CodeForbidden},
	{session.ErrMemberRole, CodeForbidden},
	{auditapi.ErrUnreachable, CodeOffline},
	{auditapi.ErrTLS, CodeOffline},
	{auditapi.ErrUnavailable, CodeOffline},
	{auditapi.ErrRateLimited, CodeOffline},
	{session.ErrLocked, CodeCacheLocked},
	{ErrQueryGone, CodeQueryGone},
	{export.ErrBadRequest, CodeInvalidInput},
	{export.ErrNoFolder, CodeInvalidInput},
	{export.ErrPermission, CodeInvalidInput},
	{auditapi.ErrInvalidRequest, CodeInvalidInput},
	{marks.ErrBadTag, CodeInvalidInput},
	{session.ErrNoSuchEvent, CodeInvalidInput},
}

// ToUIError classifies err for the UI.
func ToUIError(err error) *UIError {
	var ui *UIError
	if errors.As(err, &ui) {
		return ui
	}
	return &UIError{Code: classify(err), Message: oneLine(err.Error())}
}

// FormatError is the Wails ErrorFormatter: every error a bound method
// returns reaches the UI as `{code, message}`. It is JSON text, not an
// object, because the Wails v2 runtime rejects with `new Error(x)`, which
// keeps a string intact and turns an object into "[object Object]".
func FormatError(err error) any {
	if err == nil {
		return nil
	}
	b, jerr := json.Marshal(ToUIError(err))
	if jerr != nil { // cannot happen for two strings; keep the message anyway
		return oneLine(err.Error())
	}
	return string(b)
}

func classify(err error) ErrorCode {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	if errors.As(err, new(errInvalid)) {
		return CodeInvalidInput
	}
	if errors.Is(err, errCancelled) {
		return CodeCancelled
	}
	return CodeInternal
}

var errCancelled = errors.New("cancelled")

// oneLine keeps a message to one line for the status bar and toasts.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "unknown error"
	}
	return s
}
