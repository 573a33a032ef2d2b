package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// Preferences is the service of the window's display settings and its
// saved views.
type Preferences struct{ *core }

// Display is the window's display settings.
type Display struct {
	// TimeZone: an IANA name, UTC or Local.
	TimeZone string            `json:"timeZone"`
	Theme    Theme             `json:"theme"`
	Density  Density           `json:"density"`
	Columns  []settings.Column `json:"columns"`
	// RestoreLast: the window opens on the filter and sort it showed last
	// (Last, which SetLast saves; Set does not change it).
	RestoreLast bool               `json:"restoreLast"`
	Last        *settings.LastView `json:"last"`
}

// timePresets are the relative time ranges a LastView may name.
var timePresets = []string{"", "all", "custom", "24h", "7d", "30d", "12m", "thisMonth", "lastMonth", "lastQuarter", "thisYear", "lastYear", "lastFiscalYear"}

// Theme is the window's colours: the system's, light or dark.
type Theme string

// Density is the table's row height.
type Density string

// The themes and densities, the default first.
const (
	ThemeSystem        Theme   = "system"
	ThemeLight         Theme   = "light"
	ThemeDark          Theme   = "dark"
	DensityComfortable Density = "comfortable"
	DensityCompact     Density = "compact"
)

var (
	themes    = []Theme{ThemeSystem, ThemeLight, ThemeDark}
	densities = []Density{DensityComfortable, DensityCompact}
)

// Get returns the saved display settings, defaults filled in.
func (x *Preferences) Get() (Display, error) {
	p := x.store.Prefs()
	out := Display{
		TimeZone: p.TimeZone, Theme: Theme(p.Theme), Density: Density(p.Density), Columns: p.Columns,
		RestoreLast: !p.ForgetLast, Last: p.Last,
	}
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

// Set checks and saves the display settings; a bad value is an
// invalid_input error naming it, and nothing is saved.
func (x *Preferences) Set(p Display) (Display, error) {
	if _, err := audit.LoadZone(p.TimeZone); err != nil {
		return Display{}, Invalid(err.Error())
	}
	if !slices.Contains(themes, p.Theme) {
		return Display{}, Invalid(fmt.Sprintf("theme %q is not one of %s", p.Theme, joinEnum(themes)))
	}
	if !slices.Contains(densities, p.Density) {
		return Display{}, Invalid(fmt.Sprintf("density %q is not one of %s", p.Density, joinEnum(densities)))
	}
	cols, err := checkColumns(p.Columns)
	if err != nil {
		return Display{}, err
	}
	if err := x.store.Update(func(s *settings.Prefs) {
		s.TimeZone, s.Theme, s.Density, s.Columns = p.TimeZone, string(p.Theme), string(p.Density), cols
		if s.ForgetLast = !p.RestoreLast; s.ForgetLast {
			s.Last = nil
		}
	}); err != nil {
		return Display{}, err
	}
	return x.Get()
}

// SetLast saves the filter and sort the window shows now, for its next
// launch (nothing when RestoreLast is off). A bad filter, sort or preset
// is an invalid_input error naming it, and nothing is saved.
func (x *Preferences) SetLast(v settings.LastView) error {
	if _, _, err := v.Filter.Parse(); err != nil {
		return Invalid(err.Error())
	}
	if v.Sort != "" && !slices.Contains(audit.SortFields, v.Sort) {
		return Invalid(fmt.Sprintf("sort: %q is not a column", v.Sort))
	}
	if !slices.Contains(timePresets, v.Preset) {
		return Invalid(fmt.Sprintf("preset: %q is not a time range", v.Preset))
	}
	return x.store.Update(func(s *settings.Prefs) {
		if !s.ForgetLast {
			s.Last = &v
		}
	})
}

// columnKeys are the table's columns, as the UI names them.
var columnKeys = []string{"timestamp", "user", "scope", "category", "action", "target", "status", "tags", "description", "workspace", "id", "source_ip"}

func joinEnum[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

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
func (x *Preferences) Views() ([]View, error) {
	out := make([]View, 0, len(builtInViews)+len(x.store.Prefs().Views))
	for _, v := range builtInViews {
		v.BuiltIn = true
		v.Query.Sort, v.Query.Desc = audit.SortTimestamp, true
		v.Columns = []settings.Column{}
		v.Query.Filter = wholeFilter(v.Query.Filter)
		out = append(out, v)
	}
	saved := slices.Clone(x.store.Prefs().Views)
	slices.SortFunc(saved, func(x, y settings.View) int { return strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)) })
	for _, v := range saved {
		cols := v.Columns
		if cols == nil {
			cols = []settings.Column{}
		}
		out = append(out, View{Name: v.Name, Query: QueryRequest{Filter: wholeFilter(v.Filter), Sort: v.Sort, Desc: v.Desc}, Columns: cols})
	}
	return out, nil
}

// SaveView names the view (replacing a saved one of that name) and
// returns the list.
func (x *Preferences) SaveView(v View) ([]View, error) {
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
	if err := x.store.Update(func(p *settings.Prefs) {
		views := slices.DeleteFunc(slices.Clone(p.Views), func(x settings.View) bool { return strings.EqualFold(x.Name, name) })
		p.Views = append(views, sv)
	}); err != nil {
		return nil, err
	}
	return x.Views()
}

// DeleteView removes a saved view.
func (x *Preferences) DeleteView(name string) ([]View, error) {
	found := false
	if err := x.store.Update(func(p *settings.Prefs) {
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
	return x.Views()
}

// wholeFilter is f with its lists never nil, as the wire sends them.
func wholeFilter(f audit.FilterText) audit.FilterText {
	for _, l := range []*[]string{&f.Categories, &f.Actions, &f.Users, &f.Targets} {
		if *l == nil {
			*l = []string{}
		}
	}
	return f
}
