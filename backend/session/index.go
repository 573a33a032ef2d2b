package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/query"
	"github.com/auditdesk/auditdesk/backend/settings"
	"github.com/auditdesk/auditdesk/backend/store"
)

// indexFile holds a profile's query index beside its cache, so opening a
// profile maps it (its header and dictionaries only are read) instead of
// rebuilding it from the cache (2+ s at 1M events).
const indexFile = "index.bin"

// catchUp is how far before the index's newest event a catch-up reads the
// cache again: syncs reach back by the ingestion delay; this is wider.
const catchUp = 24 * time.Hour

// Index returns the profile's query index, current with its cache: the
// one held in memory, else the saved one brought up to date, else one
// built from the cache. The index must hold as many events as the cache,
// up to the same newest one, or it is rebuilt. A sync may be writing
// meanwhile: events are never removed, so a scan that began after the
// count holds at least as many. Calls take turns: the second finds the
// first's index and only catches it up. The index becomes the window's
// snapshot (Install).
func (pr *Profile) Index(ctx context.Context) (*query.Index, error) {
	ix, _, err := pr.index(ctx, nil)
	return ix, err
}

// index is Index, and how many events it added to the snapshot held. A
// sync gives what it added (else nil), which a catch-up takes in instead
// of reading the cache back when the index held the rest.
func (pr *Profile) index(ctx context.Context, adds *collecting) (*query.Index, int, error) {
	pr.building.Lock()
	defer pr.building.Unlock()
	p := pr.Info()
	cache, done, err := pr.use()
	if err != nil {
		return nil, 0, err
	}
	defer done()
	stats, err := cache.Stats()
	if err != nil {
		return nil, 0, err
	}
	pr.mu.Lock()
	ix := pr.held.ix
	pr.mu.Unlock()
	if ix == nil {
		ix = pr.loadIndex()
	}
	before := ix // what is held or saved already
	current := func(ix *query.Index) bool {
		return int64(ix.Len()) == stats.Events && ix.Newest().Equal(stats.Newest)
	}
	if ix != nil && !current(ix) {
		caught, saved, err := pr.catchUp(ctx, ix, cache, adds.tail(ix, stats))
		switch {
		case errors.Is(err, query.ErrIndexFormat):
			pr.log.Warn("the saved query index is damaged; rebuilding it from the cache", "profile", p.Name, "err", err)
			ix = nil
		case err != nil:
			return nil, 0, altered(err)
		default:
			ix = caught
			if saved {
				before = ix
			}
		}
	}
	if ix == nil || !current(ix) {
		pr.log.Info("building the query index from the cache", "profile", p.Name, "events", stats.Events)
		built, saved, err := pr.rebuild(ctx, cache)
		if err != nil {
			return nil, 0, altered(err)
		}
		if ix = built; saved {
			before = ix
		}
		if int64(ix.Len()) < stats.Events {
			return nil, 0, fmt.Errorf("%w: %d of its %d events can be read: run auditdesk verify", ErrUnreadable, ix.Len(), stats.Events)
		}
	}
	ix, added := pr.keep(ix, before)
	// Left dirty by a writer that stopped without closing the cache (or
	// saying another count): the cache and the index are checked now, so
	// the next reader need not open it.
	pr.markClean(cache, stats)
	return ix, added, nil
}

// rebuildDir is where an index rebuilt from the cache grows (a first
// sync's grows in spillDir meanwhile).
const rebuildDir = "index.rebuild"

// rebuild builds the index from the cache as a first sync does
// (query.Spill: column files, then index.bin, mapped; saved says so), so
// that its memory does not grow with the events. Where the files cannot
// be written (a full disk) or the cache gives events out of order, it
// builds in memory instead, and the caller saves.
func (pr *Profile) rebuild(ctx context.Context, cache *store.Store) (*query.Index, bool, error) {
	sp, err := query.NewSpill(filepath.Join(pr.st.ProfileDir(pr.Info()), rebuildDir))
	if err == nil {
		var spillErr error
		err = scanAll(ctx, cache, time.Time{})(func(e audit.Event) error {
			spillErr = sp.Add(&e)
			return spillErr
		})
		if err != nil && spillErr == nil {
			sp.Close()
			return nil, false, err // the cache's error, not the files'
		}
		if err == nil {
			err = pr.saveSpill(sp)
		}
		sp.Close()
	}
	if err == nil {
		if ix := pr.loadIndex(); ix != nil {
			pr.log.Info("built the query index beside the cache", "profile", pr.Info().Name, "events", ix.Len())
			return ix, true, nil
		}
		err = errors.New("the index written cannot be read back")
	}
	if !errors.Is(err, query.ErrUnordered) {
		pr.log.Warn("build the query index beside the cache; building it in memory", "profile", pr.Info().Name, "err", err)
	}
	ix, err := query.Build(ctx, scanAll(ctx, cache, time.Time{}))
	return ix, false, err
}

// saveSpill writes the index sp grew as index.bin, atomically.
func (pr *Profile) saveSpill(sp *query.Spill) error {
	st, err := pr.stageIndex()
	if err != nil {
		return err
	}
	if err = sp.Finish(st.File); err == nil {
		err = st.Commit()
	}
	if err != nil {
		st.Abort()
	}
	return err
}

// markClean records the cache as clean (store.MarkClean) unless its state
// says so already with these stats: nothing writes it now.
func (pr *Profile) markClean(cache *store.Store, stats store.Stats) {
	st := store.ReadState(pr.st.CacheDir(pr.Info()))
	if st.Clean && st.Events == stats.Events && st.Newest.Equal(stats.Newest) {
		return
	}
	if err := cache.MarkClean(); err != nil {
		pr.log.Warn("mark the cache clean", "profile", pr.Info().Name, "err", err)
	}
}

// keep installs ix as the snapshot and saves it, unless it is what was
// held or saved already (before); it returns the snapshot held.
func (pr *Profile) keep(ix, before *query.Index) (*query.Index, int) {
	ix, added := pr.Install(ix)
	if ix == before {
		return ix, added
	}
	if err := pr.saveIndex(ix); err != nil {
		// The index in memory is right; the next open rebuilds it.
		pr.log.Warn("save the query index", "profile", pr.Info().Name, "err", err)
		return ix, added
	}
	// The saved file, mapped, holds the same rows as ix in the page cache
	// instead of the heap: hold it instead, results over ix keeping ix.
	if mapped := pr.loadIndex(); mapped != nil && mapped.Len() == ix.Len() && mapped.Newest().Equal(ix.Newest()) {
		pr.mu.Lock()
		if pr.held.ix == ix {
			pr.held.ix = mapped
			ix = mapped
		}
		pr.mu.Unlock()
	}
	return ix, added
}

// growing is the sink of a first sync: the cache, and the index's columns
// appended to files as each page is committed (query.Spill), so that the
// sync ends without reading its million events back from the cache and
// without holding them in memory. The pages come in order, one at a time.
type growing struct {
	*store.Store
	s   *query.Spill
	err error // the spill's first error: the sync then indexes as before
}

// spillDir is where a first sync's index grows, beside the cache.
const spillDir = "index.build"

func (g *growing) CommitHashed(events []audit.Event, hashes [][32]byte, cp store.Checkpoint) (store.PageStats, error) {
	st, err := g.Store.CommitHashed(events, hashes, cp)
	for _, i := range st.Added {
		if err != nil || g.err != nil {
			break
		}
		g.err = g.s.Add(&events[i])
	}
	return st, err
}

// grown writes the index the growing sink built and maps it as the
// snapshot when it holds exactly what the cache does (stats); else nil,
// and the caller indexes the cache as before.
func (pr *Profile) grown(g *growing, stats store.Stats) (*query.Index, int) {
	if g == nil {
		return nil, 0
	}
	if g.err != nil || int64(g.s.Len()) != stats.Events {
		g.s.Close()
		return nil, 0
	}
	pr.building.Lock()
	defer pr.building.Unlock()
	if err := pr.saveSpill(g.s); err != nil {
		g.s.Close()
		if !errors.Is(err, query.ErrUnordered) { // a file in no time order: no warning
			pr.log.Warn("write the index grown as the events came; building it from the cache", "profile", pr.Info().Name, "err", err)
		}
		return nil, 0
	}
	ix := pr.loadIndex()
	if ix == nil || int64(ix.Len()) != stats.Events || !ix.Newest().Equal(stats.Newest) {
		return nil, 0
	}
	// A query during the sync may hold a snapshot of part of it: this one
	// holds more and replaces it, the events it adds marked new. It is
	// saved already.
	return pr.keep(ix, ix)
}

// collecting is the sink of a sync into a cache that holds events already:
// the cache, and a copy of the events each page adds (up to collectMax),
// so that the index takes them in without reading the cache back: that
// read checks each event against the hash chain, which it reads whole,
// and the chain of a million events is most of a second.
type collecting struct {
	*store.Store
	added []audit.Event
	over  bool // more than collectMax, or a page that failed: read back
}

const collectMax = 100_000

func (c *collecting) CommitHashed(events []audit.Event, hashes [][32]byte, cp store.Checkpoint) (store.PageStats, error) {
	st, err := c.Store.CommitHashed(events, hashes, cp)
	switch {
	case c.over:
	case err != nil || len(c.added)+len(st.Added) > collectMax:
		c.over, c.added = true, nil
	default:
		for _, i := range st.Added {
			c.added = append(c.added, events[i]) // its strings and details are its own (auditapi)
		}
	}
	return st, err
}

// tail is what the sync added when ix held every other event of the cache
// (stats): the batch a catch-up appends. Else nil, and it reads the cache.
func (c *collecting) tail(ix *query.Index, stats store.Stats) []audit.Event {
	if c == nil || c.over || int64(ix.Len()+len(c.added)) != stats.Events {
		return nil
	}
	return c.added
}

// ReadIndex is Index for readers such as auditdesk query: when another
// AuditDesk holds the cache (the window is open), it reads the index that
// process saved after its last sync instead of failing, and says so with
// saved. A writer (a sync) still gets the lock error.
func (pr *Profile) ReadIndex(ctx context.Context) (ix *query.Index, saved bool, err error) {
	if ix := pr.savedCurrent(); ix != nil {
		return ix, false, nil
	}
	ix, err = pr.Index(ctx)
	if errors.Is(err, store.ErrLocked) {
		if held := pr.loadIndex(); held != nil {
			return held, true, nil
		}
	}
	return ix, false, err
}

// savedCurrent is the saved index, mapped, when the cache says it was left
// clean (nothing writing it) holding as many events as the index, up to the
// same newest: the index is current, and a reader needs no cache at all
// (opening and closing Badger was half of a one-shot query's time; the
// window's first query no longer waits for it). Else nil, and the caller
// opens the cache to check. A process writing the cache has marked it
// dirty first.
func (pr *Profile) savedCurrent() *query.Index {
	pr.mu.Lock()
	held := pr.held.ix != nil
	pr.mu.Unlock()
	if held {
		return nil // Index has it, without mapping the file again
	}
	st := store.ReadState(pr.st.CacheDir(pr.Info()))
	if !st.Clean {
		return nil
	}
	ix := pr.loadIndex()
	if ix == nil || int64(ix.Len()) != st.Events || !ix.Newest().Equal(st.Newest) {
		return nil
	}
	// Held unless another call got here first: then that one.
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.held.ix == nil {
		pr.held.ix = ix
	}
	return pr.held.ix
}

// ReadQuery is ReadIndex and a query of it whose first limit rows (all
// for 0) can be read: a damaged block of the saved index met on the way
// has it rebuilt from the cache (when no other AuditDesk holds the cache)
// and queried again, so that a caller that streams the rows never stops
// halfway.
func (pr *Profile) ReadQuery(ctx context.Context, f audit.Filter, s audit.Sort, opts query.Options, limit int) (res *query.Result, saved bool, err error) {
	if opts.Tagged == nil && len(f.Tags) > 0 {
		tagged, err := pr.queryOptions(f, opts.Location)
		if err != nil {
			return nil, false, err
		}
		opts.Tagged = tagged.Tagged
	}
	for attempt := 0; ; attempt++ {
		var ix *query.Index
		ix, saved, err = pr.ReadIndex(ctx)
		if err != nil {
			return nil, false, err
		}
		res, err = ix.Query(f, s, opts)
		if err == nil {
			n := res.Total
			if limit > 0 {
				n = min(n, limit)
			}
			err = res.Ready(0, n)
		}
		if errors.Is(err, query.ErrIndexFormat) && attempt == 0 {
			pr.damaged(ix, err)
			continue
		}
		return res, saved, err
	}
}

// ReadSummary groups the events f matches (query.Result.GroupBy) in the
// index ReadQuery reads, rebuilt once when a block of its file turns out
// damaged on the way.
func (pr *Profile) ReadSummary(ctx context.Context, f audit.Filter, by []query.GroupField, top int, loc *time.Location) (s *query.Summary, saved bool, err error) {
	for attempt := 0; ; attempt++ {
		var res *query.Result
		res, saved, err = pr.ReadQuery(ctx, f, audit.DefaultSort, query.Options{Location: loc}, 1)
		if err != nil {
			return nil, false, err
		}
		s, err = res.GroupBy(by, top, loc)
		if errors.Is(err, query.ErrIndexFormat) && attempt == 0 {
			pr.damaged(res.Index(), err)
			continue
		}
		return s, saved, err
	}
}

func scanAll(ctx context.Context, cache *store.Store, from time.Time) func(func(audit.Event) error) error {
	return func(fn func(audit.Event) error) error {
		cacheScans.Add(1)
		return cache.Scan(ctx, from, time.Time{}, fn)
	}
}

// cacheScans counts the cache's reads for the index, for tests.
var cacheScans atomic.Int64

// catchUp appends to ix what the cache gained since ix was made, in place
// when ix maps the saved file and the events are newer than its newest
// (query.AppendInPlace: the cost is the new events), else into a new index
// file beside the cache (query.AppendTo: ix's columns streamed through,
// never copied into memory), and maps it; saved says it did.
// Where the file cannot be staged it appends in memory, and the caller
// saves. With nothing new it returns ix.
func (pr *Profile) catchUp(ctx context.Context, ix *query.Index, cache *store.Store, batch []audit.Event) (caught *query.Index, saved bool, err error) {
	if batch == nil {
		var from time.Time
		if n := ix.Newest(); !n.IsZero() {
			from = n.Add(-catchUp)
		}
		if err := scanAll(ctx, cache, from)(func(e audit.Event) error {
			batch = append(batch, e)
			return nil
		}); err != nil {
			return nil, false, err
		}
	}
	inMemory := func() (*query.Index, bool, error) {
		caught, err := ix.Append(batch)
		return caught, false, err
	}
	// Newer events than the newest row go in place, at the ends of the
	// file's columns; else a new file.
	added, err := ix.AppendInPlace(batch, pr.indexPath())
	switch {
	case err == nil && added == 0:
		return ix, false, nil
	case err == nil:
		if mapped := pr.loadIndex(); mapped != nil && mapped.Len() == ix.Len()+added {
			return mapped, true, nil
		}
		return inMemory()
	case errors.Is(err, query.ErrIndexFormat):
		return nil, false, err
	case !errors.Is(err, query.ErrNotInPlace):
		pr.log.Warn("append to the query index in place; writing a new one", "profile", pr.Info().Name, "err", err)
	}
	st, err := pr.stageIndex()
	if err != nil {
		return inMemory()
	}
	added, err = ix.AppendTo(batch, st.File)
	if err == nil && added > 0 {
		err = st.Commit()
	}
	if err != nil || added == 0 {
		st.Abort()
		if errors.Is(err, query.ErrIndexFormat) {
			return nil, false, err
		}
		if err != nil {
			// The disk, most likely: in memory it still works.
			pr.log.Warn("write the appended query index", "profile", pr.Info().Name, "err", err)
			return inMemory()
		}
		return ix, false, nil
	}
	if mapped := pr.loadIndex(); mapped != nil && mapped.Len() == ix.Len()+added {
		return mapped, true, nil
	}
	return inMemory()
}

func (pr *Profile) indexPath() string {
	return filepath.Join(pr.st.ProfileDir(pr.Info()), indexFile)
}

// loadIndex opens the saved index, mapped; a missing, unreadable or
// foreign one is nil, and the caller builds a new one. Its columns are
// checked as queries read them: a damaged block is met there (damaged).
func (pr *Profile) loadIndex() *query.Index {
	ix, err := query.OpenFile(pr.indexPath())
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, query.ErrIndexFormat) {
			pr.log.Warn("open the query index", "profile", pr.Info().Name, "err", err)
		}
		return nil
	}
	return ix
}

// stageIndex is the temp file a new index.bin is written in (committed by
// renaming it over), the stale ones of an earlier process removed first.
func (pr *Profile) stageIndex() (*settings.Staged, error) {
	pr.removeStaleIndexTemps()
	return settings.Stage(pr.indexPath())
}

// removeStaleIndexTemps removes the temp files of index.bin that a process
// killed while writing one left (a whole index each, hundreds of MB). Only
// the process that holds the cache writes the index, and it calls this
// before it does: any such file now is another's, long dead.
func (pr *Profile) removeStaleIndexTemps() {
	for _, f := range settings.RemoveStaged(pr.indexPath()) {
		pr.log.Info("removed an index file a killed process left", "file", filepath.Base(f))
	}
}

// saveIndex writes the index beside the cache, atomically.
func (pr *Profile) saveIndex(ix *query.Index) error {
	pr.removeStaleIndexTemps()
	return settings.WriteAtomic(pr.indexPath(), func(w io.Writer) error {
		_, err := ix.WriteTo(w)
		return err
	})
}
