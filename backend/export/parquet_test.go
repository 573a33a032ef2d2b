package export

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// TestParquetExport: a Parquet export holds every event of the view, in
// its order, every field as the cache holds it (hostile text, Japanese,
// details as JSON, no workspace as null), in typed columns (the time a
// UTC-adjusted millisecond TIMESTAMP, the low-cardinality columns
// dictionary-encoded, zstd everywhere, row groups with time statistics),
// and the manifest's facts in its key-value metadata; verify-export checks
// it, and a changed byte fails.
func TestParquetExport(t *testing.T) {
	evs := append(simEvents(t, 3000), hostileEvents()...)
	ix := buildIndex(t, evs)
	res := result(t, ix, audit.Filter{}, audit.DefaultSort)
	path := filepath.Join(t.TempDir(), "events.parquet")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	m, err := Write(context.Background(), request(path, res, tokyo)) // the zone is ignored: Parquet is UTC
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != Parquet || m.Rows != len(evs) || m.TimeZone != "UTC" || !slices.Equal(m.Columns, parquetColumns) {
		t.Fatalf("manifest %s %d rows, zone %s, columns %v", m.Format, m.Rows, m.TimeZone, m.Columns)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want owner-only", fi.Mode())
	}

	// Every row as the view has it.
	want := mustRows(t, res)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := parquet.Read[parquetRow](f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if got := newParquetRow(&want[i]); !sameParquetRow(r, got) {
			t.Fatalf("row %d = %+v, want %+v", i, r, got)
		}
	}

	// The types, encodings, codecs and row groups an engine relies on.
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	ts, ok := pf.Schema().Lookup("timestamp")
	if !ok {
		t.Fatal("no timestamp column")
	}
	lt := ts.Node.Type().LogicalType()
	if lt == nil || lt.String() != "TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)" {
		t.Errorf("timestamp's logical type %v, want a UTC-adjusted millisecond TIMESTAMP", lt)
	}
	meta := pf.Metadata()
	for _, rg := range meta.RowGroups {
		if rg.NumRows > parquetRowGroup {
			t.Errorf("a row group of %d rows", rg.NumRows)
		}
		for _, c := range rg.Columns {
			name := strings.Join(c.MetaData.PathInSchema, ".")
			if c.MetaData.Codec != format.Zstd {
				t.Errorf("%s is %v, want zstd", name, c.MetaData.Codec)
			}
			dict := slices.Contains(c.MetaData.Encoding, format.RLEDictionary)
			if low := slices.Contains([]string{"user", "scope", "category", "action", "status"}, name); low && !dict {
				t.Errorf("%s is not dictionary-encoded: %v", name, c.MetaData.Encoding)
			}
			if name == "timestamp" && (len(c.MetaData.Statistics.MinValue) == 0 || len(c.MetaData.Statistics.MaxValue) == 0) {
				t.Error("the timestamp column has no min and max: engines cannot skip by time")
			}
		}
	}
	var facts struct {
		MerkleRoot string `json:"merkleRoot"`
		Rows       int    `json:"rows"`
		Profile    Profile
	}
	kv, _ := pf.Lookup(ParquetMetadataKey)
	if err := json.Unmarshal([]byte(kv), &facts); err != nil || facts.MerkleRoot != m.MerkleRoot || facts.Rows != m.Rows || facts.Profile.User != "owner@example.com" {
		t.Errorf("key-value metadata %q: %+v, %v", kv, facts, err)
	}

	c, err := VerifyFile(context.Background(), path)
	if err != nil || !c.RowsOK || !c.SHA256OK || c.Problem != "" {
		t.Fatalf("verify: %+v, %v", c, err)
	}
	b, _ := os.ReadFile(path)
	b[len(b)/3] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := VerifyFile(context.Background(), path); err == nil && c.RowsOK && c.SHA256OK {
		t.Error("a changed byte still verifies")
	}
}

func sameParquetRow(a, b parquetRow) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.ID == b.ID && a.Timestamp == b.Timestamp && a.User == b.User && a.Scope == b.Scope && a.Category == b.Category &&
		a.Action == b.Action && a.Target == b.Target && a.Status == b.Status && a.Description == b.Description &&
		a.SourceIP == b.SourceIP && eq(a.WorkspaceID, b.WorkspaceID) && eq(a.WorkspaceName, b.WorkspaceName) && eq(a.Details, b.Details)
}

// mustRows reads every row of res.
func mustRows(t *testing.T, res interface {
	Rows(int, int) ([]audit.Event, error)
},
) []audit.Event {
	t.Helper()
	var out []audit.Event
	for off := 0; ; off += 1000 {
		evs, err := res.Rows(off, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		out = append(out, evs...)
	}
}
