package app

import "github.com/auditdesk/auditdesk/backend/audit"

// The enums the frontend shares with Go, given to Wails' EnumBind so the
// TypeScript bindings carry the same values.

// AllScopes are the scopes as a TypeScript enum.
var AllScopes = []struct {
	Value  audit.Scope
	TSName string
}{
	{audit.ScopeOrganization, "Organization"},
	{audit.ScopeBilling, "Billing"},
	{audit.ScopeWorkspace, "Workspace"},
	{audit.ScopeService, "Service"},
}

// AllStatuses are the statuses as a TypeScript enum.
var AllStatuses = []struct {
	Value  audit.Status
	TSName string
}{
	{audit.StatusSuccess, "SUCCESS"},
	{audit.StatusFailed, "FAILED"},
}

// AllRoles are the roles as a TypeScript enum.
var AllRoles = []struct {
	Value  audit.Role
	TSName string
}{
	{audit.RoleOrganizationOwner, "ORGANIZATION_OWNER"},
	{audit.RoleWorkspaceAdmin, "WORKSPACE_ADMIN"},
	{audit.RoleWorkspaceMember, "WORKSPACE_MEMBER"},
}

// AllErrorCodes are the UI error codes as a TypeScript enum.
var AllErrorCodes = []struct {
	Value  ErrorCode
	TSName string
}{
	{CodeInternal, "Internal"},
	{CodeNoProfile, "NoProfile"},
	{CodeInvalidInput, "InvalidInput"},
	{CodeBusy, "Busy"},
	{CodeCancelled, "Cancelled"},
	{CodeTokenNeeded, "TokenNeeded"},
	{CodeAuth, "Unauthenticated"},
	{CodeForbidden, "Forbidden"},
	{CodeOffline, "Offline"},
	{CodeCacheLocked, "CacheLocked"},
	{CodeQueryGone, "QueryGone"},
}

// Enums lists everything for options.App.EnumBind.
func Enums() []any {
	return []any{AllScopes, AllStatuses, AllRoles, AllErrorCodes}
}
