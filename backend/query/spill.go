package query

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

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
// Events must come in (time, id) order, as the API serves them; Finish
// reports ErrUnordered otherwise and the caller builds the index another
// way. A Spill is for one goroutine.
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
	err             error
	scratch, row    []byte
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
	return s, s.err
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
	if s.n > 0 && (ns < s.lastTS || ns == s.lastTS && e.ID < s.lastID) {
		s.unordered = true
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
	if err := s.rest.add(s.row); err != nil && s.err == nil {
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
