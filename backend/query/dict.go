package query

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// dict is one dictionary-coded column's values: a row holds a uint32 code.
// folded is the search form of each value (folded once per entry, so a
// search tests each distinct value once, then only codes); rank orders the
// values bytewise, so sorting by the column is an integer sort.
//
// A dictionary read from a file has its values and counts only: folded,
// rank and lookup are derived on first use (derived), so that opening an
// index does not fold and sort every distinct value (a source IP's
// dictionary at a million events holds about 100,000).
type dict struct {
	vals     []string
	count    []int // code -> rows holding it
	searched bool  // whether folded is wanted

	// raw is the values as the file's meta holds them (n of them, each a
	// uvarint length and its bytes), read into vals on first use (values):
	// the source IPs' dictionary, thousands of values most commands never
	// read. nil for a dictionary built in memory or read at once.
	raw       []byte
	n         int
	parseOnce sync.Once

	once   [3]sync.Once // lookup, folded, rank
	folded []string     // nil for columns that are not searched
	rank   []uint32     // code -> dense rank of vals[code] in bytewise order
	lookup map[string]uint32
}

func newDict() *dict { return &dict{lookup: make(map[string]uint32)} }

// values are d's values, read from raw the first time.
func (d *dict) values() []string {
	if d.raw != nil {
		d.parseOnce.Do(func() {
			vals := make([]string, 0, d.n)
			b := d.raw
			for range d.n {
				l, k := binary.Uvarint(b)
				b = b[k:]
				// The meta is the process's own copy, kept by d: the
				// strings share it.
				vals = append(vals, unsafe.String(unsafe.SliceData(b), int(l)))
				b = b[l:]
			}
			d.vals = vals
		})
	}
	return d.vals
}

// size is how many values d has.
func (d *dict) size() int {
	if d.raw != nil {
		return d.n
	}
	return len(d.vals)
}

// lookups, foldedVals and ranks are d's lookup, folded and rank, each
// made once where it is not yet; safe for concurrent use once d no longer
// changes.
func (d *dict) lookups() map[string]uint32 {
	d.once[0].Do(func() {
		if d.lookup == nil {
			vals := d.values()
			d.lookup = make(map[string]uint32, len(vals))
			for c, v := range vals {
				d.lookup[v] = uint32(c)
			}
		}
	})
	return d.lookup
}

func (d *dict) foldedVals() []string {
	d.once[1].Do(func() {
		if d.searched && d.folded == nil {
			fo := newFolder()
			vals := d.values()
			d.folded = make([]string, len(vals))
			for i, v := range vals {
				d.folded[i] = fo.string(v)
			}
		}
	})
	return d.folded
}

func (d *dict) ranks() []uint32 {
	d.once[2].Do(func() {
		if d.rank == nil {
			vals := d.values()
			d.rank = denseRanks(len(vals), func(a, b int) int { return strings.Compare(vals[a], vals[b]) })
		}
	})
	return d.rank
}

func (d *dict) code(s string) uint32 {
	if c, ok := d.lookup[s]; ok {
		d.count[c]++
		return c
	}
	c := uint32(len(d.vals))
	s = strings.Clone(s)
	d.vals = append(d.vals, s)
	d.count = append(d.count, 1)
	d.lookup[s] = c
	return c
}

// finish folds the values (when searched) and ranks them.
func (d *dict) finish(fo *folder, searched bool) {
	d.searched = searched
	if searched {
		d.folded = make([]string, len(d.vals))
		for i, v := range d.vals {
			d.folded[i] = fo.string(v)
		}
	}
	d.rank = denseRanks(len(d.vals), func(a, b int) int { return strings.Compare(d.vals[a], d.vals[b]) })
}

// finishDicts folds (where searched) and ranks the values of every
// dictionary of ix, once its codes are all given.
func (ix *Index) finishDicts(fo *folder) {
	ix.scopeD.finish(fo, true)
	ix.catD.finish(fo, true)
	ix.actD.finish(fo, true)
	ix.userD.finish(fo, true)
	ix.ipD.finish(fo, true)
	ix.statusD.finish(fo, false)
	ix.wsD.finish()
}

// set marks the codes of the given values; values not in the column are
// skipped (they match no row).
func (d *dict) set(values []string) []bool {
	ok := make([]bool, d.size())
	lookup := d.lookups()
	for _, v := range values {
		if c, found := lookup[v]; found {
			ok[c] = true
		}
	}
	return ok
}

// hits marks the entries whose folded value contains the folded term.
func (d *dict) hits(term string) []bool {
	folded := d.foldedVals()
	h := make([]bool, len(folded))
	for i, v := range folded {
		h[i] = strings.Contains(v, term)
	}
	return h
}

// wsDict codes the workspace column: code 0 is "no workspace" (nil), so a
// rebuilt event keeps nil apart from an empty Ref. Ranks order by name
// (empty for none) and are dense, so equal names tie and fall back to
// (timestamp, id) as every sort does.
type wsDict struct {
	refs   []audit.Ref // refs[0] is the nil workspace's placeholder
	rank   []uint32
	count  []int // code -> rows holding it
	lookup map[audit.Ref]uint32
}

func newWSDict() *wsDict {
	return &wsDict{refs: []audit.Ref{{}}, count: []int{0}, lookup: make(map[audit.Ref]uint32)}
}

func (d *wsDict) code(r *audit.Ref) uint32 {
	if r == nil {
		d.count[0]++
		return 0
	}
	if c, ok := d.lookup[*r]; ok {
		d.count[c]++
		return c
	}
	c := uint32(len(d.refs))
	ref := audit.Ref{ID: strings.Clone(r.ID), Name: strings.Clone(r.Name)}
	d.refs = append(d.refs, ref)
	d.count = append(d.count, 1)
	d.lookup[ref] = c
	return c
}

func (d *wsDict) finish() {
	d.rank = denseRanks(len(d.refs), func(a, b int) int { return strings.Compare(d.refs[a].Name, d.refs[b].Name) })
}

// withID marks the codes of workspaces whose id is id (code 0, no
// workspace, never).
func (d *wsDict) withID(id string) []bool {
	ok := make([]bool, len(d.refs))
	for c := 1; c < len(d.refs); c++ {
		ok[c] = d.refs[c].ID == id
	}
	return ok
}

// denseRanks gives each of n items its rank under cmpFn; equal items share
// a rank and ranks have no gaps.
func denseRanks(n int, cmpFn func(a, b int) int) []uint32 {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(cmpFn(a, b), cmp.Compare(a, b)) })
	rank := make([]uint32, n)
	r := uint32(0)
	for i, c := range order {
		if i > 0 && cmpFn(order[i-1], c) != 0 {
			r++
		}
		rank[c] = r
	}
	return rank
}
