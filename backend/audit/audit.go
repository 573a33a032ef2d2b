// Package audit holds the domain of AuditDesk: the platform's audit events,
// their scopes, statuses and roles. Standard library only; every other
// package may import it and it imports none of them.
package audit

// Scope is the top-level area of the platform an event belongs to.
type Scope string

// The scopes the platform's console shows.
const (
	ScopeOrganization Scope = "Organization"
	ScopeBilling      Scope = "Billing"
	ScopeWorkspace    Scope = "Workspace"
	ScopeService      Scope = "Service"
)

// Scopes lists every scope in the console's order.
var Scopes = []Scope{ScopeOrganization, ScopeBilling, ScopeWorkspace, ScopeService}

// Valid reports whether s is one of the known scopes.
func (s Scope) Valid() bool {
	for _, k := range Scopes {
		if s == k {
			return true
		}
	}
	return false
}

// KnownCategories are the categories the platform's guide names per scope.
// The API's set is open, so the window lists these plus whatever the cache
// holds; these alone are never used to reject an event.
var KnownCategories = map[Scope][]string{
	ScopeOrganization: {"Member", "Policy", "Workspace"},
	ScopeBilling:      {"Wallet", "Voucher", "Payment", "Plan"},
	ScopeWorkspace:    {"Member", "Settings", "GPU Quota"},
	ScopeService:      {"AI Notebook", "GPU Container", "AI Inference"},
}

// Status is the outcome of an audited action.
type Status string

// The two outcomes the API serves.
const (
	StatusSuccess Status = "SUCCESS"
	StatusFailed  Status = "FAILED"
)

// Statuses lists every status.
var Statuses = []Status{StatusSuccess, StatusFailed}

// Role is what a token's owner may read.
type Role string

// The roles GET /v1/me reports.
const (
	RoleOrganizationOwner Role = "ORGANIZATION_OWNER"
	RoleWorkspaceAdmin    Role = "WORKSPACE_ADMIN"
	RoleWorkspaceMember   Role = "WORKSPACE_MEMBER"
)

// Roles lists every role.
var Roles = []Role{RoleOrganizationOwner, RoleWorkspaceAdmin, RoleWorkspaceMember}
