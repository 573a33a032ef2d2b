package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/store"
)

// Preferences are the window's display settings.
type Preferences struct {
	// TimeZone: an IANA name, UTC or Local.
	TimeZone string `json:"timeZone"`
	// Theme: light, dark or system.
	Theme string `json:"theme"`
	// Density: comfortable or compact.
	Density string            `json:"density"`
	Columns []settings.Column `json:"columns"`
}

var (
	themes    = []string{"system", "light", "dark"}
	densities = []string{"comfortable", "compact"}
)

// Preferences returns the saved display settings, defaults filled in.
func (a *App) Preferences() (Preferences, error) {
	p := a.store.Prefs()
	out := Preferences{TimeZone: p.TimeZone, Theme: p.Theme, Density: p.Density, Columns: p.Columns}
	if out.TimeZone == "" {
		out.TimeZone = "UTC"
	}
	if out.Theme == "" {
		out.Theme = themes[0]
	}
	if out.Density == "" {
		out.Density = densities[0]
	}
	if out.Columns == nil {
		out.Columns = []settings.Column{}
	}
	return out, nil
}

// SetPreferences checks and saves the display settings; a bad value is an
// invalid_input error naming it, and nothing is saved.
func (a *App) SetPreferences(p Preferences) (Preferences, error) {
	if _, err := audit.LoadZone(p.TimeZone); err != nil {
		return Preferences{}, Invalid(err.Error())
	}
	if !slices.Contains(themes, p.Theme) {
		return Preferences{}, Invalid(fmt.Sprintf("theme %q is not one of %s", p.Theme, strings.Join(themes, ", ")))
	}
	if !slices.Contains(densities, p.Density) {
		return Preferences{}, Invalid(fmt.Sprintf("density %q is not one of %s", p.Density, strings.Join(densities, ", ")))
	}
	cols, err := checkColumns(p.Columns)
	if err != nil {
		return Preferences{}, err
	}
	if err := a.store.Update(func(s *settings.Prefs) {
		s.TimeZone, s.Theme, s.Density, s.Columns = p.TimeZone, p.Theme, p.Density, cols
	}); err != nil {
		return Preferences{}, err
	}
	return a.Preferences()
}

// columnKeys are the table's columns, as the UI names them.
var columnKeys = []string{"timestamp", "user", "scope", "category", "action", "target", "status", "description", "workspace"}

func checkColumns(cols []settings.Column) ([]settings.Column, error) {
	seen := map[string]bool{}
	out := make([]settings.Column, 0, len(cols))
	for _, c := range cols {
		if !slices.Contains(columnKeys, c.Key) || seen[c.Key] {
			return nil, Invalid(fmt.Sprintf("columns: %q is not a column, or is there twice", c.Key))
		}
		if c.Width < 0 || c.Width > 2000 {
			return nil, Invalid(fmt.Sprintf("columns: %s is %d px wide; give 0 to 2000", c.Key, c.Width))
		}
		seen[c.Key] = true
		out = append(out, c)
	}
	return out, nil
}

// View is a named filter, sort and set of columns; built-in views cannot
// be changed or deleted.
type View struct {
	Name    string            `json:"name"`
	Query   QueryRequest      `json:"query"`
	Columns []settings.Column `json:"columns"`
	BuiltIn bool              `json:"builtIn"`
	// About says what the view is for (built-in views).
	About string `json:"about"`
}

// builtInViews are the audits the platform's guide names.
var builtInViews = []View{
	{
		Name: "Policy attachments", About: "Policies attached to and detached from members and workspaces",
		Query: QueryRequest{Filter: audit.FilterText{Scope: "Organization", Categories: []string{"Policy"}}},
	},
	{
		Name: "Workspace quota changes", About: "GPU quota requests, approvals and changes in workspaces",
		Query: QueryRequest{Filter: audit.FilterText{Scope: "Workspace", Categories: []string{"GPU Quota"}}},
	},
	{
		Name: "Failed actions", About: "Every action that failed, newest first",
		Query: QueryRequest{Filter: audit.FilterText{Status: "FAILED"}},
	},
	{
		Name: "Billing changes", About: "Credits, payments, plans and vouchers",
		Query: QueryRequest{Filter: audit.FilterText{Scope: "Billing"}},
	},
	{
		Name: "Member changes", About: "Members invited, removed and given other roles, in the organization and its workspaces",
		Query: QueryRequest{Filter: audit.FilterText{Categories: []string{"Member"}}},
	},
}

// Views lists the built-in views, then the saved ones by name.
func (a *App) Views() ([]View, error) {
	out := make([]View, 0, len(builtInViews)+len(a.store.Prefs().Views))
	for _, v := range builtInViews {
		v.BuiltIn = true
		v.Query.Sort, v.Query.Desc = audit.SortTimestamp, true
		v.Columns = []settings.Column{}
		out = append(out, v)
	}
	saved := slices.Clone(a.store.Prefs().Views)
	slices.SortFunc(saved, func(x, y settings.View) int { return strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)) })
	for _, v := range saved {
		cols := v.Columns
		if cols == nil {
			cols = []settings.Column{}
		}
		out = append(out, View{Name: v.Name, Query: QueryRequest{Filter: v.Filter, Sort: v.Sort, Desc: v.Desc}, Columns: cols})
	}
	return out, nil
}

// SaveView names the view (replacing a saved one of that name) and
// returns the list.
func (a *App) SaveView(v View) ([]View, error) {
	name := strings.TrimSpace(v.Name)
	switch {
	case name == "":
		return nil, Invalid("give the view a name")
	case len(name) > 80:
		return nil, Invalid("a view's name is at most 80 characters")
	}
	for _, b := range builtInViews {
		if strings.EqualFold(b.Name, name) {
			return nil, Invalid(fmt.Sprintf("%q is a built-in view; choose another name", b.Name))
		}
	}
	if _, _, _, err := parseQuery(v.Query); err != nil {
		return nil, err
	}
	cols, err := checkColumns(v.Columns)
	if err != nil {
		return nil, err
	}
	sv := settings.View{Name: name, Filter: v.Query.Filter, Sort: v.Query.Sort, Desc: v.Query.Desc, Columns: cols}
	if err := a.store.Update(func(p *settings.Prefs) {
		views := slices.DeleteFunc(slices.Clone(p.Views), func(x settings.View) bool { return strings.EqualFold(x.Name, name) })
		p.Views = append(views, sv)
	}); err != nil {
		return nil, err
	}
	return a.Views()
}

// DeleteView removes a saved view.
func (a *App) DeleteView(name string) ([]View, error) {
	found := false
	if err := a.store.Update(func(p *settings.Prefs) {
		p.Views = slices.DeleteFunc(slices.Clone(p.Views), func(x settings.View) bool {
			hit := strings.EqualFold(x.Name, strings.TrimSpace(name))
			found = found || hit
			return hit
		})
	}); err != nil {
		return nil, err
	}
	if !found {
		return nil, Invalid(fmt.Sprintf("there is no saved view %q", name))
	}
	return a.Views()
}

// Profiles lists every profile, most recently synced first.
func (a *App) Profiles() ([]Profile, error) {
	all, err := a.store.Profiles()
	if err != nil {
		return nil, err
	}
	out := make([]Profile, 0, len(all))
	for _, p := range all {
		out = append(out, *toProfile(p))
	}
	return out, nil
}

// SwitchProfile makes the named profile the one the window shows and
// returns its status; it reads only the local cache.
func (a *App) SwitchProfile(name string) (Status, error) {
	a.mu.Lock()
	busy := a.cancel != nil || a.cancelExport != nil
	a.mu.Unlock()
	if busy {
		return Status{}, ErrBusy
	}
	p, err := a.store.FindProfile(name)
	if err != nil {
		return Status{}, Invalid(err.Error())
	}
	if err := a.store.Update(func(pr *settings.Prefs) { pr.Profile = p.Name }); err != nil {
		return Status{}, err
	}
	return a.Status()
}

// EventDetail is every field of one event, for the details panel.
type EventDetail struct {
	Row
	SourceIP string `json:"sourceIp"`
	// Details is the event's details object pretty-printed, "" when none.
	Details string `json:"details"`
}

// Event returns row offset of a query's result with all its fields.
func (a *App) Event(queryID, offset int) (EventDetail, error) {
	h, ok := a.views.held(queryID)
	if !ok {
		return EventDetail{}, ErrQueryGone
	}
	evs := h.res.Rows(offset, 1)
	if len(evs) == 0 {
		return EventDetail{}, Invalid(fmt.Sprintf("the view has no row %d", offset))
	}
	e := evs[0]
	d := EventDetail{Row: toRow(e, h.loc), SourceIP: e.SourceIP}
	if len(e.Details) > 0 {
		var buf bytes.Buffer
		if json.Indent(&buf, e.Details, "", "  ") == nil {
			d.Details = buf.String()
		} else {
			d.Details = string(e.Details) // kept as served
		}
	}
	return d, nil
}

// Locate is the position of the event id in a query's result, -1 when the
// view does not hold it: the table keeps its selection across a refresh.
func (a *App) Locate(queryID int, id string) (int, error) {
	h, ok := a.views.held(queryID)
	if !ok {
		return -1, ErrQueryGone
	}
	return h.res.IndexOf(id), nil
}

// Values lists a column's values containing substring (user, action or
// category), most frequent first, at most limit (50 when 0): the
// type-ahead of the User and Action filters.
func (a *App) Values(field string, substring string, limit int) ([]FacetCount, error) {
	vf := query.ValueField(field)
	if vf != query.ValueUsers && vf != query.ValueActions && vf != query.ValueCategories {
		return nil, Invalid(fmt.Sprintf("values: %q is not user, action or category", field))
	}
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	p, err := a.current()
	if err != nil {
		return nil, err
	}
	ix, err := a.views.index(context.Background(), a, p)
	if err != nil {
		return nil, err
	}
	vals := ix.Values(vf, substring, limit)
	out := make([]FacetCount, len(vals))
	for i, v := range vals {
		out[i] = FacetCount{Value: v.Value, N: v.N}
	}
	return out, nil
}

// VerifyResult is the window's "Verify cache": store.Verify's report.
type VerifyResult struct {
	OK          bool     `json:"ok"`
	Events      int64    `json:"events"`
	Records     int64    `json:"records"`
	Head        string   `json:"head"`
	Altered     int      `json:"altered"`
	Added       int      `json:"added"`
	Removed     int      `json:"removed"`
	ChainBroken bool     `json:"chainBroken"`
	Problems    []string `json:"problems"` // one line each, at most 1,000
	Covered     []Bucket `json:"covered"`  // start and end, count 0
	Gaps        []Gap    `json:"gaps"`
}

// VerifyCache recomputes every event's hash and the chain of the current
// profile's cache, and gives its coverage and gaps.
func (a *App) VerifyCache() (VerifyResult, error) {
	p, err := a.current()
	if err != nil {
		return VerifyResult{}, err
	}
	cache, err := a.mgr.Cache(p)
	if err != nil {
		return VerifyResult{}, err
	}
	rep, err := cache.Verify(context.Background())
	if err != nil {
		return VerifyResult{}, err
	}
	covered, gaps, err := cache.Coverage()
	if err != nil {
		return VerifyResult{}, err
	}
	out := VerifyResult{
		OK: rep.OK(), Events: rep.Events, Records: rep.Records, Head: rep.HeadHex, Altered: rep.Altered,
		Added: rep.Added, Removed: rep.Removed, ChainBroken: rep.ChainBroken, Problems: make([]string, 0, len(rep.Problems)),
		Covered: spans(covered), Gaps: gapsOf(gaps, time.Now()),
	}
	for _, pr := range rep.Problems {
		line := pr.Kind + ": " + pr.Detail
		if pr.ID != "" {
			line = pr.Kind + " " + pr.ID + ": " + pr.Detail
		}
		out.Problems = append(out.Problems, line)
	}
	return out, nil
}

// Gap is a period no sync finished (store.Coverage); PastRetention says no
// sync can fill it any more (store.Interval.PastRetention).
type Gap struct {
	Start         string `json:"start"`
	End           string `json:"end"`
	PastRetention bool   `json:"pastRetention"`
}

func gapsOf(in []store.Interval, now time.Time) []Gap {
	out := make([]Gap, len(in))
	for i, iv := range in {
		out[i] = Gap{Start: rfc3339Milli(iv.Start), End: rfc3339Milli(iv.End), PastRetention: iv.PastRetention(now)}
	}
	return out
}

func spans(in []store.Interval) []Bucket {
	out := make([]Bucket, len(in))
	for i, iv := range in {
		out[i] = Bucket{Start: rfc3339Milli(iv.Start), End: rfc3339Milli(iv.End)}
	}
	return out
}
