package query

import (
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// matcher is a filter compiled to the index's codes. A nil set means any.
type matcher struct {
	scope, cat, act, status, user, ws []bool
	targets                           map[string]bool // nil: any target
	tagged                            rowBits         // the rows the filter's tags mark, when tagging
	tagging                           bool
	filtered                          bool // some set is not nil, or tagging

	searching                         bool
	fd, fx                            finder // caseless in text, exact in exc
	letter                            uint32 // the term's letter mask bit, when it is one ASCII letter
	userHit, scopeHit, catHit, actHit []bool
	ipHit                             []bool // nil when no source IP holds the term
	codeHits                          bool   // some dictionary entry contains the term
	idRow                             int    // the row whose event ID is the term, or -1
}

func (ix *Index) newMatcher(f audit.Filter, opts Options) *matcher {
	m := &matcher{idRow: -1}
	if len(f.Tags) > 0 {
		// Marks name events by ID: each found through the IDs' lookup
		// (built on first use, once per index). A marked event the index
		// does not hold (not synced yet, or from another profile) is not
		// a row.
		m.tagging, m.tagged = true, newRowBits(0, ix.n)
		if opts.Tagged != nil {
			ids := opts.Tagged(f.Tags)
			for _, id := range ids {
				if r := ix.ids().row(ix, id); r >= 0 {
					m.tagged.set(r)
				}
			}
		}
	}
	if f.Scope != "" {
		m.scope = ix.scopeD.set([]string{string(f.Scope)})
	}
	if len(f.Categories) > 0 {
		m.cat = ix.catD.set(f.Categories)
	}
	if len(f.Actions) > 0 {
		m.act = ix.actD.set(f.Actions)
	}
	if f.Status != "" {
		m.status = ix.statusD.set([]string{string(f.Status)})
	}
	if len(f.Users) > 0 {
		m.user = ix.userD.set(f.Users)
	}
	if f.Workspace != "" {
		m.ws = ix.wsD.withID(f.Workspace)
	}
	if len(f.Targets) > 0 {
		m.targets = make(map[string]bool, len(f.Targets))
		for _, t := range f.Targets {
			m.targets[t] = true
		}
	}
	m.filtered = m.scope != nil || m.cat != nil || m.act != nil || m.status != nil || m.user != nil || m.ws != nil ||
		m.targets != nil || m.tagging
	if strings.TrimSpace(f.Search) == "" {
		return m
	}
	// An empty folded term is in every text: no search at all.
	if term := newFolder().string(f.Search); term != "" {
		m.searching = true
		m.fd = newFinder([]byte(term), ix.freq, ix.freqN, true)
		m.fx = newFinder([]byte(term), ix.freq, ix.freqN, false)
		m.letter = letterBit(term)
		m.userHit, m.scopeHit = ix.userD.hits(term), ix.scopeD.hits(term)
		m.catHit, m.actHit = ix.catD.hits(term), ix.actD.hits(term)
		if m.ipHit = ix.ipD.hits(term); !slices.Contains(m.ipHit, true) {
			m.ipHit = nil
		}
		m.idRow = ix.idRow(strings.TrimSpace(f.Search))
		for _, h := range [][]bool{m.userHit, m.scopeHit, m.catHit, m.actHit, m.ipHit} {
			for _, ok := range h {
				m.codeHits = m.codeHits || ok
			}
		}
	}
	return m
}

func in(set []bool, c uint32) bool { return set == nil || set[c] }

// others tests every field filter but scope, categories and the search.
func (m *matcher) others(ix *Index, i int) bool {
	return in(m.status, ix.status[i]) && in(m.act, ix.act[i]) && in(m.user, ix.user[i]) && in(m.ws, ix.ws[i]) &&
		(!m.tagging || m.tagged.has(i)) && (m.targets == nil || m.targets[string(ix.shown(i, 1))])
}

// share bounds the share of all rows that pass the field filters (scope
// or categories, as facets need): the smallest share of any one filter.
func (m *matcher) share(ix *Index) float64 {
	if ix.n == 0 {
		return 0
	}
	of := func(set []bool, count []int) float64 {
		if set == nil {
			return 1
		}
		k := 0
		for c, ok := range set {
			if ok {
				k += count[c]
			}
		}
		return float64(k) / float64(ix.n)
	}
	sc := 1.0
	if m.scope != nil && m.cat != nil {
		sc = min(1, of(m.scope, ix.scopeD.count)+of(m.cat, ix.catD.count))
	}
	tagged := 1.0
	if m.tagging {
		tagged = float64(m.tagged.count()) / float64(ix.n)
	}
	return min(sc, tagged, of(m.status, ix.statusD.count), of(m.act, ix.actD.count), of(m.user, ix.userD.count), of(m.ws, ix.wsD.count))
}

// tally is what one pass counts: the facets and the matched rows.
type tally struct {
	scopeN, catN, statusN, userN []int
	rows                         []uint32
}

// Costs in ns, measured on one core, for run's choice of plan.
const (
	costRow     = 4    // one row's codes in walkRange
	costCodeRow = 1    // one row's code in codeRows
	costRowText = 150  // one row's text tested on its own (cache misses), beyond its bytes
	costByte    = 0.5  // a byte tested in one row
	costScan    = 0.15 // a byte of the arena scanned for the term
)

// run counts the rows [lo, hi) that m matches into t. A search either
// tests the text of the rows the field filters leave, or scans the text
// of all of [lo, hi) at once, whichever the costs above say is cheaper.
func (ix *Index) run(m *matcher, lo, hi int, t *tally) {
	if lo >= hi {
		return
	}
	span := float64(hi - lo)
	share := 1.0
	if m.filtered {
		share = m.share(ix)
	}
	if !m.searching {
		t.rows = make([]uint32, 0, int(min(span, share*span*1.1+64)))
		ix.walkRange(m, lo, hi, t)
		return
	}
	text := float64(ix.textStart[hi] - ix.textStart[lo])
	parts := float64(ix.scanParts(lo, hi))
	perRow := span*costRow + share*span*costRowText + share*text*costByte
	arena := text * costScan / parts
	if m.codeHits {
		arena += span * costCodeRow
	}
	ix.search(m, lo, hi, t, m.filtered && perRow < arena)
}

// search tallies the rows of [lo, hi) that m matches, searching with
// walkRange when perRow, else by a scan of the arena.
func (ix *Index) search(m *matcher, lo, hi int, t *tally, perRow bool) {
	if perRow {
		ix.walkRange(m, lo, hi, t)
		return
	}
	hits := newRowBits(lo, hi)
	if !ix.searchRows(m, lo, hi, ix.scanParts(lo, hi), hits) {
		return // a damaged block: Err says so
	}
	if m.codeHits {
		ix.codeRows(m, lo, hi, hits)
	}
	if m.idRow >= lo && m.idRow < hi {
		hits.set(m.idRow)
	}
	ix.walkHits(m, hits, t)
}

// walkRange tallies the matched rows of [lo, hi). A search tests the
// dictionary hits, then the row's text.
func (ix *Index) walkRange(m *matcher, lo, hi int, t *tally) {
	scopeN, catN, statusN, userN, rows := t.scopeN, t.catN, t.statusN, t.userN, t.rows
	for i := lo; i < hi; i++ {
		if m.filtered && !m.others(ix, i) {
			continue
		}
		sc, ca, us := ix.scope[i], ix.cat[i], ix.user[i]
		sOK, cOK := in(m.scope, sc), in(m.cat, ca)
		if !sOK && !cOK {
			continue
		}
		if m.searching && !m.userHit[us] && !m.scopeHit[sc] && !m.catHit[ca] && !m.actHit[ix.act[i]] &&
			(m.ipHit == nil || !m.ipHit[ix.ip[i]]) && i != m.idRow && !ix.rowContains(m, i) {
			continue
		}
		if cOK {
			scopeN[sc]++
		}
		if sOK {
			catN[ca]++
		}
		if sOK && cOK {
			rows = append(rows, uint32(i))
			statusN[ix.status[i]]++
			userN[us]++
		}
	}
	t.rows = rows
}

// walkHits tallies the rows marked in hits (the rows the search matched)
// that pass the field filters.
func (ix *Index) walkHits(m *matcher, hits rowBits, t *tally) {
	n := hits.count()
	parts := max(1, min(runtime.GOMAXPROCS(0), n/walkHitsMin))
	if parts == 1 {
		ix.walkHitsPart(m, hits, t)
		return
	}
	// Split by words of bits, each part its own tally, added up in order.
	step := (len(hits.w) + parts - 1) / parts
	out := make([]tally, parts)
	var wg sync.WaitGroup
	for k := range parts {
		a, b := min(k*step, len(hits.w)), min((k+1)*step, len(hits.w))
		out[k] = tally{
			scopeN: make([]int, len(t.scopeN)), catN: make([]int, len(t.catN)),
			statusN: make([]int, len(t.statusN)), userN: make([]int, len(t.userN)),
		}
		part := rowBits{lo: hits.lo + a<<6, w: hits.w[a:b]}
		wg.Go(func() { ix.walkHitsPart(m, part, &out[k]) })
	}
	wg.Wait()
	total := 0
	for _, o := range out {
		total += len(o.rows)
	}
	t.rows = make([]uint32, 0, total)
	for _, o := range out {
		for _, p := range [][2][]int{{t.scopeN, o.scopeN}, {t.catN, o.catN}, {t.statusN, o.statusN}, {t.userN, o.userN}} {
			for c, v := range p[1] {
				p[0][c] += v
			}
		}
		t.rows = append(t.rows, o.rows...)
	}
}

// walkHitsMin is the fewest hits walkHits gives a goroutine of its own.
var walkHitsMin = 64 << 10

// walkHitsPart is walkHits on one core.
func (ix *Index) walkHitsPart(m *matcher, hits rowBits, t *tally) {
	rows := make([]uint32, 0, hits.count())
	if !m.filtered {
		// Every hit is a row, counted in every facet: no sets to test.
		scope, cat, status, user := ix.scope, ix.cat, ix.status, ix.user
		scopeN, catN, statusN, userN := t.scopeN, t.catN, t.statusN, t.userN
		for k, w := range hits.w {
			base := hits.lo + k<<6
			for w != 0 {
				i := base + bits.TrailingZeros64(w)
				w &= w - 1
				rows = append(rows, uint32(i))
				scopeN[scope[i]]++
				catN[cat[i]]++
				statusN[status[i]]++
				userN[user[i]]++
			}
		}
		t.rows = rows
		return
	}
	hits.each(func(i int) {
		if m.filtered && !m.others(ix, i) {
			return
		}
		sc, ca := ix.scope[i], ix.cat[i]
		sOK, cOK := in(m.scope, sc), in(m.cat, ca)
		if cOK {
			t.scopeN[sc]++
		}
		if sOK {
			t.catN[ca]++
		}
		if sOK && cOK {
			rows = append(rows, uint32(i))
			t.statusN[ix.status[i]]++
			t.userN[ix.user[i]]++
		}
	})
	t.rows = rows
}
