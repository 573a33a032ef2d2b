package query

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// searchTerms are folded terms drawn from ix's text: words, pieces that
// run across a field's or a row's end (which must not match there),
// single bytes, invalid UTF-8 and terms that are nowhere.
func searchTerms(r *rand.Rand, ix *Index, n int) [][]byte {
	fo := newFolder()
	out := [][]byte{}
	for _, t := range rawTerms(r, ix, n) {
		if utf8.Valid(t) {
			out = append(out, []byte(fo.string(string(t))))
		} else {
			out = append(out, bytes.ToLower(t))
		}
	}
	return out
}

// rawTerms are pieces of ix's text as it came.
func rawTerms(r *rand.Rand, ix *Index, n int) [][]byte {
	terms := [][]byte{[]byte("zzqxj"), []byte("@"), []byte("."), []byte("\xff"), []byte("🚀")}
	for range n {
		i := r.IntN(ix.n)
		lo, hi := int(ix.textStart[i]), int(ix.textStart[min(i+2, ix.n)])
		if hi-lo < 2 {
			continue
		}
		switch a := lo + r.IntN(hi-lo-1); r.IntN(3) {
		case 0: // across the target's end
			mid := lo + int(ix.mid(i))
			terms = append(terms, ix.text[max(lo, mid-1-r.IntN(3)):min(hi, mid+1+r.IntN(3))])
		case 1: // across the row's end
			end := int(ix.textStart[i+1])
			terms = append(terms, ix.text[max(lo, end-1-r.IntN(3)):min(hi, end+1+r.IntN(3))])
		default:
			terms = append(terms, ix.text[a:min(hi, a+1+r.IntN(12))])
		}
	}
	return terms
}

func TestScanRowsMatchesRowByRow(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 5_000)), handEvents()...)
	ix := buildSlice(t, evs)
	// The reference: each row's target and description folded whole.
	fo := newFolder()
	folded := make([][2][]byte, ix.n)
	for i := range folded {
		folded[i] = [2][]byte{[]byte(fo.string(string(ix.shown(i, 1)))), []byte(fo.string(string(ix.shown(i, 2))))}
	}
	r := rand.New(rand.NewPCG(testSeed(t), 3))
	for _, term := range searchTerms(r, ix, 200) {
		if len(term) == 0 {
			continue
		}
		m := &matcher{
			fd: newFinder(slices.Clone(term), ix.freq, ix.freqN, true),
			fx: newFinder(slices.Clone(term), ix.freq, ix.freqN, false),
		}
		whole := *m
		whole.fx.whole = true
		lo := r.IntN(ix.n)
		hi := lo + r.IntN(ix.n-lo+1)
		if r.IntN(4) == 0 {
			lo, hi = 0, ix.n
		}
		var want []uint32
		for i := lo; i < hi; i++ {
			if bytes.Contains(folded[i][0], term) || bytes.Contains(folded[i][1], term) {
				want = append(want, uint32(i))
			}
			if got := ix.rowContains(m, i); got != (len(want) > 0 && want[len(want)-1] == uint32(i)) {
				t.Fatalf("rowContains(%q, %d) = %v", term, i, got)
			}
		}
		for parts := range 6 {
			for _, m := range []*matcher{m, &whole} {
				bits := newRowBits(lo, hi)
				ix.searchRows(m, lo, hi, parts, bits)
				if got := bits.rows(); !slices.Equal(got, want) && len(got)+len(want) > 0 {
					t.Fatalf("searchRows(%q (valid %v, whole %v), %d, %d, %d): %d rows, want %d",
						term, utf8.Valid(term), m.fx.whole, lo, hi, parts, len(got), len(want))
				}
			}
		}
	}
}

// Both plans of a search give the same tally, whatever run would choose.
func TestSearchPlansAgree(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 5_000)), handEvents()...)
	ix := buildSlice(t, evs)
	g := newFilterGen(testSeed(t), evs)
	r := rand.New(rand.NewPCG(testSeed(t), 4))
	terms := searchTerms(r, ix, 100)
	for k := range 300 {
		f, bad := g.filter()
		if bad {
			continue
		}
		if k%2 == 0 {
			f.Search = string(terms[r.IntN(len(terms))])
		}
		m := ix.newMatcher(f, Options{})
		if !m.searching {
			continue
		}
		lo, hi := ix.timeRange(f.From, f.To)
		var got [2]tally
		for p := range got {
			got[p] = tally{
				scopeN: make([]int, len(ix.scopeD.vals)), catN: make([]int, len(ix.catD.vals)),
				statusN: make([]int, len(ix.statusD.vals)), userN: make([]int, len(ix.userD.vals)),
			}
			if lo < hi {
				ix.search(m, lo, hi, &got[p], p == 1)
			}
		}
		a, b := got[0], got[1]
		if !slices.Equal(a.rows, b.rows) || !slices.Equal(a.scopeN, b.scopeN) || !slices.Equal(a.catN, b.catN) ||
			!slices.Equal(a.statusN, b.statusN) || !slices.Equal(a.userN, b.userN) {
			t.Fatalf("filter %+v: the arena scan and the row-by-row test disagree: %d and %d rows", f, len(a.rows), len(b.rows))
		}
	}
}

// codeRows marks the rows whose user, scope, category or action holds the
// term, on one core or split over several (at multiples of 64 rows).
// walkHits tallies the same on one core and split over several, with
// field filters (each hit tested) and without (every hit counted).
func TestWalkHitsSplitsAlike(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 5_000)), handEvents()...)
	ix := buildSlice(t, evs)
	defer func(v int) { walkHitsMin = v }(walkHitsMin)
	g := newFilterGen(testSeed(t), evs)
	r := rand.New(rand.NewPCG(testSeed(t), 6))
	newTally := func() tally {
		return tally{
			scopeN: make([]int, len(ix.scopeD.vals)), catN: make([]int, len(ix.catD.vals)),
			statusN: make([]int, len(ix.statusD.vals)), userN: make([]int, len(ix.userD.vals)),
		}
	}
	for k := range 60 {
		f := audit.Filter{}
		if k%2 == 1 {
			f, _ = g.filter()
			f.Search = ""
		}
		m := ix.newMatcher(f, Options{})
		lo := r.IntN(ix.n)
		hi := lo + r.IntN(ix.n-lo+1)
		hits := newRowBits(lo, hi)
		for i := lo; i < hi; i++ {
			if r.IntN(3) > 0 {
				hits.set(i)
			}
		}
		var got [3]tally
		for p, min := range []int{1 << 30, 64, 1} {
			walkHitsMin = min
			got[p] = newTally()
			ix.walkHits(m, hits, &got[p])
		}
		// The reference, row by row.
		want := newTally()
		hits.each(func(i int) {
			if !m.others(ix, i) {
				return
			}
			sOK, cOK := in(m.scope, ix.scope[i]), in(m.cat, ix.cat[i])
			if cOK {
				want.scopeN[ix.scope[i]]++
			}
			if sOK {
				want.catN[ix.cat[i]]++
			}
			if sOK && cOK {
				want.rows = append(want.rows, uint32(i))
				want.statusN[ix.status[i]]++
				want.userN[ix.user[i]]++
			}
		})
		for p, g := range got {
			if !slices.Equal(g.rows, want.rows) && len(g.rows)+len(want.rows) > 0 || !slices.Equal(g.scopeN, want.scopeN) ||
				!slices.Equal(g.catN, want.catN) || !slices.Equal(g.statusN, want.statusN) || !slices.Equal(g.userN, want.userN) {
				t.Fatalf("filter %+v over [%d, %d), split %d: %d rows, want %d", f, lo, hi, p, len(g.rows), len(want.rows))
			}
		}
	}
}

func TestCodeRowsMarksRowByRow(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 5_000)), handEvents()...)
	ix := buildSlice(t, evs)
	defer func(v int) { codeRowsMin = v }(codeRowsMin)
	r := rand.New(rand.NewPCG(testSeed(t), 5))
	for _, term := range []string{"a", "e", "gpu", "billing", "o", "zzzz", "@"} {
		m := ix.newMatcher(audit.Filter{Search: term}, Options{})
		for _, min := range []int{1 << 18, 100, 64} {
			codeRowsMin = min
			lo := r.IntN(ix.n)
			hi := lo + r.IntN(ix.n-lo+1)
			bits := newRowBits(lo, hi)
			ix.codeRows(m, lo, hi, bits)
			var want []uint32
			for i := lo; i < hi; i++ {
				if m.userHit[ix.user[i]] || m.scopeHit[ix.scope[i]] || m.catHit[ix.cat[i]] || m.actHit[ix.act[i]] || m.ipHit != nil && m.ipHit[ix.ip[i]] {
					want = append(want, uint32(i))
				}
			}
			if got := bits.rows(); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("codeRows(%q, %d, %d) split at %d rows: %d rows, want %d", term, lo, hi, min, len(got), len(want))
			}
		}
	}
}
