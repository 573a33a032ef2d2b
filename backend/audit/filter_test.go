package audit

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFilterValidateNamesTheField(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		f     Filter
		field string // "" = valid
	}{
		{Filter{}, ""},
		{Filter{Scope: ScopeBilling, Status: StatusFailed, From: t0, To: t0.Add(time.Hour)}, ""},
		// Scope and status are open: values outside the documented sets
		// are filters like any other.
		{Filter{Scope: "Compliance", Status: "PENDING"}, ""},
		{Filter{Scope: "Galaxy", Status: "ok"}, ""},
		// A documented value in the wrong case is a typo; malformed text
		// is refused.
		{Filter{Scope: "billing"}, "scope:"},
		{Filter{Status: "failed"}, "status:"},
		{Filter{Scope: "Bill\x00ing"}, "scope:"},
		{Filter{Scope: "\xffBilling"}, "scope:"},
		{Filter{Status: "PENDING\n"}, "status:"},
		{Filter{From: t0, To: t0}, "to:"},
		{Filter{From: t0, To: t0.Add(-time.Hour)}, "to:"},
	}
	for _, tt := range tests {
		err := tt.f.Validate()
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%+v: %v", tt.f, err)
		case tt.field != "" && (!errors.Is(err, ErrBadFilter) || !strings.Contains(err.Error(), tt.field)):
			t.Errorf("%+v: err = %v, want one naming %s", tt.f, err, tt.field)
		}
	}
}

func TestParseSort(t *testing.T) {
	for in, want := range map[string]Sort{
		"":                DefaultSort,
		"user":            {Field: SortUser},
		"User:DESC":       {Field: SortUser, Desc: true},
		"timestamp:asc":   {Field: SortTimestamp},
		" workspace:desc": {Field: SortWorkspace, Desc: true},
		"source_ip:desc":  {Field: SortSourceIP, Desc: true},
		"id":              {Field: SortID},
	} {
		got, err := ParseSort(in)
		if err != nil || got != want {
			t.Errorf("ParseSort(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if in != "" {
			if again, _ := ParseSort(got.String()); again != got {
				t.Errorf("%q does not round-trip through String: %q", in, got.String())
			}
		}
	}
	for _, in := range []string{"ip", "user:up", "time"} {
		if _, err := ParseSort(in); !errors.Is(err, ErrBadFilter) || !strings.Contains(err.Error(), "sort:") {
			t.Errorf("ParseSort(%q) err = %v", in, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2026-11-20", nil, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
		{"2026-11-20", tokyo, time.Date(2026, 11, 19, 15, 0, 0, 0, time.UTC)},
		{"2026-11-20T10:31:02.123Z", tokyo, time.Date(2026, 11, 20, 10, 31, 2, 123e6, time.UTC)},
		{"2026-11-20T10:31:02+09:00", nil, time.Date(2026, 11, 20, 1, 31, 2, 0, time.UTC)},
		{"", nil, time.Time{}},
	}
	for _, tt := range tests {
		got, err := ParseTime("from", tt.in, tt.loc)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"20/11/2026", "2026-13-01", "yesterday"} {
		if _, err := ParseTime("to", in, nil); !errors.Is(err, ErrBadFilter) || !strings.Contains(err.Error(), "to:") {
			t.Errorf("ParseTime(%q) err = %v, want one naming to", in, err)
		}
	}
}
