package app

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/session"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// Sync is the Refresh button's service: it brings the open profile's
// cache up to date from its platform, connects a new one, opens the demo,
// and cancels. One sync runs at a time; another fails with ErrBusy.
type Sync struct{ *core }

// SyncProgress is the payload of EventSyncProgress.
type SyncProgress struct {
	Profile string `json:"profile"` // who is synced, for people: "user · organization"
	ingest.Progress
	// Indexing: the run has ended and the index is taking its events in.
	Indexing bool `json:"indexing"`
}

// EventSyncProgress is emitted, throttled, while a sync runs.
const EventSyncProgress = "sync:progress"

// progressInterval is how often a job's progress may reach the UI.
const progressInterval = 100 * time.Millisecond

// Refresh syncs the current profile's cache from its platform, emitting
// EventSyncProgress, and returns the new status.
func (s *Sync) Refresh() (Status, error) {
	pr, err := s.current()
	if err != nil {
		return Status{}, err
	}
	p := pr.Info()
	if p.Imported {
		return Status{}, Invalid(p.Name + " holds imported files: it has no platform to refresh from; import files into it instead")
	}
	req := session.SyncRequest{APIURL: p.APIURL, Profile: p.Name}
	if p.Demo {
		if req, err = s.demo.Request(); err != nil {
			return Status{}, err
		}
	} else if req.Token, err = s.tokens.Get(p.Key()); err != nil {
		return Status{}, err
	}
	return s.sync(req)
}

// OpenDemo syncs the demo profile from a simulated platform on loopback and
// makes it the current profile.
func (s *Sync) OpenDemo() (Status, error) {
	req, err := s.demo.Request()
	if err != nil {
		return Status{}, err
	}
	return s.sync(req)
}

// Connect checks a platform's API URL and token, makes the identity's
// profile current, keeps the token (in the OS keyring when there is one)
// and runs its first sync.
func (s *Sync) Connect(apiURL, token string) (Status, error) {
	apiURL, token = strings.TrimSpace(apiURL), strings.TrimSpace(token)
	switch {
	case apiURL == "":
		return Status{}, Invalid("enter the platform's API URL, such as https://platform.example/api")
	case token == "":
		return Status{}, Invalid("enter your API token")
	}
	return s.sync(session.SyncRequest{APIURL: apiURL, Token: token})
}

// ProvideToken gives the current profile's token when the keyring does not
// have it, then refreshes.
func (s *Sync) ProvideToken(token string) (Status, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Status{}, Invalid("enter your API token")
	}
	pr, err := s.current()
	if err != nil {
		return Status{}, err
	}
	p := pr.Info()
	return s.sync(session.SyncRequest{APIURL: p.APIURL, Profile: p.Name, Token: token})
}

// Cancel stops the running sync; the pages it finished stay.
func (s *Sync) Cancel() { s.syncs.Cancel() }

func (s *Sync) sync(req session.SyncRequest) (Status, error) {
	run, err := s.syncs.Start(progressInterval, func(p SyncProgress) { s.emit.Emit(EventSyncProgress, p) })
	if err != nil {
		return Status{}, err
	}
	defer run.End()
	var name atomic.Pointer[string]
	var last atomic.Pointer[ingest.Progress]
	report := func(p ingest.Progress, indexing bool) {
		who := ""
		if n := name.Load(); n != nil {
			who = *n
		}
		run.Report(SyncProgress{Profile: who, Progress: p, Indexing: indexing})
	}
	req.OnStart = func(p settings.Profile) {
		who := label(p)
		name.Store(&who)
		if _, err := s.desk.Show(p); err != nil {
			s.log.Error("remember profile", "err", err)
		}
		if req.Token != "" && !req.Demo {
			s.tokens.Save(p.Key(), req.Token)
		}
	}
	req.OnProgress = func(p ingest.Progress) {
		last.Store(&p)
		report(p, false)
	}
	req.OnIndexing = func() {
		var p ingest.Progress
		if l := last.Load(); l != nil {
			p = *l
		}
		report(p, true)
		run.Flush() // shown now, not after the index is built
	}
	res, err := s.desk.Sync(run.Ctx, req)
	// What a failed or cancelled run finished is in the index too.
	if res.Index != nil {
		s.indexSynced(res.Profile.Name, res.Index.Len(), res.Added)
	}
	run.Flush()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errCancelled
		}
		s.log.Warn("sync failed", "err", err)
		return Status{}, err
	}
	return s.status()
}
