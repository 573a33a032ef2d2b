package app

import (
	"errors"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// The wire types the services share. Their constructors never leave a
// slice nil, so the frontend reads the generated interfaces as they are.

// Profile is the identity a cache belongs to, as the toolbar shows it.
type Profile struct {
	Name         string     `json:"name"`
	APIURL       string     `json:"apiUrl"`
	Organization string     `json:"organization"`
	User         string     `json:"user"`
	Role         audit.Role `json:"role"`
	Workspaces   []string   `json:"workspaces"`
	Demo         bool       `json:"demo"`
	// Imported marks a case: a profile of imported files, with no API,
	// user, organization or role of its own.
	Imported bool `json:"imported"`
	// Files is how many distinct files a case holds events of; 0 for a
	// synced profile.
	Files int `json:"files"`
}

// newProfile is p on the wire; files is how many files it holds if a case
// (session.Profile.Files).
func newProfile(p settings.Profile, files int) Profile {
	ws := make([]string, 0, len(p.Workspaces))
	for _, w := range p.Workspaces {
		ws = append(ws, w.Name)
	}
	return Profile{
		Name: p.Name, APIURL: p.APIURL, Organization: orgName(p), User: p.User, Role: p.Role, Workspaces: ws,
		Demo: p.Demo, Imported: p.Imported, Files: files,
	}
}

func orgName(p settings.Profile) string {
	if p.Organization.Name != "" {
		return p.Organization.Name
	}
	return p.Organization.ID
}

// label names a profile for people: its user and organization.
func label(p settings.Profile) string { return p.User + " · " + orgName(p) }

// Status is what the toolbar and status bar show.
type Status struct {
	Version string   `json:"version"`
	DataDir string   `json:"dataDir"`
	Profile *Profile `json:"profile"` // nil until a profile exists
	Events  int64    `json:"events"`
	// LastSynced is RFC 3339 in UTC, empty when never synced.
	LastSynced string `json:"lastSynced"`
	// LastSyncError says why the last sync failed, empty when it did not.
	LastSyncError string `json:"lastSyncError"`
	// LastSyncCancelled: the last sync was cancelled by the user.
	LastSyncCancelled bool `json:"lastSyncCancelled"`
	// LastSuccess is when a sync last finished, RFC 3339, "" if never.
	LastSuccess string `json:"lastSuccess"`
	Oldest      string `json:"oldest"`
	Newest      string `json:"newest"`
	Syncing     bool   `json:"syncing"`
	// AutoDemo asks the window to open the demo: there is no profile yet.
	AutoDemo bool `json:"autoDemo"`
	// Notice is something the user should know, such as why the token
	// will be asked for again.
	Notice string `json:"notice"`
	// ChainHead is the cache's hash chain head (docs/EVIDENCE.md), "" when
	// empty; Gaps are periods between the oldest and newest event no sync
	// finished.
	ChainHead string `json:"chainHead"`
	Gaps      []Gap  `json:"gaps"`
}

// Gap is a period no sync finished (store.Coverage); PastRetention says no
// sync can fill it any more (store.Interval.PastRetention).
type Gap struct {
	Start         string `json:"start"`
	End           string `json:"end"`
	PastRetention bool   `json:"pastRetention"`
}

func newGaps(in []session.Interval, now time.Time) []Gap {
	out := make([]Gap, len(in))
	for i, iv := range in {
		out[i] = Gap{Start: rfc3339Milli(iv.Start), End: rfc3339Milli(iv.End), PastRetention: iv.PastRetention(now)}
	}
	return out
}

// Bucket is one bar of the timeline, or one period covered: Start <= time
// < End, RFC 3339 in UTC.
type Bucket struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Count int    `json:"count"`
}

func newSpans(in []session.Interval) []Bucket {
	out := make([]Bucket, len(in))
	for i, iv := range in {
		out[i] = Bucket{Start: rfc3339Milli(iv.Start), End: rfc3339Milli(iv.End)}
	}
	return out
}

// status is the window's Status: the current profile's figures, or what a
// first launch needs when there is none.
func (c *core) status() (Status, error) {
	st := Status{Version: c.version, DataDir: c.store.Dir(), Notice: c.tokens.NoKeyring(), Syncing: c.syncs.Running(), Gaps: []Gap{}}
	pr, err := c.current()
	if errors.Is(err, settings.ErrNoProfile) {
		st.AutoDemo = !c.demo.Options.Disabled
		return st, nil
	}
	if err != nil {
		return st, err
	}
	p := pr.Info()
	prof := newProfile(p, pr.Files())
	st.Profile = &prof
	st.LastSynced, st.LastSyncError, st.LastSyncCancelled = rfc3339(p.LastSync), p.LastSyncError, p.LastSyncCancelled
	st.LastSuccess = rfc3339(p.LastSuccess)
	s, err := pr.Status()
	if err != nil {
		return st, err
	}
	st.Events, st.Oldest, st.Newest = s.Events, rfc3339(s.Oldest), rfc3339(s.Newest)
	st.ChainHead, st.Gaps = s.Head.String(), newGaps(s.Gaps, time.Now())
	return st, nil
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func rfc3339Milli(t time.Time) string { return t.UTC().Format(audit.TimeLayout) }
