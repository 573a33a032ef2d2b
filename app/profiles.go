package app

import (
	"context"
	"strings"
	"time"

	"github.com/auditdesk/auditdesk/backend/settings"
)

// Profiles is the service of the profile the window shows: its status, the
// others to switch to, its verify and its activity log.
type Profiles struct{ *core }

// Status reports the current profile and its cache's figures. It reads
// only the local cache, so it answers offline.
func (p *Profiles) Status() (Status, error) { return p.status() }

// List lists every profile, most recently synced first.
func (p *Profiles) List() ([]Profile, error) {
	all, err := p.store.Profiles()
	if err != nil {
		return nil, err
	}
	out := make([]Profile, 0, len(all))
	for _, pr := range all {
		out = append(out, newProfile(pr, p.desk.Files(pr)))
	}
	return out, nil
}

// Switch makes the named profile the one the window shows and returns its
// status; it reads only the local cache. Not while a sync or export runs.
func (p *Profiles) Switch(name string) (Status, error) {
	if p.syncs.Running() || p.exports.Running() {
		return Status{}, ErrBusy
	}
	found, err := p.store.FindProfile(name)
	if err != nil {
		return Status{}, Invalid(err.Error())
	}
	if _, err := p.desk.Show(found); err != nil {
		return Status{}, err
	}
	return p.status()
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

// Verify recomputes every event's hash and the chain of the current
// profile's cache, and gives its coverage and gaps.
func (p *Profiles) Verify() (VerifyResult, error) {
	pr, err := p.current()
	if err != nil {
		return VerifyResult{}, err
	}
	v, err := pr.Verify(context.Background())
	if err != nil {
		return VerifyResult{}, err
	}
	out := VerifyResult{
		OK: v.OK(), Events: v.Events, Records: v.Records, Head: v.HeadHex, Altered: v.Altered,
		Added: v.Added, Removed: v.Removed, ChainBroken: v.ChainBroken, Problems: make([]string, 0, len(v.Problems)),
		Covered: newSpans(v.Covered), Gaps: newGaps(v.Gaps, time.Now()),
	}
	for _, pr := range v.Problems {
		line := pr.Kind + ": " + pr.Detail
		if pr.ID != "" {
			line = pr.Kind + " " + pr.ID + ": " + pr.Detail
		}
		out.Problems = append(out.Problems, line)
	}
	return out, nil
}

// ActivityEntry is one line of the profile's activity log, for the window.
type ActivityEntry struct {
	Time   string `json:"time"` // RFC 3339, UTC
	Kind   string `json:"kind"`
	OSUser string `json:"osUser"`
	User   string `json:"user"`
	File   string `json:"file"`
	Format string `json:"format"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
	Filter string `json:"filter"` // the filter as one readable line
	Sort   string `json:"sort"`
}

// Activity lists the current profile's activity log, newest first.
func (p *Profiles) Activity() ([]ActivityEntry, error) {
	pr, err := p.current()
	if err != nil {
		return nil, err
	}
	log, err := pr.ActivityLog()
	if err != nil {
		return nil, err
	}
	out := make([]ActivityEntry, 0, len(log))
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		out = append(out, ActivityEntry{
			Time: rfc3339(e.Time), Kind: e.Kind, OSUser: e.OSUser, User: e.User, File: e.File, Format: e.Format,
			Rows: e.Rows, SHA256: e.SHA256, Filter: describeFilter(e), Sort: e.Sort.String(),
		})
	}
	return out, nil
}

// describeFilter is a filter as one line: "scope=Billing status=FAILED".
func describeFilter(e settings.Activity) string {
	f := e.Filter
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("search", f.Search)
	add("scope", string(f.Scope))
	add("category", strings.Join(f.Categories, "|"))
	add("action", strings.Join(f.Actions, "|"))
	add("status", string(f.Status))
	add("user", strings.Join(f.Users, "|"))
	add("target", strings.Join(f.Targets, "|"))
	add("workspace", f.Workspace)
	if !f.From.IsZero() {
		add("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		add("to", f.To.UTC().Format(time.RFC3339))
	}
	if len(parts) == 0 {
		return "all events"
	}
	return strings.Join(parts, " ")
}
