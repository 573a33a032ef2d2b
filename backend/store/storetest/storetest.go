// Package storetest writes events into a profile's cache as one sync page
// each call, for tests outside the store that need a cache made by hand
// (events a server would not serve, damage planted in its files), as
// httptest serves for net/http.
package storetest

import (
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
	"github.com/auditdesk/auditdesk/backend/store"
)

// Commit opens the cache in dir, commits evs as one page synced at synced,
// and closes it.
func Commit(dir string, evs []audit.Event, synced time.Time) error {
	s, err := store.Open(dir)
	if err != nil {
		return err
	}
	if _, err := s.CommitPage(evs, store.Checkpoint{SyncedAt: synced}); err != nil {
		_ = s.Close()
		return err
	}
	return s.Close()
}
