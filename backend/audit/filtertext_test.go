package audit

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFilterTextParse(t *testing.T) {
	f, loc, err := FilterText{
		Search: " GPU ", Scope: "Service", Categories: []string{"", "AI Notebook", "  "}, Status: "failed",
		Users: []string{""}, From: "2026-03-01", To: "2026-03-02T00:00:00+09:00", TimeZone: "Asia/Tokyo",
	}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if loc.String() != "Asia/Tokyo" {
		t.Errorf("zone %v", loc)
	}
	// A date is midnight in the zone; an RFC 3339 time is its own instant.
	if want := time.Date(2026, 2, 28, 15, 0, 0, 0, time.UTC); !f.From.Equal(want) {
		t.Errorf("from %v, want %v", f.From, want)
	}
	if want := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC); !f.To.Equal(want) {
		t.Errorf("to %v, want %v", f.To, want)
	}
	// The search is kept as typed; blank list values are no filter.
	if f.Search != " GPU " || f.Status != StatusFailed || len(f.Categories) != 1 || f.Users != nil {
		t.Errorf("filter %+v", f)
	}
}

func TestFilterTextErrorsNameTheField(t *testing.T) {
	for _, c := range []struct {
		ft   FilterText
		want string
	}{
		{FilterText{Scope: "billing"}, "did you mean Billing?"},
		{FilterText{Scope: "Com\u0085pliance"}, "scope:"},
		{FilterText{Status: "PEND\x1b[31mING"}, "status:"},
		{FilterText{From: "next week"}, "from:"},
		{FilterText{To: "2026-13-01"}, "to:"},
		{FilterText{From: "2026-05-01", To: "2026-05-01"}, "to:"},
		{FilterText{TimeZone: "Mars/Olympus"}, "tz:"},
	} {
		_, _, err := c.ft.Parse()
		if !errors.Is(err, ErrBadFilter) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%+v) = %v; want ErrBadFilter naming %q", c.ft, err, c.want)
		}
	}
}

// Events keep scopes and statuses outside the documented sets, so a
// filter may name them: as written, but for a documented status in another
// case, which is folded to it.
func TestFilterTextOpenScopeAndStatus(t *testing.T) {
	for _, c := range []struct {
		ft     FilterText
		scope  Scope
		status Status
	}{
		{FilterText{Scope: " Compliance ", Status: " PENDING "}, "Compliance", "PENDING"},
		{FilterText{Scope: "Galaxy", Status: "Pending"}, "Galaxy", "Pending"},
		{FilterText{Scope: "Billing", Status: "failed"}, ScopeBilling, StatusFailed},
		{FilterText{Scope: "  ", Status: "\t"}, "", ""},
	} {
		f, _, err := c.ft.Parse()
		if err != nil || f.Scope != c.scope || f.Status != c.status {
			t.Errorf("Parse(%+v) = scope %q, status %q, %v; want %q, %q", c.ft, f.Scope, f.Status, err, c.scope, c.status)
		}
	}
	_, _, err := FilterText{Status: "Succ\x00ess"}.Parse()
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), `status: "Succ\x00ess" holds a control character`) {
		t.Errorf("a status with a NUL: %v", err)
	}
}

func TestLoadZone(t *testing.T) {
	for name, want := range map[string]*time.Location{"": time.UTC, "UTC": time.UTC, "Local": time.Local} {
		if loc, err := LoadZone(name); err != nil || loc != want {
			t.Errorf("LoadZone(%q) = %v, %v", name, loc, err)
		}
	}
	if loc, err := LoadZone("Europe/Berlin"); err != nil || loc.String() != "Europe/Berlin" {
		t.Errorf("LoadZone(Europe/Berlin) = %v, %v", loc, err)
	}
}
