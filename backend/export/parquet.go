package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Parquet is the format data engines read as it is (DuckDB, Spark, Trino,
// BigQuery, Athena): typed columns, the low-cardinality ones
// dictionary-encoded, every column zstd-compressed, row groups of
// parquetRowGroup rows with statistics, so that an engine skips by time.
const Parquet Format = "parquet"

// parquetRow is a row of a Parquet export. The timestamp is a TIMESTAMP
// in milliseconds, adjusted to UTC (an engine reads it as a time with a
// zone); the workspace and the details are null for an event without
// them, the details a JSON string, byte for byte as the cache holds them.
type parquetRow struct {
	ID            string  `parquet:"id"`
	Timestamp     int64   `parquet:"timestamp,timestamp(millisecond:utc),delta"`
	User          string  `parquet:"user,dict"`
	Scope         string  `parquet:"scope,dict"`
	Category      string  `parquet:"category,dict"`
	Action        string  `parquet:"action,dict"`
	Target        string  `parquet:"target"`
	Status        string  `parquet:"status,dict"`
	Description   string  `parquet:"description"`
	WorkspaceID   *string `parquet:"workspace_id,optional,dict"`
	WorkspaceName *string `parquet:"workspace_name,optional,dict"`
	SourceIP      string  `parquet:"source_ip,dict"`
	Details       *string `parquet:"details,optional,json"`
}

// parquetColumns are a Parquet export's columns, in the file's order.
var parquetColumns = []string{"id", "timestamp", "user", "scope", "category", "action", "target", "status", "description", "workspace_id", "workspace_name", "source_ip", "details"}

// parquetRowGroup is how many rows a row group holds: about 128k, so a
// million rows make eight, each with its time range in its statistics.
const parquetRowGroup = 128 * 1024

// ParquetMetadataKey is the key of the file's key-value metadata that holds
// the manifest's facts (all but the file's own SHA-256, which cannot be
// inside it: the manifest beside the file has it).
const ParquetMetadataKey = "auditdesk.manifest"

// parquetLeaf is a row's Merkle leaf cells, the CSV's columns in their
// order with the time in UTC: a Parquet export of a view has the Merkle
// root of its CSV export in UTC.
func parquetLeaf(r *parquetRow, out *[nText + 1]string) {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	*out = [nText + 1]string{
		timestampText(time.UnixMilli(r.Timestamp), time.UTC), r.User, r.Scope, r.Category, r.Action, r.Target, r.Status,
		r.Description, str(r.WorkspaceName), r.ID, r.SourceIP, str(r.WorkspaceID), str(r.Details),
	}
}

func newParquetRow(e *audit.Event) parquetRow {
	r := parquetRow{
		ID: e.ID, Timestamp: e.Time.UnixMilli(), User: e.User, Scope: string(e.Scope), Category: e.Category,
		Action: e.Action, Target: e.Target, Status: string(e.Status), Description: e.Description, SourceIP: e.SourceIP,
	}
	if w := e.Workspace; w != nil {
		id, name := w.ID, w.Name
		r.WorkspaceID, r.WorkspaceName = &id, &name
	}
	if e.Details != nil {
		d := string(e.Details)
		r.Details = &d
	}
	return r
}

type parquetWindow struct {
	rows []parquetRow
	tree merkle
}

// writeParquet writes the rows to out, then the manifest's facts in the
// file's key-value metadata.
func writeParquet(j *job, out io.Writer) error {
	w := parquet.NewGenericWriter[parquetRow](out,
		parquet.MaxRowsPerRowGroup(parquetRowGroup),
		parquet.DataPageStatistics(true),
		parquet.CreatedBy("AuditDesk", j.req.Facts.AppVersion, ""),
		// zstd at its fastest level: a fifth of the default's time here, and
		// the file a few percent larger.
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedFastest}),
	)
	err := eachWindow(j, func(_ int, evs []audit.Event) *parquetWindow {
		pw := &parquetWindow{rows: make([]parquetRow, len(evs))}
		var leaf [nText + 1]string
		for i := range evs {
			pw.rows[i] = newParquetRow(&evs[i])
			parquetLeaf(&pw.rows[i], &leaf)
			pw.tree.addRow(leaf[:])
		}
		return pw
	}, func(pw *parquetWindow) error {
		j.tree.append(&pw.tree)
		_, err := w.Write(pw.rows)
		return err
	})
	if err != nil {
		return err
	}
	facts, err := json.Marshal(struct {
		Facts
		Rows       int       `json:"rows"`
		TimeZone   string    `json:"timeZone"`
		Columns    []string  `json:"columns"`
		MerkleRoot string    `json:"merkleRoot"`
		ExportedAt time.Time `json:"exportedAt"`
	}{j.req.Facts, j.req.Total, "UTC", parquetColumns, j.tree.root(), j.now})
	if err != nil {
		return err
	}
	w.SetKeyValueMetadata(ParquetMetadataKey, string(facts))
	return w.Close()
}

// readParquetRows reads a Parquet export's rows and gives fn each row's
// leaf cells; it returns the file's columns.
func readParquetRows(path string, fn func([]string) error) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("not a Parquet file: %w", err)
	}
	var cols []string
	for _, c := range pf.Schema().Fields() {
		cols = append(cols, c.Name())
	}
	r := parquet.NewGenericReader[parquetRow](f)
	defer func() { _ = r.Close() }()
	buf := make([]parquetRow, 1024)
	var leaf [nText + 1]string
	for {
		n, err := r.Read(buf)
		for i := range n {
			parquetLeaf(&buf[i], &leaf)
			if ferr := fn(leaf[:]); ferr != nil {
				return cols, ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return cols, nil
		}
		if err != nil {
			return cols, err
		}
	}
}
