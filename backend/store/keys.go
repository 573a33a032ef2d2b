package store

import (
	"encoding/binary"
	"math"
	"time"
)

// Key prefixes and single keys; doc.go describes the layout.
const (
	prefixEvent   = 'e'
	prefixID      = 'i'
	prefixMeta    = 'm'
	keyCheckpoint = 'c'
	keyCounters   = 'n'
	keyVersion    = 'v'

	tsLen = 8
)

var (
	// The range time.Time.UnixNano can represent; events outside it are refused
	// rather than stored under a wrapped-around key.
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// encodeTime maps a time to a uint64 whose big-endian bytes sort like the
// time: UnixNano with the sign bit flipped, so times before 1970 sort first.
func encodeTime(t time.Time) uint64 {
	return uint64(t.UnixNano()) ^ (1 << 63)
}

// decodeTime is the inverse of encodeTime; the result is in UTC.
func decodeTime(u uint64) time.Time {
	return time.Unix(0, int64(u^(1<<63))).UTC()
}

// timeInRange reports whether t has a UnixNano representation.
func timeInRange(t time.Time) bool {
	return !t.Before(minTime) && !t.After(maxTime)
}

// eventKey appends 'e' + big-endian time + id to dst.
func eventKey(dst []byte, ts uint64, id string) []byte {
	dst = append(dst, prefixEvent)
	dst = binary.BigEndian.AppendUint64(dst, ts)
	return append(dst, id...)
}

// eventKeyBound is the smallest event key at or after t.
func eventKeyBound(t time.Time) []byte {
	return eventKey(make([]byte, 0, 1+tsLen), encodeTime(t), "")
}

// parseEventKey splits an event key; id aliases k.
func parseEventKey(k []byte) (ts uint64, id []byte, ok bool) {
	if len(k) < 1+tsLen+1 || k[0] != prefixEvent {
		return 0, nil, false
	}
	return binary.BigEndian.Uint64(k[1:]), k[1+tsLen:], true
}

// idKey is 'i' + id; its value is the event's 8-byte time.
func idKey(dst []byte, id string) []byte {
	dst = append(dst, prefixID)
	return append(dst, id...)
}

func metaKey(name string) []byte {
	return append([]byte{prefixMeta}, name...)
}
