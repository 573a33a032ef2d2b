package app

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// nullField finds a JSON field sent as null.
var nullField = regexp.MustCompile(`"(\w+)":null`)

// wireNulls is every field of v's JSON that is null, but for those allowed.
func wireNulls(t *testing.T, v any, allowed ...string) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
next:
	for _, m := range nullField.FindAllStringSubmatch(string(b), -1) {
		for _, a := range allowed {
			if m[1] == a {
				continue next
			}
		}
		out = append(out, m[1])
	}
	return out
}

// The frontend reads every service's answer as its generated TypeScript
// interface, without normalising: Go never sends a list as null, in any
// state (no profile yet, an empty view, a profile with events).
func TestTheWireNeverSendsANullList(t *testing.T) {
	a, _ := demoApp(t, DemoOptions{Events: 800})
	check := func(name string, v any, err error, allowed ...string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if nulls := wireNulls(t, v, allowed...); len(nulls) > 0 {
			t.Errorf("%s sends %v as null", name, nulls)
		}
	}
	st, err := a.Profiles.Status()
	check("Status with no profile", st, err, "profile")
	prefs, err := a.Preferences.Get()
	check("Preferences", prefs, err, "last") // none kept yet: an object, not a list
	views, err := a.Preferences.Views()
	check("Views", views, err)
	scopes, err := a.Query.Scopes()
	check("Scopes", scopes, err)
	list, err := a.Profiles.List()
	check("Profiles with none", list, err)

	st, err = a.Sync.OpenDemo()
	check("Status after a sync", st, err)
	saved, err := a.Preferences.SaveView(View{Name: "mine", Query: QueryRequest{Filter: audit.FilterText{Search: "x"}}})
	check("SaveView", saved, err)
	list, err = a.Profiles.List()
	check("Profiles", list, err)
	none, err := a.Query.Run(QueryRequest{Filter: audit.FilterText{Search: "no such text anywhere"}})
	check("an empty view", none, err)
	rows, err := a.Query.Rows(none.ID, 0, 100)
	check("Rows of an empty view", rows, err)
	all, err := a.Query.Run(QueryRequest{})
	check("every event", all, err)
	rows, err = a.Query.Rows(all.ID, 0, 100)
	check("Rows", rows, err)
	ev, err := a.Query.Event(all.ID, 0)
	check("Event", ev, err)
	vals, err := a.Query.Values(audit.FilterText{}, AllValueFields[0].Value, "no such user", 10)
	check("Values with no match", vals, err)
	v, err := a.Profiles.Verify()
	check("Verify", v, err)
	act, err := a.Profiles.Activity()
	check("Activity with no export", act, err)
	tags, err := a.Marks.Tags()
	check("Tags with no mark", tags, err)
	marked, err := a.Marks.Mark([]string{ev.ID}, audit.FilterText{}, "finding", "")
	check("Mark", marked, err)
	ev, err = a.Query.Event(all.ID, 0)
	check("Event marked", ev, err)
	undone, err := a.Marks.Undo()
	check("Undo", undone, err)
}
