package audit

import (
	"testing"
	"time"
)

func TestNewRowIsTheOneProjection(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	e := Event{
		ID: "evt_1", Time: time.Date(2026, 11, 5, 23, 3, 4, 5_000_000, time.UTC), User: "alice@example.com",
		Scope: ScopeWorkspace, Category: "GPU Quota", Action: "Approve", Target: "ws-9", Status: StatusFailed,
		Description: "approved", Workspace: &Ref{ID: "ws_9"},
	}
	want := Row{
		ID: "evt_1", Timestamp: "2026-11-06 08:03:04", Time: "2026-11-05T23:03:04.005Z", User: "alice@example.com",
		Scope: "Workspace", Category: "GPU Quota", Action: "Approve", Target: "ws-9", Status: "FAILED",
		Description: "approved", Workspace: "ws_9", WorkspaceID: "ws_9",
	}
	if got := NewRow(&e, tokyo); got != want {
		t.Errorf("NewRow =\n %+v\nwant\n %+v\n(a workspace without a name shows its id)", got, want)
	}
	e.Workspace.Name = "Research"
	if got := NewRow(&e, time.UTC); got.Workspace != "Research" || got.WorkspaceID != "ws_9" || got.Timestamp != "2026-11-05 23:03:04" {
		t.Errorf("NewRow in UTC with a named workspace: %+v", got)
	}
	e.Workspace = nil
	if got := NewRow(&e, nil); got.Timestamp != "" || got.Time != "" || got.Workspace != "" || got.WorkspaceID != "" || got.User != e.User {
		t.Errorf("NewRow without a zone or workspace: %+v", got)
	}
}
