package audit

import (
	"errors"
	"fmt"
	"time"
)

// Ref names a resource: an organization or a workspace.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Event is one audit event as the platform serves it.
//
// Every field but Workspace, SourceIP and Details is required by the API.
// Scope and Status outside the known sets are kept as served: the cache is
// an auditor's copy and must not drop what the platform recorded; the UI
// shows such values as they are.
type Event struct {
	ID          string
	Time        time.Time // UTC; the API gives milliseconds
	User        string    // an email, or "system"
	Scope       Scope
	Category    string
	Action      string
	Target      string // may be empty
	Status      Status
	Description string
	Workspace   *Ref   // nil for Organization- and Billing-scoped events
	SourceIP    string // optional
	Details     []byte // optional: the `details` JSON object, compact, as served
}

// ErrInvalidEvent is wrapped by Validate's errors.
var ErrInvalidEvent = errors.New("invalid event")

// Validate checks what the cache relies on: an id to dedupe by and a
// timestamp to order by. Other fields are kept as served.
func (e *Event) Validate() error {
	switch {
	case e.ID == "":
		return fmt.Errorf("%w: empty id", ErrInvalidEvent)
	case len(e.ID) > MaxIDLen:
		return fmt.Errorf("%w: id of %d bytes (at most %d)", ErrInvalidEvent, len(e.ID), MaxIDLen)
	case e.Time.IsZero():
		return fmt.Errorf("%w: event %s has no timestamp", ErrInvalidEvent, e.ID)
	}
	return nil
}

// MaxIDLen bounds an event id, so store keys stay small.
const MaxIDLen = 256

// Identity is who a token belongs to (GET /v1/me).
type Identity struct {
	User         string `json:"user"`
	Organization Ref    `json:"organization"`
	Role         Role   `json:"role"`
	Workspaces   []Ref  `json:"workspaces"`
}

// IngestionDelay is how long after its timestamp an event may first become
// visible on the platform; a sync re-reads this far back.
const IngestionDelay = 15 * time.Minute

// RetentionStart is how far back the platform still keeps events at t: it
// keeps them 12 months, then removes them.
func RetentionStart(t time.Time) time.Time { return t.AddDate(-1, 0, 0) }
