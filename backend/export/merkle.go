package export

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// RowVersion starts each row's canonical form.
const RowVersion = "auditdesk-row/1"

// A file's rows are the leaves of a Merkle tree as RFC 6962 (Certificate
// Transparency) defines it: a leaf's hash is SHA-256(0x00 || row), a node's
// SHA-256(0x01 || left || right), and a tree of n leaves splits at the
// largest power of two below n. A row is RowVersion and a zero byte, then
// each of the file's cells (its manifest's columns), in column order, as its length (unsigned
// varint) and its UTF-8 text exactly as the file holds it: the timestamp as
// YYYY-MM-DD HH:mm:ss.SSS in the file's zone (an XLSX date cell read back
// to that text), a CSV cell with its neutralising apostrophe, an XLSX cell
// as its shared or inline string reads (its _xHHHH_ escapes undone), an
// XLSX's Details (2), (3), ... joined to its Details as one cell. So the
// root is checked from the file and its manifest alone, and a row changed,
// dropped, added or moved changes it.

// merkle computes the root over leaves added one at a time, keeping only
// the roots of its complete subtrees (one per bit of the count).
type merkle struct {
	stack [][sha256.Size]byte // subtree roots, biggest first
	sizes []int
	n     int
	buf   []byte
}

// leafHash is a leaf's hash, SHA-256(0x00 || row), for a b that is the
// 0x00 and the row: one Sum256, no digest to allocate.
func leafHash(b []byte) [sha256.Size]byte { return sha256.Sum256(b) }

func nodeHash(l, r [sha256.Size]byte) [sha256.Size]byte {
	var b [1 + 2*sha256.Size]byte
	b[0] = 1
	copy(b[1:], l[:])
	copy(b[1+sha256.Size:], r[:])
	return sha256.Sum256(b[:])
}

// addRow adds a row of cells as the next leaf.
func (m *merkle) addRow(cells []string) {
	m.buf = append(m.buf[:0], 0) // the leaf's prefix
	m.buf = append(m.buf, RowVersion...)
	m.buf = append(m.buf, 0)
	for _, c := range cells {
		m.buf = binary.AppendUvarint(m.buf, uint64(len(c)))
		m.buf = append(m.buf, c...)
	}
	m.add(leafHash(m.buf), 1)
}

// add adds the next size leaves, a power of two, as the subtree whose root
// is h. The leaves before must be a multiple of size, so that the subtree
// is one of RFC 6962's: a leaf, or a window of rows from a multiple of its
// length.
func (m *merkle) add(h [sha256.Size]byte, size int) {
	m.n += size
	for len(m.sizes) > 0 && m.sizes[len(m.sizes)-1] == size {
		last := len(m.stack) - 1
		h = nodeHash(m.stack[last], h)
		m.stack, m.sizes = m.stack[:last], m.sizes[:last]
		size *= 2
	}
	m.stack = append(m.stack, h)
	m.sizes = append(m.sizes, size)
}

// append adds t's leaves after m's: a window's tree, made apart, after the
// windows before it. m's leaves must be a multiple of t's largest subtree.
func (m *merkle) append(t *merkle) {
	for i, h := range t.stack {
		m.add(h, t.sizes[i])
	}
}

// root is the tree's root in hex: the subtrees folded from the smallest,
// which is RFC 6962's split; the hash of nothing for no rows.
func (m *merkle) root() string {
	if m.n == 0 {
		h := sha256.Sum256(nil)
		return hex.EncodeToString(h[:])
	}
	acc := m.stack[len(m.stack)-1]
	for i := len(m.stack) - 2; i >= 0; i-- {
		acc = nodeHash(m.stack[i], acc)
	}
	return hex.EncodeToString(acc[:])
}
