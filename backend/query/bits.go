package query

import (
	"math/bits"
	"runtime"
	"sync"
)

// rowBits marks rows of [lo, hi): a search's hits, the text's and the
// dictionaries' together, so that a term in most rows (a single letter
// typed) costs a bit per row, not a list of rows and a merge of two.
type rowBits struct {
	lo int
	w  []uint64
}

func newRowBits(lo, hi int) rowBits { return rowBits{lo: lo, w: make([]uint64, (hi-lo+63)/64)} }

func (b rowBits) set(r int) {
	i := r - b.lo
	b.w[i>>6] |= 1 << (i & 63)
}

// has says whether row r is marked.
func (b rowBits) has(r int) bool {
	i := r - b.lo
	return b.w[i>>6]&(1<<(i&63)) != 0
}

// count is how many rows are marked.
func (b rowBits) count() int {
	n := 0
	for _, w := range b.w {
		n += bits.OnesCount64(w)
	}
	return n
}

// rows are the marked rows, ascending.
func (b rowBits) rows() []uint32 {
	out := make([]uint32, 0, b.count())
	b.each(func(r int) { out = append(out, uint32(r)) })
	return out
}

// each calls fn with every marked row, ascending.
func (b rowBits) each(fn func(r int)) {
	for k, w := range b.w {
		for w != 0 {
			fn(b.lo + k<<6 + bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// codeRowsMin is the least rows codeRows splits over the cores.
var codeRowsMin = 1 << 18

// codeRows marks in bits the rows of [lo, hi) whose user, scope, category
// or action contains the search term: per column that has such values, a
// branchless OR of each row's bit, split over the cores at multiples of
// 64 rows.
func (ix *Index) codeRows(m *matcher, lo, hi int, bits rowBits) {
	type column struct {
		code []uint32
		hit  []uint64 // 1 for a value that holds the term
	}
	var cols []column
	for _, c := range []struct {
		code []uint32
		hit  []bool
	}{{ix.user, m.userHit}, {ix.scope, m.scopeHit}, {ix.cat, m.catHit}, {ix.act, m.actHit}, {ix.ip, m.ipHit}} {
		hv := make([]uint64, len(c.hit))
		any := false
		for v, ok := range c.hit {
			if ok {
				hv[v], any = 1, true
			}
		}
		if any {
			cols = append(cols, column{c.code, hv})
		}
	}
	mark := func(a, b int) { // a is lo plus a multiple of 64
		w := bits.w[(a-lo)>>6:]
		for _, c := range cols {
			for i, v := range c.code[a:b] {
				w[i>>6] |= c.hit[v] << (i & 63)
			}
		}
	}
	parts := max(1, min(runtime.GOMAXPROCS(0), (hi-lo)/codeRowsMin))
	if parts == 1 {
		mark(lo, hi)
		return
	}
	step := ((hi - lo) / parts) &^ 63
	var wg sync.WaitGroup
	for k := 1; k < parts; k++ {
		a, b := lo+k*step, lo+(k+1)*step
		if k == parts-1 {
			b = hi
		}
		wg.Go(func() { mark(a, b) })
	}
	mark(lo, lo+step)
	wg.Wait()
}
