package query

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Build reads every event scan gives into a new Index. scan calls fn once
// per event and returns fn's first error (store.Scan does, bound to a time
// range: `func(fn func(audit.Event) error) error { return st.Scan(ctx,
// time.Time{}, time.Time{}, fn) }`). Events may come in any order; ids
// should be unique, as the store keeps them.
func Build(ctx context.Context, scan func(fn func(audit.Event) error) error) (*Index, error) {
	b := newBuilder()
	n := 0
	err := scan(func(e audit.Event) error {
		if n++; n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return b.add(&e)
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("query: build: %w", err)
	}
	return b.finish(), nil
}

// Events is a scan for Build over events already in memory.
func Events(evs []audit.Event) func(fn func(audit.Event) error) error {
	return func(fn func(audit.Event) error) error {
		for _, e := range evs {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
}

// builder grows an Index in memory. The rows' rests stay as they come
// (rest, restAt) until finish compresses them into groups, after the rows
// are in order.
type builder struct {
	fo      folder
	ix      *Index
	sorted  bool
	lastID  string
	rest    []byte
	restAt  []uint64 // n+1 offsets into rest
	scratch []byte
}

func newBuilder() *builder {
	return &builder{
		fo:     newFolder(),
		sorted: true,
		restAt: []uint64{0},
		ix: &Index{
			scopeD: newDict(), catD: newDict(), actD: newDict(), statusD: newDict(), userD: newDict(), ipD: newDict(),
			wsD:       newWSDict(),
			textStart: []uint64{0},
			excStart:  []uint64{0},
		},
	}
}

func (b *builder) add(e *audit.Event) error {
	ix := b.ix
	if err := checkEvent(e, ix.n); err != nil {
		return err
	}
	ns := e.Time.UnixNano()
	if b.sorted && ix.n > 0 {
		if p := ix.ts[ix.n-1]; ns < p || ns == p && b.lastID > e.ID {
			b.sorted = false
		}
	}
	b.lastID = e.ID
	ix.idLen.add(e.ID)
	ix.ts = append(ix.ts, ns)
	ix.scope = append(ix.scope, ix.scopeD.code(string(e.Scope)))
	ix.cat = append(ix.cat, ix.catD.code(e.Category))
	ix.act = append(ix.act, ix.actD.code(e.Action))
	ix.status = append(ix.status, ix.statusD.code(string(e.Status)))
	ix.user = append(ix.user, ix.userD.code(e.User))
	ix.ws = append(ix.ws, ix.wsD.code(e.Workspace))
	ix.ip = append(ix.ip, ix.ipD.code(e.SourceIP))

	b.rest = appendRest(b.rest, e.ID, "", e.Details)
	b.restAt = append(b.restAt, uint64(len(b.rest)))

	mid := uint32(len(e.Target))
	folded, fmid, plain := b.fo.searchText(b.scratch[:0], e.Target, e.Description)
	b.scratch = folded
	if !plain {
		mid |= foldedBit
		ix.excRow = append(ix.excRow, uint32(ix.n))
		ix.excMid = append(ix.excMid, uint32(fmid))
		ix.exc = append(ix.exc, folded...)
		ix.excStart = append(ix.excStart, uint64(len(ix.exc)))
	}
	ix.text = append(append(ix.text, e.Target...), e.Description...)
	ix.textMid = append(ix.textMid, mid)
	ix.textStart = append(ix.textStart, uint64(len(ix.text)))
	ix.n++
	return nil
}

func (b *builder) finish() *Index {
	if !b.sorted {
		b.reorder()
	}
	ix := b.ix
	ix.finishDicts(&b.fo)
	ix.rest, ix.restStart, ix.restRow = compressGroups(b.rest, b.restAt)
	b.rest, b.restAt = nil, nil
	// Give back the spare capacity append left (about an eighth of every
	// slice): the index lives as long as the window.
	ix.text, ix.exc = fit(ix.text), fit(ix.exc)
	ix.ts, ix.textStart, ix.excStart = fit(ix.ts), fit(ix.textStart), fit(ix.excStart)
	ix.scope, ix.cat, ix.act, ix.status, ix.user, ix.ws, ix.ip = fit(ix.scope), fit(ix.cat), fit(ix.act), fit(ix.status), fit(ix.user), fit(ix.ws), fit(ix.ip)
	ix.textMid, ix.excRow, ix.excMid = fit(ix.textMid), fit(ix.excRow), fit(ix.excMid)
	ix.freq = byteFreq(ix.text)
	for _, c := range ix.freq {
		ix.freqN += int(c)
	}
	return ix
}

// checkEvent refuses an event that cannot be row n of an index.
func checkEvent(e *audit.Event, n int) error {
	switch {
	case e.Time.Before(minTime) || e.Time.After(maxTime):
		return fmt.Errorf("event %q: time %s is outside 1678-2262", e.ID, e.Time)
	case n == 1<<32-1:
		return fmt.Errorf("event %q: over %d events", e.ID, n) // row numbers are uint32
	case len(e.Target) > 1<<30 || len(e.Description) > 1<<30 || len(e.ID)+len(e.SourceIP)+len(e.Details) > 1<<30:
		return fmt.Errorf("event %q: over 1 GiB", e.ID)
	}
	return nil
}

// fit returns s in an allocation of its own length when append left more
// than a little spare (slices.Clip would keep the whole allocation).
func fit[T any](s []T) []T {
	if cap(s)-len(s) <= len(s)/64 {
		return s
	}
	return slices.Clone(s)
}

// restID is the id in a row's rest (appendRest's form).
func restID(row []byte) []byte {
	var l [3]uint64
	pos := 0
	for k := range l {
		v, n := binary.Uvarint(row[pos:])
		l[k], pos = v, pos+n
	}
	return row[pos : pos+int(l[0])]
}

// reorder puts the rows in (time, id) order.
func (b *builder) reorder() {
	old := b.ix
	perm := make([]int, old.n)
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, rowOrder(old.ts, func(i int) []byte { return restID(b.rest[b.restAt[i]:b.restAt[i+1]]) }))

	ix := &Index{
		n: old.n, scopeD: old.scopeD, catD: old.catD, actD: old.actD, statusD: old.statusD,
		userD: old.userD, ipD: old.ipD, wsD: old.wsD, idLen: old.idLen,
		ts:      permute(old.ts, perm),
		textMid: permute(old.textMid, perm),
		text:    make([]byte, 0, len(old.text)), textStart: make([]uint64, 1, old.n+1),
		exc: make([]byte, 0, len(old.exc)), excStart: make([]uint64, 1, len(old.excStart)),
	}
	ix.scope, ix.cat, ix.act = permute(old.scope, perm), permute(old.cat, perm), permute(old.act, perm)
	ix.status, ix.user, ix.ws = permute(old.status, perm), permute(old.user, perm), permute(old.ws, perm)
	ix.ip = permute(old.ip, perm)
	rest, restAt := make([]byte, 0, len(b.rest)), make([]uint64, 1, old.n+1)
	for i, p := range perm {
		ix.text = append(ix.text, old.text[old.textStart[p]:old.textStart[p+1]]...)
		ix.textStart = append(ix.textStart, uint64(len(ix.text)))
		rest = append(rest, b.rest[b.restAt[p]:b.restAt[p+1]]...)
		restAt = append(restAt, uint64(len(rest)))
		if old.textMid[p]&foldedBit != 0 {
			k, _ := slices.BinarySearch(old.excRow, uint32(p))
			ix.excRow = append(ix.excRow, uint32(i))
			ix.excMid = append(ix.excMid, old.excMid[k])
			ix.exc = append(ix.exc, old.exc[old.excStart[k]:old.excStart[k+1]]...)
			ix.excStart = append(ix.excStart, uint64(len(ix.exc)))
		}
	}
	b.ix, b.rest, b.restAt = ix, rest, restAt
}

func permute[T any](s []T, perm []int) []T {
	out := make([]T, len(perm))
	for i, p := range perm {
		out[i] = s[p]
	}
	return out
}
