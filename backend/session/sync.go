package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/auditapi"
	"github.com/auditdesk/auditdesk/backend/ingest"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
)

// SyncRequest says what to sync from where.
type SyncRequest struct {
	// APIURL is the platform's base URL: the profile's identity.
	APIURL string
	// ClientURL, when set, is where requests go instead (the demo's
	// simulator listens on a new loopback port each launch, yet is one
	// profile).
	ClientURL string
	Token     string
	CAFile    string
	Profile   string // when set, the token must belong to this profile
	Demo      bool
	// OnProgress is told every change of the run's figures: a listener
	// that shows them throttles (progress.Throttle).
	OnProgress func(ingest.Progress)
	OnStart    func(settings.Profile) // told the profile once the identity is known
	// OnIndexing is told when the run has ended and the query index takes
	// its events in (seconds for a first sync of a million).
	OnIndexing func()
	PageSize   int
}

// SyncResult is a finished sync.
type SyncResult struct {
	Profile settings.Profile
	Run     ingest.Result
	Cache   Stats
	// Index is the profile's query index with what the run saved, nil when
	// it could not be brought up to date (the next open builds it); Added
	// is how many events it adds to the snapshot held before.
	Index *query.Index
	Added int
	// IndexErr is why Index is nil: the cache could not be read whole, or
	// was altered (store.ErrAltered).
	IndexErr error
	Joined   bool // this request joined a sync already running
}

type running struct {
	done chan struct{}
	res  SyncResult
	err  error
}

// ErrMemberRole is returned for a token that may not read the audit log.
var ErrMemberRole = errors.New("this token belongs to a Workspace Member, who may not read the audit log; use an Organization Owner's or a Workspace Admin's token")

// Sync resolves the token's identity, opens that identity's profile (made
// on the first sync) and syncs its cache. A request for a profile that is
// syncing already joins that sync.
func (d *Desk) Sync(ctx context.Context, req SyncRequest) (SyncResult, error) {
	var sink atomic.Pointer[ingest.Sync]
	url := req.APIURL
	if req.ClientURL != "" {
		url = req.ClientURL
	}
	client, err := auditapi.New(auditapi.Config{
		BaseURL: url,
		Token:   req.Token,
		CAFile:  req.CAFile,
		OnWait: func(w auditapi.Wait) {
			if s := sink.Load(); s != nil {
				s.OnWait(w)
			}
		},
	})
	if err != nil {
		return SyncResult{}, err
	}
	id, err := client.Me(ctx)
	if err != nil {
		return SyncResult{}, err
	}
	if id.Role == audit.RoleWorkspaceMember {
		return SyncResult{}, ErrMemberRole
	}
	p, err := d.settings.ProfileFor(req.APIURL, id, d.now())
	if err != nil {
		return SyncResult{}, err
	}
	if req.Profile != "" && req.Profile != p.Name && req.Profile != p.Key() {
		return SyncResult{}, fmt.Errorf("the token belongs to %s, not to profile %q; use that profile's token or drop --profile", p.Name, req.Profile)
	}
	p.Demo = req.Demo
	pr := d.Open(p)

	pr.mu.Lock()
	if r := pr.run; r != nil {
		pr.mu.Unlock()
		select {
		case <-r.done:
		case <-ctx.Done():
			return SyncResult{}, fmt.Errorf("session: %w", ctx.Err())
		}
		res := r.res
		res.Joined = true
		return res, r.err
	}
	r := &running{done: make(chan struct{})}
	pr.run = r
	pr.mu.Unlock()
	defer func() {
		pr.mu.Lock()
		pr.run = nil
		pr.mu.Unlock()
		close(r.done)
	}()

	r.res, r.err = pr.sync(ctx, client, p, req, &sink)
	return r.res, r.err
}

func (pr *Profile) sync(ctx context.Context, client *auditapi.Client, p settings.Profile, req SyncRequest, sink *atomic.Pointer[ingest.Sync]) (SyncResult, error) {
	if err := pr.st.SaveProfile(p); err != nil {
		return SyncResult{Profile: p}, err
	}
	pr.setInfo(p)
	if req.OnStart != nil {
		req.OnStart(p)
	}
	cache, done, err := pr.use()
	if err != nil {
		return SyncResult{Profile: p}, err
	}
	defer done()
	// A first sync builds its index from the pages it commits.
	var to ingest.Sink = cache
	var grow *growing
	spill := filepath.Join(pr.st.ProfileDir(p), spillDir)
	before, err := cache.Stats()
	pr.beginMarks(err == nil && before.Events == 0)
	defer pr.endMarks()
	if err == nil && before.Events == 0 {
		if sp, err := query.NewSpill(spill); err == nil {
			grow = &growing{Store: cache, s: sp}
			to = grow
		}
	} else {
		// What a first sync killed on its way left, if it did.
		_ = os.RemoveAll(spill)
	}
	var adds *collecting
	if err == nil && before.Events > 0 {
		adds = &collecting{Store: cache}
		to = adds
	}
	s := ingest.New(to, ingest.Options{OnProgress: req.OnProgress, PageSize: req.PageSize, Now: pr.now})
	sink.Store(s)
	pr.log.Info("sync started", "profile", p.Name, "api", p.APIURL, "role", p.Role)
	run, runErr := s.Run(ctx, client)

	p.LastSync = pr.now().UTC()
	p.LastSyncError = ""
	p.LastSyncCancelled = errors.Is(runErr, context.Canceled)
	if runErr != nil {
		p.LastSyncError = OneLine(runErr)
	} else {
		p.LastSuccess = p.LastSync
	}
	if err := pr.st.SaveProfile(p); err != nil && runErr == nil {
		runErr = err
	}
	pr.setInfo(p)
	stats, err := cache.Stats()
	if err != nil && runErr == nil {
		runErr = err
	}
	pr.log.Info("sync ended", "profile", p.Name, "pages", run.Pages, "events", run.Events,
		"new", run.New, "duplicates", run.Duplicates, "waits", run.Waits, "restarts", run.Restarts,
		"cached", stats.Events, "err", p.LastSyncError)
	// The pages a failed or cancelled run finished are in the cache too:
	// the index takes them in now (appending, not rebuilding), and is saved,
	// so the next open, in the window or by `auditdesk query`, is quick.
	if req.OnIndexing != nil {
		req.OnIndexing()
	}
	res := SyncResult{Profile: p, Run: run, Cache: stats}
	if res.Index, res.Added = pr.grown(grow, stats); res.Index == nil {
		res.Index, res.Added, res.IndexErr = pr.index(context.WithoutCancel(ctx), adds)
	}
	if res.IndexErr != nil {
		pr.log.Warn("update the query index after a sync", "profile", p.Name, "err", res.IndexErr)
	}
	// Nothing writes the cache now: a reader may trust the saved index
	// without opening it, if it holds what the cache does.
	pr.markClean(cache, stats)
	return res, runErr
}

// OneLine is an error's message on one line.
func OneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
