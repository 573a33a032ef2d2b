// Package store is AuditDesk's local cache of audit events, kept in Badger
// (github.com/dgraph-io/badger/v4). It is the only package that imports
// Badger.
//
// # Key layout
//
// Every key starts with one byte that says what it holds:
//
//	'e' + time(8) + id  -> the event, compact binary (codec.go), without
//	                       id and time, which the key holds
//	'i' + id            -> time(8): written by caches before 2026-12;
//	                       read by Get where there, deleted by RollBack
//	'm' + name          -> a meta value (SetMeta): identity, API URL, ...
//	'c'                 -> the sync checkpoint
//	'n'                 -> counters: event count, oldest and newest time
//	'v'                 -> the format version (FormatVersion), one byte
//
// time(8) is the timestamp's UnixNano as a big-endian uint64 with the sign
// bit flipped, so byte order is time order (also before 1970) and a prefix
// scan over 'e' is a scan in (time, id) order, the order the API pages in.
// Timestamps outside 1678-2262 (no UnixNano) are refused.
//
// # Transactions
//
// CommitPage writes a page's new events, the counters, the chain record and
// the checkpoint in one transaction: after a crash the cache holds exactly
// the pages its checkpoint counts. Writes are not fsynced (SyncWrites off):
// a killed process loses nothing, a power cut may lose the last pages but
// never splits one, and the checkpoint goes back with them, so the next
// sync fetches them again.
//
// # Dedupe
//
// An event is new unless its id is cached or already earlier in the page.
// The API promises that an id always carries the same content, timestamp
// included, so an event newer than the newest cached (or older than the
// oldest) cannot be cached: only events inside the cached time range, the
// overlap a sync re-reads, are looked up, by their 'e' key: the time and
// the id give it, so no key of the id alone is kept (it cost half a
// commit's writes, ids coming in no order). A server that
// broke that promise would get a second copy of such an event cached.
//
// # Safety of the user's copy
//
// Open never deletes or rewrites a cache it cannot read (Badger's own crash
// recovery drops only a torn, uncommitted log tail); it returns an *OpenError (ErrLocked, ErrCorrupt, ErrNewerFormat, ErrNoSpace)
// whose message names the directory and what to do. The directory is 0700
// and its files 0600.
package store
