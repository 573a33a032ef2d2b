package query

import (
	mbits "math/bits"
	"sync"
	"sync/atomic"
)

// Letter masks: for each row, the ASCII letters a to z that its folded
// target and description hold, bit c-'a'. A search for one letter (the
// first key typed in the search box) reads these 4 bytes a row instead of
// scanning the whole text: at a million events that is 4 MiB against 70
// MiB, most of whose rows hold a common letter. They are made in memory,
// once, when the window warms the search (WarmSearch), and never saved:
// no bytes on disk, 4 a row in memory, and a command that runs one query
// does not pay for them.
type letterMasks struct {
	once sync.Once
	m    atomic.Pointer[[]uint32]
}

// letterBit is the bit of the folded one-byte search term t in a letter
// mask, 0 when t is not one ASCII letter.
func letterBit(t string) uint32 {
	if len(t) == 1 && 'a' <= t[0] && t[0] <= 'z' {
		return 1 << (t[0] - 'a')
	}
	return 0
}

// maskOf adds the ASCII letters of s, in either case, to mask.
func maskOf(mask uint32, s []byte) uint32 {
	for _, c := range s {
		c |= 0x20 // an ASCII capital to its small letter; no other byte lands in a to z but from a capital or itself
		if 'a' <= c && c <= 'z' {
			mask |= 1 << (c - 'a')
		}
	}
	return mask
}

// makeLetters makes the letter masks once; a call while they are being
// made waits for them.
func (ix *Index) makeLetters() { ix.letters.once.Do(ix.buildLetters) }

// buildLetters makes the letter masks from the folded text of each row
// (exc for the rows marked foldedBit, the text otherwise); none when a
// block of the text is damaged (the search scans, and says so).
func (ix *Index) buildLetters() {
	if !ix.need(append(append(textCols, excCols...), secText, secExc)...) ||
		!ix.needBytes(secText, 0, ix.textStart[ix.n]) || !ix.needBytes(secExc, 0, ix.excStart[len(ix.excRow)]) {
		return
	}
	m := make([]uint32, ix.n)
	k := 0 // the next row of exc
	for i := range m {
		if ix.textMid[i]&foldedBit == 0 {
			m[i] = maskOf(0, ix.text[ix.textStart[i]:ix.textStart[i+1]])
			continue
		}
		for k < len(ix.excRow) && int(ix.excRow[k]) < i {
			k++
		}
		if k < len(ix.excRow) && int(ix.excRow[k]) == i {
			m[i] = maskOf(0, ix.exc[ix.excStart[k]:ix.excStart[k+1]])
		}
	}
	ix.letters.m.Store(&m)
}

// letterMask is the letter masks once made, nil before.
func (ix *Index) letterMask() []uint32 {
	if p := ix.letters.m.Load(); p != nil {
		return *p
	}
	return nil
}

// letterRows marks in bits the rows of [lo, hi) whose mask has bit; false
// when the masks are not made (the text is scanned then).
func (ix *Index) letterRows(bit uint32, lo, hi int, bits rowBits) bool {
	m := ix.letterMask()
	if bit == 0 || m == nil {
		return false
	}
	pos := uint(mbits.TrailingZeros32(bit))
	// A word of bits at a time, 64 rows, without a branch.
	for k := range bits.w {
		base := bits.lo + k<<6
		var w uint64
		for j, x := range m[base:min(base+64, hi)] {
			w |= uint64(x>>pos&1) << j
		}
		bits.w[k] |= w
	}
	return true
}
