package query

import (
	"hash/crc32"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// checked is the data of an index file, checked block by block against
// its CRC-32Cs the first time a block is read. A block that does not match
// marks the whole index damaged (Err): what was read from it is not used,
// and the caller rebuilds the index. Checking is idempotent and safe for
// concurrent use: two readers of one block may both check it.
type checked struct {
	data []byte
	// f is the file mapped, read at off+k for data[k] where rows are read
	// apart (read); nil where the file was read whole.
	f     *os.File
	off   int64
	sums  []uint32        // per block
	done  []atomic.Uint32 // a bit per block checked and good
	spans [nSections][2]uint64
	room  [nSections]uint64      // bytes after each section's end, up to the next
	head  fileHead               // the header read
	whole [nSections]atomic.Bool // the section was checked whole
	bad   atomic.Bool
}

func newChecked(data []byte, sums []uint32, spans [nSections][2]uint64) *checked {
	return &checked{data: data, sums: sums, done: make([]atomic.Uint32, (len(sums)+31)/32), spans: spans}
}

// check checks the blocks holding data[lo:hi], in section k, and says
// whether they are good. A block's sum is of its bytes up to the
// section's end.
func (c *checked) check(k int, lo, hi uint64) bool {
	if hi <= lo {
		return !c.bad.Load()
	}
	end := c.spans[k][1]
	for b := lo >> blockShift; b <= (hi-1)>>blockShift; b++ {
		if !c.block(b, c.data[b<<blockShift:min((b+1)<<blockShift, end)]) {
			return false
		}
	}
	return true
}

// block checks block b, whose bytes seg are (from the mapping, or read
// from the file), unless it was checked before: a match is remembered, a
// mismatch marks the index damaged.
func (c *checked) block(b uint64, seg []byte) bool {
	w, bit := &c.done[b>>5], uint32(1)<<(b&31)
	if w.Load()&bit != 0 {
		return true
	}
	if crc32.Checksum(seg, castagnoli) != c.sums[b] {
		c.bad.Store(true)
		return false
	}
	w.Or(bit)
	return true
}

// read returns data[lo:hi], in section k, read from the file, not the mapping, into buf
// (grown as needed), its blocks checked (those not checked before); false
// when one does not match or the read fails (Err). Rows read so, one here
// and one there across the file, leave no pages mapped behind them: a
// mapped read of a scattered row brings its neighbours in as well (the
// kernel's fault-around, 64 KiB), and a query's result of 10,000 rows
// held the whole rest of the rows so.
func (c *checked) read(k int, lo, hi uint64, buf *[]byte) ([]byte, bool) {
	blo := lo &^ (blockSize - 1)
	bhi := min(align(hi, blockSize), c.spans[k][1])
	n := int(bhi - blo)
	if cap(*buf) < n {
		*buf = make([]byte, n, max(n, 16<<10))
	}
	b := (*buf)[:n]
	if _, err := c.f.ReadAt(b, c.off+int64(blo)); err != nil {
		c.bad.Store(true)
		return nil, false
	}
	for k := blo >> blockShift; k<<blockShift < bhi; k++ {
		if !c.block(k, b[k<<blockShift-blo:min((k+1)<<blockShift, bhi)-blo]) {
			return nil, false
		}
	}
	return b[lo-blo : hi-blo], true
}

// checkWide is check over a large span, split over the cores.
func (c *checked) checkWide(k int, lo, hi uint64) bool {
	const part = 8 << 20
	parts := min(uint64(runtime.GOMAXPROCS(0)), (hi-lo)/part)
	if parts < 2 {
		return c.check(k, lo, hi)
	}
	var wg sync.WaitGroup
	ok := make([]bool, parts)
	step := (hi - lo) / parts
	for i := range parts {
		a, b := lo+i*step, lo+(i+1)*step
		if i == parts-1 {
			b = hi
		}
		wg.Go(func() { ok[i] = c.check(k, a, b) })
	}
	wg.Wait()
	for _, v := range ok {
		if !v {
			return false
		}
	}
	return true
}

// sections checks the given sections whole, once each.
func (c *checked) sections(secs []int) bool {
	for _, k := range secs {
		if c.whole[k].Load() {
			continue
		}
		if !c.checkWide(k, c.spans[k][0], c.spans[k][1]) {
			return false
		}
		c.whole[k].Store(true)
	}
	return !c.bad.Load()
}

// need says whether the sections are good, checking them whole the first
// time; an index built in memory has nothing to check.
func (ix *Index) need(secs ...int) bool {
	return ix.file == nil || ix.file.sections(secs)
}

// needBytes says whether bytes [lo, hi) of section k are good.
func (ix *Index) needBytes(k int, lo, hi uint64) bool {
	if ix.file == nil {
		return true
	}
	if ix.file.whole[k].Load() {
		return !ix.file.bad.Load()
	}
	base := ix.file.spans[k][0]
	return ix.file.checkWide(k, base+lo, base+hi)
}

// Warm checks (and so brings into memory) the columns every query reads,
// ahead of it: what a window does while its web view starts. A damaged
// block is met there as it would be in the query (Err).
func (ix *Index) Warm() { ix.need(rowCols...) }

// WarmSearch checks the text a search reads, and makes the letter masks
// of one-letter searches from it (letters.go): what a window does once
// its first rows of an index are out. Once an index; later calls return
// at once, or wait for the first.
func (ix *Index) WarmSearch() { ix.makeLetters() }

// SearchWarm says whether WarmSearch has made the letter masks.
func (ix *Index) SearchWarm() bool { return ix.letters.m.Load() != nil }

// Err is ErrIndexDamaged once a block read from the index's file did not
// match its checksum; results read since may be incomplete and must not be
// shown. It is nil for an index built in memory.
func (ix *Index) Err() error {
	if ix.file != nil && ix.file.bad.Load() {
		return ErrIndexDamaged
	}
	return nil
}

// Verify checks every block of the index's file (Err's error if one does
// not match); nil for an index built in memory.
func (ix *Index) Verify() error {
	all := make([]int, nSections)
	for k := range all {
		all[k] = k
	}
	if !ix.need(all...) {
		return ErrIndexDamaged
	}
	return nil
}

// unmapDelay is how long a mapping outlives the last Index over it: a
// method may still be reading a field it sliced from the mapping when the
// collector finds its Index unreachable.
const unmapDelay = 10 * time.Second

// hold ties the mapping's release to ix: it runs some time after ix is
// unreachable.
func (ix *Index) hold(release func()) {
	if release == nil {
		return
	}
	runtime.AddCleanup(ix, func(release func()) { time.AfterFunc(unmapDelay, release) }, release)
}
