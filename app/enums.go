package app

import (
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
)

// The enums the frontend shares with Go, given to Wails' EnumBind so the
// TypeScript bindings carry the same values and the frontend uses the
// generated types, never a copy of them.

// enum is one Go enum as Wails' EnumBind reads it.
type enum[T any] []struct {
	Value  T
	TSName string
}

// enumOf names each value after itself, title-cased ("timestamp" is
// Timestamp), unless names says otherwise.
func enumOf[T ~string](vs []T, names map[T]string) enum[T] {
	out := make(enum[T], len(vs))
	for i, v := range vs {
		out[i].Value, out[i].TSName = v, names[v]
		if out[i].TSName == "" {
			out[i].TSName = strings.ToUpper(string(v[:1])) + string(v[1:])
		}
	}
	return out
}

// The enums, each in its domain's order.
var (
	AllScopes   = enumOf(audit.Scopes, nil)
	AllStatuses = enumOf(audit.Statuses, nil)
	AllRoles    = enumOf(audit.Roles, nil)
	// AllErrorCodes are the UI error codes.
	AllErrorCodes = enumOf(errorCodes, map[ErrorCode]string{
		CodeInvalidInput: "InvalidInput", CodeTokenNeeded: "TokenNeeded", CodeAuth: "Unauthenticated",
		CodeCacheLocked: "CacheLocked", CodeQueryGone: "QueryGone", CodeNoProfile: "NoProfile",
	})
	AllSortFields    = enumOf(audit.SortFields, map[audit.SortField]string{audit.SortID: "ID", audit.SortSourceIP: "SourceIP"})
	AllValueFields   = enumOf(valueFields, nil)
	AllGroupFields   = enumOf(query.GroupFields, nil)
	AllThemes        = enumOf(themes, nil)
	AllDensities     = enumOf(densities, nil)
	AllExportFormats = enumOf([]ExportFormat{FormatCSV, FormatXLSX}, map[ExportFormat]string{FormatCSV: "CSV", FormatXLSX: "XLSX"})
)

// errorCodes are every ErrorCode, for the frontend.
var errorCodes = []ErrorCode{
	CodeInternal, CodeNoProfile, CodeInvalidInput, CodeBusy, CodeCancelled, CodeTokenNeeded,
	CodeAuth, CodeForbidden, CodeOffline, CodeCacheLocked, CodeQueryGone,
}

// Enums lists everything for options.App.EnumBind.
func Enums() []any {
	return []any{AllScopes, AllStatuses, AllRoles, AllErrorCodes, AllSortFields, AllValueFields, AllGroupFields, AllThemes, AllDensities, AllExportFormats}
}
