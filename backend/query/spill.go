package query

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// Spill builds an index file from events given one at a time, its columns
// appended to files in a folder of their own as the events come, so that a
// first sync of any size holds no more than the dictionaries in memory:
// each page's rows go to the files as the page is committed, and the sync
// ends with one pass that copies the files into the index (Finish), never
// a rescan of the cache. The files are the sections of the index file as
// they will lie in it (persist.go).
//
// Events must come in (time, id) order, as the API serves them, or in the
// reverse of it, as a console export lists them (newest first): the rows
// are then written as they come and turned round at Finish, one pass over
// the files from their ends. Finish reports ErrUnordered for any other
// order, and the caller builds the index another way. A Spill is for one
// goroutine.
type Spill struct {
	dir string
	f   [nSections]*os.File
	w   [nSections]*bufio.Writer
	len [nSections]uint64 // bytes written to each

	scopeD, catD, actD, statusD, userD, ipD *dict
	idLen                                   idLens
	wsD                                     *wsDict
	fo                                      folder

	n               int
	textLen, excLen uint64
	restLen         uint64
	restRows        uint32
	rest            grouper
	lastTS          int64
	lastID          string
	unordered       bool
	// desc: the events come newest first. The rest's rows are then kept
	// raw (secRest, their offsets in secRestStart, restLen their bytes)
	// and grouped at Finish, in the index's order.
	desc         bool
	err          error
	scratch, row []byte
}

// ErrUnordered is Finish's error for events that did not come in (time,
// id) order.
var ErrUnordered = errors.New("query: the events did not come in time order")

// NewSpill makes dir (removing what a crashed build left there) and
// starts an empty index in it.
func NewSpill(dir string) (*Spill, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("query: spill: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("query: spill: %w", err)
	}
	s := &Spill{
		dir: dir, fo: newFolder(),
		scopeD: newDict(), catD: newDict(), actD: newDict(), statusD: newDict(), userD: newDict(), ipD: newDict(), wsD: newWSDict(),
	}
	for k := range nSections {
		f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(k)), os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("query: spill: %w", err)
		}
		s.f[k], s.w[k] = f, bufio.NewWriterSize(f, 64<<10)
	}
	// The offsets' first row: the arenas start at 0.
	s.u64(secTextStart, 0)
	s.u64(secExcStart, 0)
	s.groupRest()
	return s, s.err
}

// groupRest starts the rest's sections: the first group's offset and row,
// and the grouper's groups appended as they are compressed.
func (s *Spill) groupRest() {
	s.u64(secRestStart, 0)
	s.u32(secRestRow, 0)
	s.rest.emit = func(comp []byte, rows int) error {
		s.put(secRest, comp)
		s.restLen += uint64(len(comp))
		s.restRows += uint32(rows)
		s.u64(secRestStart, s.restLen)
		s.u32(secRestRow, s.restRows)
		return s.err
	}
}

func (s *Spill) put(k int, b []byte) {
	if s.err != nil {
		return
	}
	_, s.err = s.w[k].Write(b)
	s.len[k] += uint64(len(b))
}

func (s *Spill) puts(k int, v string) {
	if s.err != nil {
		return
	}
	_, s.err = s.w[k].WriteString(v)
	s.len[k] += uint64(len(v))
}

func (s *Spill) u32(k int, v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	s.put(k, b[:])
}

func (s *Spill) u64(k int, v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	s.put(k, b[:])
}

// Len is how many events it holds.
func (s *Spill) Len() int { return s.n }

// Add appends one event's row; its strings are copied. The first error
// (a full disk) is returned from then on.
func (s *Spill) Add(e *audit.Event) error {
	if s.err != nil {
		return s.err
	}
	if err := checkEvent(e, s.n); err != nil {
		return err
	}
	ns := e.Time.UnixNano()
	if s.n > 0 {
		// The second event says which way they come.
		switch c := cmp.Or(cmp.Compare(ns, s.lastTS), strings.Compare(e.ID, s.lastID)); {
		case c < 0 && s.n == 1:
			s.startDesc()
		case c < 0 && !s.desc, c > 0 && s.desc:
			s.unordered = true
		}
	}
	s.lastTS, s.lastID = ns, e.ID
	s.idLen.add(e.ID)
	s.u64(secTS, uint64(ns))
	s.u32(secScope, s.scopeD.code(string(e.Scope)))
	s.u32(secCat, s.catD.code(e.Category))
	s.u32(secAct, s.actD.code(e.Action))
	s.u32(secStatus, s.statusD.code(string(e.Status)))
	s.u32(secUser, s.userD.code(e.User))
	s.u32(secWS, s.wsD.code(e.Workspace))
	s.u32(secIP, s.ipD.code(e.SourceIP))

	s.row = appendRest(s.row[:0], e.ID, "", e.Details)
	if s.desc {
		s.putRestRaw(s.row)
	} else if err := s.rest.add(s.row); err != nil && s.err == nil {
		s.err = err
	}

	mid := uint32(len(e.Target))
	folded, fmid, plain := s.fo.searchText(s.scratch[:0], e.Target, e.Description)
	s.scratch = folded
	if !plain {
		mid |= foldedBit
		s.u32(secExcRow, uint32(s.n))
		s.u32(secExcMid, uint32(fmid))
		s.put(secExc, folded)
		s.excLen += uint64(len(folded))
		s.u64(secExcStart, s.excLen)
	}
	s.puts(secText, e.Target)
	s.puts(secText, e.Description)
	s.u32(secTextMid, mid)
	s.textLen += uint64(len(e.Target) + len(e.Description))
	s.u64(secTextStart, s.textLen)
	s.n++
	return s.err
}

// Finish writes the index of the events added to out, from its start, and
// removes the folder. out is the file that will become the index (the
// caller makes it so, atomically); its content is written in one pass over
// the column files, read, not mapped, so the columns never count in the
// process's memory. Events not in order give ErrUnordered.
func (s *Spill) Finish(out *os.File) error {
	defer s.Close()
	if s.err != nil {
		return fmt.Errorf("query: spill: %w", s.err)
	}
	if s.unordered {
		return ErrUnordered
	}
	if s.desc {
		if err := s.turnRest(); err != nil {
			return fmt.Errorf("query: spill: %w", err)
		}
	}
	s.rest.flush()
	if s.rest.err != nil {
		return fmt.Errorf("query: spill: %w", s.rest.err)
	}
	for k := range nSections {
		if err := s.w[k].Flush(); err != nil {
			return fmt.Errorf("query: spill: %w", err)
		}
	}
	ix := &Index{n: s.n, scopeD: s.scopeD, catD: s.catD, actD: s.actD, statusD: s.statusD, userD: s.userD, ipD: s.ipD, wsD: s.wsD, idLen: s.idLen}
	ix.finishDicts(&s.fo)
	err := writeStreamed(out, ix, &s.len, func(k int, w io.Writer) error {
		if k == secText {
			// The search's byte sample, taken as the text goes by.
			fw := newFreqWriter(w)
			defer func() { ix.freq, ix.freqN = fw.f, fw.n }()
			w = fw
		}
		if s.desc {
			return s.emitTurned(k, w)
		}
		_, err := io.Copy(w, io.NewSectionReader(s.f[k], 0, int64(s.len[k])))
		return err
	})
	if err != nil {
		return fmt.Errorf("query: spill: %w", err)
	}
	return nil
}

// writeStreamed writes an index file to out, from its start, whose
// sections (of the given lengths) emit writes one after the other; ix
// gives n, the dictionaries with their counts, and the byte frequencies
// (which emit may set as it writes the text: the meta is made last). The
// sections' places, and so the meta's size, block sums included, are
// known before a byte is written: the data goes first, each section at
// its offset (the room after it a hole, which takes no disk), summing its
// blocks, then the meta and the header. Nothing is held but a buffer.
func writeStreamed(out *os.File, ix *Index, lens *[nSections]uint64, emit func(k int, w io.Writer) error) error {
	lay, metaLen := planFile(ix, lens)
	sw := &sectionWriter{out: out, buf: make([]byte, 0, 1<<20)}
	for k := range nSections {
		if err := sw.seek(lay.off[k]); err != nil {
			return err
		}
		start := sw.at
		if err := emit(k, sw); err != nil {
			return err
		}
		if sw.err != nil {
			return sw.err
		}
		if got := sw.at + uint64(len(sw.buf)) - start; got != lens[k] {
			return fmt.Errorf("section %d: %d bytes written, %d planned", k, got, lens[k])
		}
	}
	if err := sw.flush(); err != nil {
		return err
	}
	meta := ix.appendMeta(nil, &lay.off, lens, sw.sums.to(lay.dataLen>>blockShift))
	if len(meta) != metaLen {
		return fmt.Errorf("meta of %d bytes, %d planned", len(meta), metaLen)
	}
	if _, err := out.WriteAt(meta, int64(lay.metaOff())); err != nil {
		return err
	}
	if err := out.Truncate(int64(lay.size())); err != nil {
		return err
	}
	_, err := out.WriteAt(firstHead(ix.n, &lay, meta), 0)
	return err
}

// sectionWriter writes the data of an index file in out, in order,
// summing its blocks; at is the offset in the data where buf goes.
type sectionWriter struct {
	out  *os.File
	at   uint64
	buf  []byte
	sums blockSums
	err  error
}

func (w *sectionWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && w.err == nil {
		k := min(len(p), cap(w.buf)-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == cap(w.buf) {
			w.err = w.flush()
		}
	}
	return n, w.err
}

func (w *sectionWriter) flush() error {
	if len(w.buf) == 0 {
		return w.err
	}
	_ = w.sums.write(w.buf)
	_, err := w.out.WriteAt(w.buf, int64(dataAlign+w.at))
	w.at += uint64(len(w.buf))
	w.buf = w.buf[:0]
	return err
}

// seek ends a section and starts the next at off, leaving a hole between.
func (w *sectionWriter) seek(off uint64) error {
	if err := w.flush(); err != nil {
		return err
	}
	w.sums.to(off >> blockShift)
	w.at = off
	return w.err
}

// Close removes the folder and what is in it; Finish calls it.
func (s *Spill) Close() {
	for _, f := range s.f {
		if f != nil {
			_ = f.Close()
		}
	}
	_ = os.RemoveAll(s.dir)
}

// startDesc is called at the second event when it is older than the
// first: the rest's rows go raw from now on, the first's too (still in
// the grouper: a group is many rows).
func (s *Spill) startDesc() {
	s.desc = true
	first := s.rest.raw
	s.rest.raw, s.rest.rows = nil, 0
	s.putRestRaw(first)
}

// putRestRaw appends a rest row, uncompressed, and its end's offset.
func (s *Spill) putRestRaw(row []byte) {
	s.put(secRest, row)
	s.restLen += uint64(len(row))
	s.u64(secRestStart, s.restLen)
}

// turnRest groups the rest's rows of events that came newest first, kept
// raw, in (time, id) order, compressed as they go, into files of their own
// that then stand for the three rest sections. The other sections keep
// their lengths when turned round, and are turned as Finish writes them
// (emitTurned).
func (s *Spill) turnRest() error {
	for k := range nSections {
		if err := s.w[k].Flush(); err != nil {
			return err
		}
	}
	r := &Spill{dir: filepath.Join(s.dir, "turned")}
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return err
	}
	rest := []int{secRest, secRestStart, secRestRow}
	for _, k := range rest {
		f, err := os.OpenFile(filepath.Join(r.dir, strconv.Itoa(k)), os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
		if err != nil {
			r.Close()
			return err
		}
		r.f[k], r.w[k] = f, bufio.NewWriterSize(f, 64<<10)
	}
	r.groupRest()
	err := s.turnRows(secRest, secRestStart, r.rest.add)
	r.rest.flush()
	for _, k := range rest {
		err = cmp.Or(err, r.err, r.rest.err, r.w[k].Flush())
	}
	if err != nil {
		r.Close()
		return err
	}
	for _, k := range rest {
		_ = s.f[k].Close()
		_ = os.Remove(s.f[k].Name())
		s.f[k], s.w[k], s.len[k] = r.f[k], r.w[k], r.len[k]
	}
	return nil
}

// emitTurned writes section k of events that came newest first to w in
// (time, id) order, the rest's excepted (turnRest): the fixed-width
// columns element by element from the end, the text and the exceptions
// row by row from the end with their offsets made anew, and each
// exception's row number counted from the other end.
func (s *Spill) emitTurned(k int, w io.Writer) error {
	n := uint32(s.n)
	switch k {
	case secTS:
		return s.turnFixed(w, k, 8, nil)
	case secScope, secCat, secAct, secStatus, secUser, secWS, secIP, secTextMid, secExcMid:
		return s.turnFixed(w, k, 4, nil)
	case secExcRow:
		return s.turnFixed(w, k, 4, func(b []byte) {
			for i := 0; i < len(b); i += 4 {
				binary.LittleEndian.PutUint32(b[i:], n-1-binary.LittleEndian.Uint32(b[i:]))
			}
		})
	case secText, secExc:
		return s.turnRows(k, startsOf(k), func(row []byte) error {
			_, err := w.Write(row)
			return err
		})
	case secTextStart, secExcStart:
		var at uint64
		b := binary.LittleEndian.AppendUint64(make([]byte, 0, 8), 0)
		if _, err := w.Write(b); err != nil {
			return err
		}
		return s.turnRows(-1, k, func(row []byte) error {
			at += uint64(len(row))
			_, err := w.Write(binary.LittleEndian.AppendUint64(b[:0], at))
			return err
		})
	}
	_, err := io.Copy(w, io.NewSectionReader(s.f[k], 0, int64(s.len[k])))
	return err
}

// startsOf is the section of the offsets of section k's rows.
func startsOf(k int) int {
	if k == secText {
		return secTextStart
	}
	return secExcStart
}

// turnChunk is how many bytes turnFixed reads at a time.
const turnChunk = 1 << 20

// turnFixed writes section k of width-byte elements to w from its last
// element to its first, each chunk passed to fix (when given) turned.
func (s *Spill) turnFixed(w io.Writer, k, width int, fix func([]byte)) error {
	buf := make([]byte, turnChunk/width*width)
	for hi := int64(s.len[k]); hi > 0; {
		lo := max(0, hi-int64(len(buf)))
		b := buf[:hi-lo]
		if _, err := s.f[k].ReadAt(b, lo); err != nil {
			return err
		}
		for i, j := 0, len(b)-width; i < j; i, j = i+width, j-width {
			for x := range width {
				b[i+x], b[j+x] = b[j+x], b[i+x]
			}
		}
		if fix != nil {
			fix(b)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		hi = lo
	}
	return nil
}

// sized is b resliced to n bytes, grown if need be (its content unread).
func sized(b []byte, n int) []byte { return slices.Grow(b[:0], n)[:n] }

// turnRowsBlock is how many rows turnRows reads at a time.
const turnRowsBlock = 8192

// turnRows gives each row of section k, whose ends section offs holds
// (u64 offsets, from a first 0), to fn, from the last row to the first;
// for k -1 the rows are only as long as theirs (for their lengths).
func (s *Spill) turnRows(k, offs int, fn func(row []byte) error) error {
	rows := int64(s.len[offs]/8) - 1
	ob := make([]byte, 8*(turnRowsBlock+1))
	var data []byte
	for hi := rows; hi > 0; {
		lo := max(0, hi-turnRowsBlock)
		o := ob[:8*(hi-lo+1)]
		if _, err := s.f[offs].ReadAt(o, 8*lo); err != nil {
			return err
		}
		off := func(i int64) uint64 { return binary.LittleEndian.Uint64(o[8*(i-lo):]) }
		base := off(lo)
		if k >= 0 {
			data = slices.Grow(data[:0], int(off(hi)-base))[:off(hi)-base]
			if _, err := s.f[k].ReadAt(data, int64(base)); err != nil {
				return err
			}
		} else {
			data = sized(data, int(off(hi)-base))
		}
		for i := hi - 1; i >= lo; i-- {
			if err := fn(data[off(i)-base : off(i+1)-base]); err != nil {
				return err
			}
		}
		hi = lo
	}
	return nil
}
