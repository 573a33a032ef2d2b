package duckdbtest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/export"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/simulator"
)

var now = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

// TestDuckDBReadsTheParquetExport: DuckDB reads an export of simulator
// events (details included) and of edge cases (Japanese, no workspace, no
// details, empty details, a target that is a formula) row for row as the
// view holds them, the timestamp as TIMESTAMP WITH TIME ZONE.
func TestDuckDBReadsTheParquetExport(t *testing.T) {
	sim, err := simulator.New(simulator.Config{Events: 3000, Seed: 21, Rich: true, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	evs := make([]audit.Event, sim.Len())
	for i := range evs {
		evs[i] = sim.EventAt(i)
	}
	t0 := now.Add(-time.Hour)
	evs = append(evs,
		audit.Event{ID: "edge-1", Time: t0.Add(123 * time.Millisecond), User: "田中@example.jp", Scope: audit.ScopeService, Category: "AI Notebook",
			Action: "Stop Notebook", Target: "ノートブック-01", Status: audit.StatusSuccess, Description: "停止しました 🚀", Details: []byte(`{"名前":"x","n":1.50}`)},
		audit.Event{ID: "edge-2", Time: t0, User: "a@example.com", Scope: audit.ScopeBilling, Category: "Payment", Action: "Pay",
			Target: "=HYPERLINK(\"x\")", Status: audit.StatusFailed, Description: "line1\nline2", Details: []byte{}},
		audit.Event{ID: "edge-3", Time: t0, User: "b@example.com", Scope: audit.ScopeWorkspace, Category: "Member", Action: "Invite",
			Target: "c@example.com", Status: audit.StatusSuccess, Description: "", Workspace: &audit.Ref{ID: "ws-9", Name: ""}},
	)
	ix, err := query.Build(context.Background(), query.Events(evs))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Query(audit.Filter{}, audit.DefaultSort, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "events.parquet")
	if _, err := export.Write(context.Background(), export.Request{
		Path: path, Source: res, Total: res.Total, Now: func() time.Time { return now },
		Facts: export.Facts{Sort: audit.DefaultSort, AppVersion: "test"},
	}); err != nil {
		t.Fatal(err)
	}
	want, err := res.Rows(0, res.Total)
	if err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.Exec("SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}

	types := map[string]string{}
	rows, err := db.Query("DESCRIBE SELECT * FROM read_parquet(?)", path)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			t.Fatal(err)
		}
		types[name] = typ
	}
	_ = rows.Close()
	if types["timestamp"] != "TIMESTAMP WITH TIME ZONE" || types["id"] != "VARCHAR" || types["user"] != "VARCHAR" {
		t.Fatalf("DuckDB's types %v", types)
	}

	rows, err = db.Query(`SELECT id, epoch_ms(timestamp), "user", scope, category, action, target, status, description,
		workspace_id, workspace_name, source_ip, CAST(details AS VARCHAR) FROM read_parquet(?)`, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	i := 0
	for ; rows.Next(); i++ {
		var id, user, scope, cat, act, target, status, desc, ip string
		var ms int64
		var wsID, wsName, details sql.NullString
		if err := rows.Scan(&id, &ms, &user, &scope, &cat, &act, &target, &status, &desc, &wsID, &wsName, &ip, &details); err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("DuckDB reads more than the %d rows", len(want))
		}
		e := want[i]
		same := id == e.ID && ms == e.Time.UnixMilli() && user == e.User && scope == string(e.Scope) && cat == e.Category &&
			act == e.Action && target == e.Target && status == string(e.Status) && desc == e.Description && ip == e.SourceIP &&
			wsID.Valid == (e.Workspace != nil) && details.Valid == (e.Details != nil)
		if same && e.Workspace != nil {
			same = wsID.String == e.Workspace.ID && wsName.String == e.Workspace.Name
		}
		if same && e.Details != nil {
			same = details.String == string(e.Details)
		}
		if !same {
			t.Fatalf("row %d: DuckDB reads %q %d %q %q %q %q %q %q %q %v %v %q %v;\nthe view holds %+v", i, id, ms, user, scope, cat, act, target, status, desc, wsID, wsName, ip, details, e)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(want) {
		t.Fatalf("DuckDB reads %d rows, the view holds %d", i, len(want))
	}
}
