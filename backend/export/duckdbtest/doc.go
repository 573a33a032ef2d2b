// Package duckdbtest checks AuditDesk's Parquet export with a real third
// party reader, DuckDB (github.com/duckdb/duckdb-go/v2). It is a module of
// its own: DuckDB needs CGO and a large library, which stay out of the
// app's binary and out of `go test ./...` of the main module; `make test`
// runs it (the Makefile's gotest).
package duckdbtest
