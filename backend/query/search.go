package query

import (
	"bytes"
	"io"
	"runtime"
	"sync"
)

// Search of the free text. The folded targets and descriptions of all rows
// lie end to end in ix.text, so one search over the whole arena replaces a
// call per row: find the term, map its offset to a row (galloping from the
// last hit), keep it if it lies inside one field of that row, jump to the
// next row. The term is found by its rarest byte (bytes.IndexByte, which
// scans at memory speed), then compared whole.

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
	// whole: the rarest byte is so common that bytes.Index, which adapts to
	// its first byte's misses, does better.
	whole bool
}

// commonByte is the share of the text (1/commonByte) above which a byte is
// too common to find candidates by. Measured at 1M simulator events, a
// byte as common as 5% (a, d, n) still does as well or better than
// bytes.Index, whose first byte is no rarer.
const commonByte = 10

func newFinder(term []byte, freq *[256]uint32, sampled int) finder {
	fd := finder{term: term}
	for i := 1; i < len(term); i++ {
		if freq[term[i]] < freq[term[fd.k]] {
			fd.k = i
		}
	}
	fd.b = term[fd.k]
	fd.whole = int(freq[fd.b]) > sampled/commonByte
	return fd
}

// next is the offset of the first occurrence of the term in s at or after
// pos, or -1.
func (fd *finder) next(s []byte, pos int) int {
	n := len(fd.term)
	if fd.whole {
		if j := bytes.Index(s[pos:], fd.term); j >= 0 {
			return pos + j
		}
		return -1
	}
	end := len(s) - n + 1 + fd.k // candidates p have p+k < end
	for pos+fd.k < end {
		j := bytes.IndexByte(s[pos+fd.k:end], fd.b)
		if j < 0 {
			return -1
		}
		p := pos + j
		if string(s[p:p+n]) == string(fd.term) {
			return p
		}
		pos = p + 1
	}
	return -1
}

// scanRows marks in bits the rows in [lo, hi) whose folded target or
// folded description contains the term.
func (ix *Index) scanRows(fd *finder, lo, hi int, bits rowBits) {
	if lo >= hi {
		return
	}
	s := ix.text[:ix.textStart[hi]]
	ts := ix.textStart
	n := len(fd.term)
	r := lo
	for pos := int(ts[lo]); ; {
		p := fd.next(s, pos)
		if p < 0 {
			return
		}
		// The row holding p: the last r with ts[r] <= p, galloping from
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
		mid, end := int(ts[r])+int(ix.textMid[r]), int(ts[r+1])
		if p+n <= mid || p >= mid && p+n <= end {
			bits.set(r)
			pos = end
		} else {
			pos = p + 1 // across a field's or a row's end
		}
	}
}

// minPart is the least text one goroutine of a parallel scan gets.
const minPart = 4 << 20

// searchRows marks in bits (over [lo, hi)) the rows whose text holds the
// term, split over the available cores when the text is large; false when
// a block of the text is damaged (Err).
func (ix *Index) searchRows(fd *finder, lo, hi int, bits rowBits) bool {
	if lo >= hi {
		return true
	}
	if !ix.needBytes(secText, ix.textStart[lo], ix.textStart[hi]) {
		return false
	}
	ix.scanSplit(fd, lo, hi, ix.scanParts(lo, hi), bits)
	return true
}

// scanSplit is scanRows over [lo, hi) split into parts (as equal in text
// as row boundaries at multiples of 64 rows from lo allow, so that no two
// parts mark the same word of bits), all but the first on new goroutines.
func (ix *Index) scanSplit(fd *finder, lo, hi, parts int, bits rowBits) {
	if lo >= hi {
		return
	}
	tlo, thi := ix.textStart[lo], ix.textStart[hi]
	if parts < 2 {
		ix.scanRows(fd, lo, hi, bits)
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
		wg.Go(func() { ix.scanRows(fd, bounds[k], bounds[k+1], bits) })
	}
	ix.scanRows(fd, bounds[0], bounds[1], bits)
	wg.Wait()
}

// scanParts is how many goroutines searchRows splits [lo, hi) over.
func (ix *Index) scanParts(lo, hi int) int {
	return max(1, min(runtime.GOMAXPROCS(0), int((ix.textStart[hi]-ix.textStart[lo])/minPart), 8))
}

// lowerBound is the first index of s (ascending) with s[i] >= v.
func lowerBound(s []uint64, v uint64) int {
	i, j := 0, len(s)
	for i < j {
		h := int(uint(i+j) >> 1)
		if s[h] < v {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}

// rowContains says whether row i's folded target or description contains
// the term.
func (ix *Index) rowContains(fd *finder, i int) bool {
	if !ix.rowText(i) {
		return false
	}
	return fd.next(ix.foldedTarget(i), 0) >= 0 || fd.next(ix.foldedDesc(i), 0) >= 0
}
