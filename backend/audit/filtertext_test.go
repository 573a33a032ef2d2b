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
		{FilterText{Scope: "Galaxy"}, "scope:"},
		{FilterText{Status: "MAYBE"}, "status:"},
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
