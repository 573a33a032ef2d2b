// Package query is AuditDesk's in-memory index over the cached events:
// filter, search, sort, facets, histogram and windows of rows. It knows
// nothing of Badger or HTTP: Build reads whatever iterator the caller
// gives (store.Scan in the app, a slice in tests).
//
// # Layout
//
// Row i is the i-th event in (time, id) order (Build sorts if its input is
// not), so a row number doubles as every sort's tie-break. Per row:
//
//	ts        []int64     UnixNano, ascending                         8 B
//	scope, category, action, status, user, workspace, source_ip
//	          []uint32    codes into per-column dictionaries      7 x 4 B
//	textStart []uint64    offset of the row in text                   8 B
//	textMid   []uint32    end of the target inside it, and
//	                      foldedBit                                   4 B
//	                                                          ---------
//	                                                           48 B/event
//
// plus text (target and description as they came, which the search scans
// lowering ASCII letters), exc (the folded text of the rows whose folding
// is more than that: about 10% of the simulator's, 6 B an event) and rest
// (id and details, S2-compressed in groups of up to 64 rows: 62 B an
// event; rest.go). Sorting by target, description or id adds a lazily
// built per-row rank (4 B each) the first time. At 1M simulator events the
// sections take 194 B an event, and the source IP's dictionary 12,437
// values (most users keep one address), searched once per value like the
// user's.
//
// A dictionary (dict) holds each distinct value once with its folded form
// and its rank in bytewise order (made on first use when read from a
// file); the workspace dictionary keys on the
// whole Ref, code 0 meaning none, and ranks by name.
//
// # Queries
//
// The time range is two binary searches on ts. Field filters become
// []bool sets over dictionary codes. A search folds the term (NFC, then
// full case folding; see fold.go) and tests it once per dictionary entry
// of user, scope, category and action. The free text is then searched one
// of two ways (match.go's run picks the cheaper by rough costs and the
// dictionary counts of the filtered values):
//
//   - the whole text arena of the time range at once (search.go): the
//     term's rarest byte (by a byte count of a sample of text, taken at
//     Build; a letter in either case) is found with bytes.IndexByte and
//     the term compared whole, ASCII letters lowered; a hit maps to its
//     row by galloping over textStart, counts only if it lies inside one
//     field of a row not in exc, and the scan jumps to the next row. The
//     rows in exc of the range are then searched the same way, exactly,
//     in their folded text. The range
//     is split by rows over the cores. The rows whose codes hit are merged
//     in and only the merged rows are tested against the field filters;
//   - when the field filters leave few rows, only those rows' text.
//
// The same pass counts the facets (scope ignoring the scope filter,
// category ignoring the category filter).
//
// Sorting by a dictionary column is a counting sort over the ranks; by
// time it is the row order itself; by target or description an integer
// sort of (rank, row) pairs. Descending is the ascending order reversed,
// which puts ties in descending (time, id) order as the contract says.
//
// # Persistence and updates
//
// WriteTo (persist.go) writes the columns as they lie in memory, aligned,
// with a CRC-32C per 4 KiB block; OpenFile maps the file and points the
// columns into the mapping, reading only its header and meta section
// (dictionaries, counts, block checksums), so a profile opens in the same
// time at any size and processes share the pages through the page cache.
// Each block is checked the first time a query reads it (verify.go); a
// block that does not match marks the index damaged (Err, ErrIndexDamaged)
// and what was read from it is never returned. AppendInPlace (tail.go)
// appends a sync's events newer than every row to the file in place, in
// the room each section has after it, then names them in a new header: the
// cost is the new events, whatever the file holds. Append (append.go)
// returns a new snapshot, in memory, with any events in their (timestamp,
// id) places, folding only the new text; AppendTo writes the same as a new
// file, streaming the old columns through (late events, or a file out of
// room), and Spill (spill.go) builds a first sync's file from column files
// that grow page by page.
//
// Rows are read through the mapping, or, for a sparse result whose rows
// lie far apart, from the file with pread (Result.Rows, Ready), so that
// the kernel's fault-around does not bring in the whole rest section. A
// Result's reader decompresses each group once for a view in time order,
// and keeps the groups it read for one in another order.
//
// The session package saves the index beside the cache (index.bin), maps
// it when a profile opens (rebuilding on ErrIndexFormat, on a damaged
// block, or when it is behind the cache), appends each sync's events to
// it (in place, else into a new file) and maps it again. The window holds a few Results by id
// and reads their rows by window, so a sync that installs a new snapshot
// never changes the rows of a query made before.
//
// # Later
//
// A term whose bytes are all common (a 5% byte) scans at ~2 GB/s a core;
// an n-gram index, as PERF-NOTES measures, would go below any scan.
package query
