package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/auditdesk/auditdesk/backend/settings"
)

// stateFile records, beside Badger's files, whether the cache is as a
// store last left it when it stopped writing: "clean", with its count and
// newest event, or "dirty" from before its first write until then. A
// reader that only needs to know whether a saved index is current (a
// one-shot `auditdesk query`) reads it instead of opening Badger, which at
// a million events took 30-100 ms to open and 50-75 ms to close.
//
// Dirty is written, and synced, before the first write of an open store,
// so a write is never on disk while the file says clean; a crash leaves it
// dirty, and readers open the cache as before until a store marks it
// clean again (MarkClean, or Close after writes).
const stateFile = "auditdesk-state.json"

// State is what stateFile says.
type State struct {
	Clean  bool      `json:"clean"`
	Events int64     `json:"events,omitempty"`
	Newest time.Time `json:"newest,omitzero"`
}

// ReadState reads the state of the cache in dir without opening it; a
// missing or unreadable file is a dirty state.
func ReadState(dir string) State {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return State{}
	}
	var st State
	if json.Unmarshal(b, &st) != nil {
		return State{}
	}
	return st
}

// writeState replaces the state file, synced (settings.WriteFileAtomic),
// after removing what a killed store left of its own write: only the
// holder of the cache writes it.
func writeState(dir string, st State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, stateFile)
	settings.RemoveStaged(path)
	return settings.WriteFileAtomic(path, b)
}

// dirty marks the cache dirty before the store's first write; the caller
// holds writeMu.
func (s *Store) dirty() error {
	if s.wrote {
		return nil
	}
	if err := writeState(s.dir, State{}); err != nil {
		return fmt.Errorf("store: mark the cache as being written: %w", err)
	}
	s.wrote = true
	return nil
}

// MarkClean records the cache's count and newest event as clean: nothing
// is being written. The store may write again after; it marks itself
// dirty first.
func (s *Store) MarkClean() error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.inflight.Done()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.markClean()
}

// markClean is MarkClean; the caller holds writeMu.
func (s *Store) markClean() error {
	if s.broken != nil {
		return errors.New("store: not marked clean: its writes failed")
	}
	st, err := s.Stats()
	if err != nil {
		return err
	}
	if err := writeState(s.dir, State{Clean: true, Events: st.Events, Newest: st.Newest}); err != nil {
		return fmt.Errorf("store: mark the cache clean: %w", err)
	}
	s.wrote = false
	return nil
}
