package query

import (
	"bytes"
	"cmp"
	"io"
	"runtime"
	"slices"
	"sync"
)

// Search of the free text. The targets and descriptions of all rows lie
// end to end in ix.text, so one search over the whole arena replaces a
// call per row: find the term, map its offset to a row (galloping from the
// last hit), keep it if it lies inside one field of that row, jump to the
// next row. The term is found by its rarest byte (bytes.IndexByte, which
// scans at memory speed; an ASCII letter in either case, each case's
// next place kept), then compared whole, ASCII letters lowered. That is
// the folded search for every row whose folded text is its text with
// ASCII letters lowered; the others (textMid's foldedBit) are skipped
// there and searched in their folded text, exc, the same way but exactly.

// byteFreq counts the bytes of a sample of text: the first 64 KiB of every
// 1 MiB, all of it when shorter.
func byteFreq(text []byte) *[256]uint32 {
	const chunk, stride = 64 << 10, 1 << 20
	var f [4][256]uint32
	for off := 0; off < len(text); off += stride {
		s := text[off:min(off+chunk, len(text))]
		for len(s) >= 4 {
			f[0][s[0]]++
			f[1][s[1]]++
			f[2][s[2]]++
			f[3][s[3]]++
			s = s[4:]
		}
		for _, c := range s {
			f[0][c]++
		}
	}
	out := new([256]uint32)
	for c := range out {
		out[c] = f[0][c] + f[1][c] + f[2][c] + f[3][c]
	}
	return out
}

// freqWriter counts the bytes byteFreq would sample of what it passes on:
// the first 64 KiB of every MiB.
type freqWriter struct {
	w   io.Writer
	pos int
	f   *[256]uint32
	n   int
}

func newFreqWriter(w io.Writer) *freqWriter { return &freqWriter{w: w, f: new([256]uint32)} }

func (fw *freqWriter) Write(p []byte) (int, error) {
	const chunk, stride = 64 << 10, 1 << 20
	for off := 0; off < len(p); {
		in := fw.pos % stride
		k := min(stride-in, len(p)-off)
		if in < chunk {
			k = min(chunk-in, len(p)-off)
			for _, c := range p[off : off+k] {
				fw.f[c]++
			}
			fw.n += k
		}
		off += k
		fw.pos += k
	}
	return fw.w.Write(p)
}

// finder finds one folded term.
type finder struct {
	term []byte
	k    int  // offset in term of its rarest byte
	b    byte // term[k]
	// alt is b's upper case where b is an ASCII letter and the finder
	// caseless (it matches text whose ASCII letters lowered hold the
	// term); b otherwise.
	alt      byte
	caseless bool
	// whole: the rarest byte is so common that bytes.Index, which adapts to
	// its first byte's misses, does better (exact finders only).
	whole bool
}

// commonByte is the share of the text (1/commonByte) above which a byte is
// too common to find candidates by. Measured at 1M simulator events, a
// byte as common as 5% (a, d, n) still does as well or better than
// bytes.Index, whose first byte is no rarer.
const commonByte = 10

func newFinder(term []byte, freq *[256]uint32, sampled int, caseless bool) finder {
	fd := finder{term: term, caseless: caseless}
	weight := func(c byte) uint32 {
		if caseless && 'a' <= c && c <= 'z' {
			return freq[c] + freq[c-'a'+'A']
		}
		return freq[c]
	}
	for i := 1; i < len(term); i++ {
		if weight(term[i]) < weight(term[fd.k]) {
			fd.k = i
		}
	}
	fd.b, fd.alt = term[fd.k], term[fd.k]
	if caseless && 'a' <= fd.b && fd.b <= 'z' {
		fd.alt = fd.b - 'a' + 'A'
	}
	fd.whole = !caseless && int(weight(fd.b)) > sampled/commonByte
	return fd
}

// equal says whether t (of the term's length) is the term: ASCII letters
// lowered when caseless.
func (fd *finder) equal(t []byte) bool {
	if !fd.caseless {
		return string(t) == string(fd.term)
	}
	for i, c := range fd.term {
		if lower(t[i]) != c {
			return false
		}
	}
	return true
}

// cursor finds a finder's term in one text, front to back, keeping where
// each case of the rarest byte is next found: a rare capital is not
// looked for again at every lower-case hit.
type cursor struct {
	fd       *finder
	s        []byte
	end      int // candidates p have p+k < end
	nb, nalt int // next b, alt at or after the last search's start; -1 none, -2 not looked for
}

func (fd *finder) in(s []byte) cursor {
	return cursor{fd: fd, s: s, end: len(s) - len(fd.term) + 1 + fd.k, nb: -2, nalt: -2}
}

// next is the offset of the first occurrence of the term at or after pos,
// or -1. pos never goes back between calls.
func (c *cursor) next(pos int) int {
	fd := c.fd
	n := len(fd.term)
	if fd.whole {
		if j := bytes.Index(c.s[pos:], fd.term); j >= 0 {
			return pos + j
		}
		return -1
	}
	for pos+fd.k < c.end {
		at := pos + fd.k
		c.nb = c.seek(c.nb, fd.b, at)
		p := c.nb
		if fd.alt != fd.b {
			c.nalt = c.seek(c.nalt, fd.alt, at)
			if p < 0 || c.nalt >= 0 && c.nalt < p {
				p = c.nalt
			}
		}
		if p < 0 {
			return -1
		}
		p -= fd.k
		if fd.equal(c.s[p : p+n]) {
			return p
		}
		pos = p + 1
	}
	return -1
}

// seek is the next b at or after at, given the last one found (-1 none
// left, -2 not looked for).
func (c *cursor) seek(last int, b byte, at int) int {
	if last == -1 || last >= at {
		return last
	}
	if j := bytes.IndexByte(c.s[at:c.end], b); j >= 0 {
		return at + j
	}
	return -1
}

// arena is a text searched: entries end to end in b, entry e at
// [start[e], start[e+1]), its first field ending mid[e] into it (without
// foldedBit); skip, for ix.text, leaves the entries marked foldedBit;
// row is the row of each entry (nil: the entry is the row).
type arena struct {
	b     []byte
	start []uint64
	mid   []uint32
	row   []uint32
	skip  bool
}

func (ix *Index) textArena() arena {
	return arena{b: ix.text, start: ix.textStart, mid: ix.textMid, skip: true}
}

func (ix *Index) excArena() arena {
	return arena{b: ix.exc, start: ix.excStart, mid: ix.excMid, row: ix.excRow}
}

// scanRows marks in bits the rows of the entries [lo, hi) of a whose
// first or second field contains the term.
func (a *arena) scanRows(fd *finder, lo, hi int, bits rowBits) {
	if lo >= hi {
		return
	}
	ts := a.start
	cur := fd.in(a.b[:ts[hi]])
	n := len(fd.term)
	r := lo
	for pos := int(ts[lo]); ; {
		p := cur.next(pos)
		if p < 0 {
			return
		}
		// The entry holding p: the last r with ts[r] <= p, galloping from
		// the last one.
		step := 1
		for r+step < hi && int(ts[r+step]) <= p {
			r += step
			step *= 2
		}
		for step > 1 {
			step /= 2
			if r+step < hi && int(ts[r+step]) <= p {
				r += step
			}
		}
		m := a.mid[r]
		mid, end := int(ts[r])+int(m&^foldedBit), int(ts[r+1])
		switch {
		case a.skip && m&foldedBit != 0:
			pos = end
		case p+n <= mid || p >= mid && p+n <= end:
			if a.row != nil {
				bits.set(int(a.row[r]))
			} else {
				bits.set(r)
			}
			pos = end
		default:
			pos = p + 1 // across a field's or a row's end
		}
	}
}

// minPart is the least text one goroutine of a parallel scan gets.
const minPart = 4 << 20

// searchRows marks in bits (over [lo, hi)) the rows whose text holds the
// term, m.fd in the text split over parts goroutines, m.fx in the folded text of the rows in exc; false when a block
// of the text is damaged (Err).
func (ix *Index) searchRows(m *matcher, lo, hi, parts int, bits rowBits) bool {
	if lo >= hi {
		return true
	}
	if ix.letterRows(m.letter, lo, hi, bits) {
		return true
	}
	if !ix.need(textCols...) || !ix.needBytes(secText, ix.textStart[lo], ix.textStart[hi]) || !ix.need(excCols...) {
		return false
	}
	ix.scanSplit(&m.fd, lo, hi, parts, bits)
	elo, ehi := lowerBound(ix.excRow, uint32(lo)), lowerBound(ix.excRow, uint32(hi))
	if elo < ehi {
		if !ix.needBytes(secExc, ix.excStart[elo], ix.excStart[ehi]) {
			return false
		}
		exc := ix.excArena()
		exc.scanRows(&m.fx, elo, ehi, bits)
	}
	return true
}

// scanSplit is the text's scanRows over [lo, hi) split into parts (as
// equal in text as row boundaries at multiples of 64 rows from lo allow,
// so that no two parts mark the same word of bits), all but the first on
// new goroutines.
func (ix *Index) scanSplit(fd *finder, lo, hi, parts int, bits rowBits) {
	if lo >= hi {
		return
	}
	text := ix.textArena()
	tlo, thi := ix.textStart[lo], ix.textStart[hi]
	if parts < 2 {
		text.scanRows(fd, lo, hi, bits)
		return
	}
	bounds := make([]int, parts+1)
	bounds[0], bounds[parts] = lo, hi
	for k := 1; k < parts; k++ {
		want := tlo + (thi-tlo)*uint64(k)/uint64(parts)
		b := lo + lowerBound(ix.textStart[lo:hi], want)
		b = lo + (b-lo)&^63
		bounds[k] = max(b, bounds[k-1])
	}
	var wg sync.WaitGroup
	for k := 1; k < parts; k++ {
		wg.Go(func() { text.scanRows(fd, bounds[k], bounds[k+1], bits) })
	}
	text.scanRows(fd, bounds[0], bounds[1], bits)
	wg.Wait()
}

// scanParts is how many goroutines searchRows splits [lo, hi) over.
func (ix *Index) scanParts(lo, hi int) int {
	return max(1, min(runtime.GOMAXPROCS(0), int((ix.textStart[hi]-ix.textStart[lo])/minPart), 8))
}

// lowerBound is the first index of s (ascending) with s[i] >= v.
func lowerBound[T cmp.Ordered](s []T, v T) int {
	i, _ := slices.BinarySearch(s, v)
	return i
}

// rowContains says whether row i's target or description, folded,
// contains the term.
func (ix *Index) rowContains(m *matcher, i int) bool {
	if l := ix.letterMask(); m.letter != 0 && l != nil {
		return l[i]&m.letter != 0
	}
	t := ix.rowText(i)
	if t == nil {
		return false
	}
	fd, mid := &m.fd, ix.mid(i)
	if ix.textMid[i]&foldedBit != 0 {
		if !ix.need(excCols...) {
			return false
		}
		k := lowerBound(ix.excRow, uint32(i))
		lo, hi := ix.excStart[k], ix.excStart[k+1]
		if !ix.needBytes(secExc, lo, hi) {
			return false
		}
		fd, t, mid = &m.fx, ix.exc[lo:hi], uint64(ix.excMid[k])
	}
	c1, c2 := fd.in(t[:mid]), fd.in(t[mid:])
	return c1.next(0) >= 0 || c2.next(0) >= 0
}
