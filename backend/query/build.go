package query

import (
	"context"
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

type builder struct {
	fo     folder
	ix     *Index
	sorted bool
}

func newBuilder() *builder {
	return &builder{
		fo:     newFolder(),
		sorted: true,
		ix: &Index{
			scopeD: newDict(), catD: newDict(), actD: newDict(), statusD: newDict(), userD: newDict(),
			wsD:      newWSDict(),
			rawStart: []uint64{0},
			// The next row's text starts here; finish trims it to n+1.
			textStart: []uint64{0},
		},
	}
}

func (b *builder) add(e *audit.Event) error {
	if e.Time.Before(minTime) || e.Time.After(maxTime) {
		return fmt.Errorf("event %q: time %s is outside 1678-2262", e.ID, e.Time)
	}
	ix := b.ix
	if ix.n == 1<<32-1 {
		return fmt.Errorf("event %q: over %d events", e.ID, ix.n) // row numbers are uint32
	}
	ns := e.Time.UnixNano()
	if b.sorted && ix.n > 0 {
		last := ix.n - 1
		if p := ix.ts[last]; ns < p || ns == p && string(ix.field(last, 0)) > e.ID {
			b.sorted = false
		}
	}
	ix.ts = append(ix.ts, ns)
	ix.scope = append(ix.scope, ix.scopeD.code(string(e.Scope)))
	ix.cat = append(ix.cat, ix.catD.code(e.Category))
	ix.act = append(ix.act, ix.actD.code(e.Action))
	ix.status = append(ix.status, ix.statusD.code(string(e.Status)))
	ix.user = append(ix.user, ix.userD.code(e.User))
	ix.ws = append(ix.ws, ix.wsD.code(e.Workspace))

	start := len(ix.raw)
	var ends [4]uint32
	for k, s := range [4]string{e.ID, e.Target, e.Description, e.SourceIP} {
		ix.raw = append(ix.raw, s...)
		ends[k] = uint32(len(ix.raw) - start)
	}
	ix.raw = append(ix.raw, e.Details...)
	if len(ix.raw)-start > 1<<32-1 {
		return fmt.Errorf("event %q: over 4 GiB", e.ID)
	}
	ix.rawEnd = append(ix.rawEnd, ends)
	ix.rawStart = append(ix.rawStart, uint64(len(ix.raw)))

	tstart := len(ix.text)
	ix.text = b.fo.append(ix.text, e.Target)
	ix.textMid = append(ix.textMid, uint32(len(ix.text)-tstart))
	ix.text = b.fo.append(ix.text, e.Description)
	ix.textStart = append(ix.textStart, uint64(len(ix.text)))
	ix.n++
	return nil
}

func (b *builder) finish() *Index {
	ix := b.ix
	if !b.sorted {
		ix = b.reorder()
	}
	ix.finishDicts(&b.fo)
	// Give back the spare capacity append left (about an eighth of every
	// slice): the index lives as long as the window.
	ix.raw, ix.text = fit(ix.raw), fit(ix.text)
	ix.ts, ix.rawStart, ix.textStart = fit(ix.ts), fit(ix.rawStart), fit(ix.textStart)
	ix.scope, ix.cat, ix.act, ix.status, ix.user, ix.ws = fit(ix.scope), fit(ix.cat), fit(ix.act), fit(ix.status), fit(ix.user), fit(ix.ws)
	ix.rawEnd, ix.textMid = fit(ix.rawEnd), fit(ix.textMid)
	ix.freq = byteFreq(ix.text)
	for _, c := range ix.freq {
		ix.freqN += int(c)
	}
	return ix
}

// fit returns s in an allocation of its own length when append left more
// than a little spare (slices.Clip would keep the whole allocation).
func fit[T any](s []T) []T {
	if cap(s)-len(s) <= len(s)/64 {
		return s
	}
	return slices.Clone(s)
}

// reorder returns the rows in (time, id) order.
func (b *builder) reorder() *Index {
	old := b.ix
	perm := make([]int, old.n)
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, rowOrder(old.ts, func(i int) []byte { return old.field(i, 0) }))

	ix := &Index{
		n: old.n, scopeD: old.scopeD, catD: old.catD, actD: old.actD, statusD: old.statusD,
		userD: old.userD, wsD: old.wsD,
		ts:  permute(old.ts, perm),
		raw: make([]byte, 0, len(old.raw)), rawStart: make([]uint64, 1, old.n+1),
		rawEnd: permute(old.rawEnd, perm), textMid: permute(old.textMid, perm),
		text: make([]byte, 0, len(old.text)), textStart: make([]uint64, 1, old.n+1),
	}
	ix.scope, ix.cat, ix.act = permute(old.scope, perm), permute(old.cat, perm), permute(old.act, perm)
	ix.status, ix.user, ix.ws = permute(old.status, perm), permute(old.user, perm), permute(old.ws, perm)
	for _, p := range perm {
		ix.raw = append(ix.raw, old.raw[old.rawStart[p]:old.rawStart[p+1]]...)
		ix.rawStart = append(ix.rawStart, uint64(len(ix.raw)))
		ix.text = append(ix.text, old.text[old.textStart[p]:old.textStart[p+1]]...)
		ix.textStart = append(ix.textStart, uint64(len(ix.text)))
	}
	return ix
}

func permute[T any](s []T, perm []int) []T {
	out := make([]T, len(perm))
	for i, p := range perm {
		out[i] = s[p]
	}
	return out
}
