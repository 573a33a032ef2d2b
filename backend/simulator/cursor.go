package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// query is what a page is cut from: the window, the workspace filter and
// the position, as the absolute index of the next event to consider.
type query struct {
	since  int64 // inclusive, Unix ms; math.MinInt64 for none
	until  int64 // exclusive, Unix ms; math.MaxInt64 for none (up to now)
	ws     int   // workspace index, -1 for none
	pos    int64
	issued int64 // Unix ms by the server's clock, for expiry
}

const (
	cursorVersion = 1
	cursorBody    = 1 + 8 + 8 + 2 + 8 + 8
	cursorMAC     = 12
)

var errBadCursor = errors.New("malformed cursor")

// encodeCursor makes the opaque next_cursor: base64url of the query and an
// HMAC, so a changed byte is a garbled cursor and not another position.
func (s *Server) encodeCursor(q query) string {
	var b [cursorBody + cursorMAC]byte
	b[0] = cursorVersion
	binary.BigEndian.PutUint64(b[1:], uint64(q.since))
	binary.BigEndian.PutUint64(b[9:], uint64(q.until))
	binary.BigEndian.PutUint16(b[17:], uint16(int16(q.ws)))
	binary.BigEndian.PutUint64(b[19:], uint64(q.pos))
	binary.BigEndian.PutUint64(b[27:], uint64(q.issued))
	copy(b[cursorBody:], s.mac(b[:cursorBody]))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Server) decodeCursor(c string) (query, error) {
	var b [cursorBody + cursorMAC]byte
	if base64.RawURLEncoding.DecodedLen(len(c)) != len(b) {
		return query{}, errBadCursor
	}
	if _, err := base64.RawURLEncoding.Decode(b[:], []byte(c)); err != nil {
		return query{}, errBadCursor
	}
	if b[0] != cursorVersion || !hmac.Equal(b[cursorBody:], s.mac(b[:cursorBody])) {
		return query{}, errBadCursor
	}
	q := query{
		since:  int64(binary.BigEndian.Uint64(b[1:])),
		until:  int64(binary.BigEndian.Uint64(b[9:])),
		ws:     int(int16(binary.BigEndian.Uint16(b[17:]))),
		pos:    int64(binary.BigEndian.Uint64(b[19:])),
		issued: int64(binary.BigEndian.Uint64(b[27:])),
	}
	if q.ws < -1 || q.ws >= len(s.world.wsRefs) || q.pos < s.k0 || q.pos > s.k0+s.n {
		return query{}, errBadCursor
	}
	return q, nil
}

func (s *Server) mac(body []byte) []byte {
	m := hmac.New(sha256.New, s.macKey[:])
	m.Write(body)
	return m.Sum(nil)[:cursorMAC]
}
