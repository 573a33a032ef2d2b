package cli

import (
	"flag"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// filterArgs are the FILTERS of shared/cli.md, the same in query and export.
type filterArgs struct {
	search, scope, status, workspace, from, to, tz string
	categories, actions, users, targets, tags      multi
}

// addFilterFlags adds FILTERS to fs, --tag among them.
func addFilterFlags(fs *flag.FlagSet) *filterArgs {
	a := addFilters(fs)
	fs.Var(&a.tags, "tag", "a tag of your marks (repeatable: any of); see auditdesk mark")
	return a
}

// addFilters adds FILTERS but --tag, which mark and unmark take as the tag
// to set.
func addFilters(fs *flag.FlagSet) *filterArgs {
	a := &filterArgs{}
	fs.StringVar(&a.search, "search", "", "text to find (case-insensitive) in user, scope, category, action, target, description")
	fs.StringVar(&a.scope, "scope", "", "Organization, Billing, Workspace, Service, or another scope the cache holds")
	fs.Var(&a.categories, "category", "category (repeatable: any of)")
	fs.Var(&a.actions, "action", "action (repeatable: any of)")
	fs.StringVar(&a.status, "status", "", "SUCCESS, FAILED, or another status the cache holds")
	fs.Var(&a.users, "user", "user email (repeatable: any of)")
	fs.Var(&a.targets, "target", "target, the whole of it as the table shows it (repeatable: any of)")
	fs.StringVar(&a.workspace, "workspace", "", "workspace id")
	fs.StringVar(&a.from, "from", "", "from this time, inclusive (RFC 3339 or YYYY-MM-DD)")
	fs.StringVar(&a.to, "to", "", "to this time, exclusive (RFC 3339 or YYYY-MM-DD)")
	fs.StringVar(&a.tz, "tz", "", "time zone of dates and of printed times (IANA name, UTC or Local); default UTC")
	return a
}

// filter builds and validates the filter, through the same audit.FilterText
// as the window's filter bar; errors name the flag.
func (a *filterArgs) filter() (audit.Filter, *time.Location, error) {
	return audit.FilterText{
		Search:     a.search,
		Scope:      a.scope,
		Categories: a.categories,
		Actions:    a.actions,
		Status:     a.status,
		Users:      a.users,
		Targets:    a.targets,
		Workspace:  a.workspace,
		From:       a.from,
		To:         a.to,
		TimeZone:   a.tz,
		Tags:       a.tags,
	}.Parse()
}

// view is the filter and the sort of query and export; errors name the flag.
func (a *filterArgs) view(sortFlag string) (audit.Filter, *time.Location, audit.Sort, error) {
	f, loc, err := a.filter()
	if err != nil {
		return f, nil, audit.Sort{}, err
	}
	s, err := audit.ParseSort(sortFlag)
	return f, loc, s, err
}
