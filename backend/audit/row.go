package audit

import "time"

// Row is an event as every table shows it: the window's, the command
// line's and its --json, and the exports' columns all take their values
// from here, so they never disagree.
type Row struct {
	ID string `json:"id"`
	// Timestamp is YYYY-MM-DD HH:mm:ss in the zone asked; Time is the
	// instant, RFC 3339 in UTC with milliseconds.
	Timestamp   string `json:"timestamp"`
	Time        string `json:"time"`
	User        string `json:"user"`
	Scope       string `json:"scope"`
	Category    string `json:"category"`
	Action      string `json:"action"`
	Target      string `json:"target"`
	Status      string `json:"status"`
	Description string `json:"description"`
	// Workspace is its name, else its id when it has no name; "" for none.
	Workspace   string `json:"workspace"`
	WorkspaceID string `json:"workspaceId"`
	// SourceIP is the address the event came from, as served; "" for none.
	SourceIP string `json:"source_ip"`
}

// TimeLayout is Row.Time's: RFC 3339 in UTC with milliseconds, as the API
// gives timestamps.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// NewRow is e's row with its Timestamp in loc. A nil loc leaves Timestamp
// and Time empty, for writers that format the instant themselves (the
// exports keep its milliseconds).
func NewRow(e *Event, loc *time.Location) Row {
	r := Row{
		ID:          e.ID,
		User:        e.User,
		Scope:       string(e.Scope),
		Category:    e.Category,
		Action:      e.Action,
		Target:      e.Target,
		Status:      string(e.Status),
		Description: e.Description,
		SourceIP:    e.SourceIP,
	}
	if loc != nil {
		r.Timestamp = e.Time.In(loc).Format(time.DateTime)
		r.Time = e.Time.UTC().Format(TimeLayout)
	}
	if w := e.Workspace; w != nil {
		r.Workspace, r.WorkspaceID = w.Name, w.ID
		if r.Workspace == "" {
			r.Workspace = w.ID
		}
	}
	return r
}
