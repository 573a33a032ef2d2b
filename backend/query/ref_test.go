package query

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// The reference: the product's contract written the obvious slow way, with
// no index, no codes and a fresh fold per comparison.

func refFold(s string) string { return cases.Fold().String(norm.NFKC.String(s)) }

func refMatch(f audit.Filter, e audit.Event) bool {
	if f.Scope != "" && e.Scope != f.Scope {
		return false
	}
	if len(f.Categories) > 0 && !slices.Contains(f.Categories, e.Category) {
		return false
	}
	if len(f.Actions) > 0 && !slices.Contains(f.Actions, e.Action) {
		return false
	}
	if f.Status != "" && e.Status != f.Status {
		return false
	}
	if len(f.Users) > 0 && !slices.Contains(f.Users, e.User) {
		return false
	}
	if len(f.Targets) > 0 && !slices.Contains(f.Targets, e.Target) {
		return false
	}
	if f.Workspace != "" && (e.Workspace == nil || e.Workspace.ID != f.Workspace) {
		return false
	}
	if !f.From.IsZero() && e.Time.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && !e.Time.Before(f.To) {
		return false
	}
	if strings.TrimSpace(f.Search) == "" {
		return true
	}
	if strings.TrimSpace(f.Search) == e.ID {
		return true
	}
	term := refFold(f.Search)
	for _, v := range []string{e.User, string(e.Scope), e.Category, e.Action, e.Target, e.Description, e.SourceIP} {
		if strings.Contains(refFold(v), term) {
			return true
		}
	}
	return false
}

func refKey(e audit.Event, field audit.SortField) string {
	switch field {
	case audit.SortUser:
		return e.User
	case audit.SortScope:
		return string(e.Scope)
	case audit.SortCategory:
		return e.Category
	case audit.SortAction:
		return e.Action
	case audit.SortTarget:
		return e.Target
	case audit.SortStatus:
		return string(e.Status)
	case audit.SortDescription:
		return e.Description
	case audit.SortID:
		return e.ID
	case audit.SortSourceIP:
		return e.SourceIP
	case audit.SortWorkspace:
		if e.Workspace == nil {
			return ""
		}
		return e.Workspace.Name
	}
	return ""
}

func refSort(evs []audit.Event, s audit.Sort) {
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		c := cmp.Or(strings.Compare(refKey(a, s.Field), refKey(b, s.Field)), a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
		if s.Desc {
			return c > 0
		}
		return c < 0
	})
}

// refQuery returns the matched events sorted, and the facets.
func refQuery(evs []audit.Event, f audit.Filter, s audit.Sort, topUsers int) ([]audit.Event, Facets) {
	var out []audit.Event
	scopes, cats, statuses, users := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	noScope, noCats := f, f
	noScope.Scope, noCats.Categories = "", nil
	for _, e := range evs {
		if refMatch(noScope, e) {
			scopes[string(e.Scope)]++
		}
		if refMatch(noCats, e) {
			cats[e.Category]++
		}
		if refMatch(f, e) {
			out = append(out, e)
			statuses[string(e.Status)]++
			users[e.User]++
		}
	}
	refSort(out, s)
	return out, Facets{
		Scopes: refCounts(scopes, 0), Categories: refCounts(cats, 0),
		Statuses: refCounts(statuses, 0), Users: refCounts(users, topUsers),
	}
}

func refCounts(m map[string]int, top int) []Count {
	out := []Count{}
	for v, n := range m {
		out = append(out, Count{v, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Value < out[j].Value
	})
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out
}
