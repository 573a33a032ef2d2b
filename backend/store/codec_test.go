package store

import (
	"bytes"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func TestEventValueRoundTrip(t *testing.T) {
	for _, e := range append(hostileEvents(), newRealistic(1).page(50)...) {
		v := appendEventValue(nil, &e)
		got := audit.Event{ID: e.ID, Time: e.Time}
		if err := decodeEventValue(v, &got); err != nil {
			t.Fatalf("%s: decode: %v", e.ID, err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Fatalf("%s: round trip\n got %#v\nwant %#v", e.ID, got, e)
		}
		if !bytes.Equal(appendEventValue(nil, &got), v) {
			t.Fatalf("%s: re-encoding differs", e.ID)
		}
	}
}

func TestDecodeEventValueRejects(t *testing.T) {
	valid := appendEventValue(nil, &hostileEvents()[0])
	tests := map[string][]byte{
		"empty":           {},
		"reserved bit":    append([]byte{valid[0] | flagReserved}, valid[1:]...),
		"scope code 7":    append([]byte{valid[0] | scopeMask}, valid[1:]...),
		"status code 3":   append([]byte{valid[0] | statusMask}, valid[1:]...),
		"truncated":       valid[:len(valid)-1],
		"trailing":        append(append([]byte{}, valid...), 0),
		"overlong len":    {0x09, 0x80, 0x00},
		"escaped known":   append([]byte{0x08}, appendString(nil, "Organization")...),
		"length past end": {0x09, 0x05, 'a'},
	}
	for name, v := range tests {
		var e audit.Event
		if err := decodeEventValue(v, &e); err == nil {
			t.Errorf("%s: decoded %x without error", name, v)
		}
	}
}

// FuzzDecodeEvent: the decoder never panics, and what it accepts re-encodes
// to the very same bytes (so encode(decode(x)) is stable).
func FuzzDecodeEvent(f *testing.F) {
	for _, e := range append(hostileEvents(), newRealistic(2).page(5)...) {
		f.Add(appendEventValue(nil, &e))
	}
	f.Add([]byte{0x09, 0x80, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		var e audit.Event
		if err := decodeEventValue(data, &e); err != nil {
			return
		}
		enc := appendEventValue(nil, &e)
		if !bytes.Equal(enc, data) {
			t.Fatalf("encode(decode(%x)) = %x", data, enc)
		}
		var e2 audit.Event
		if err := decodeEventValue(enc, &e2); err != nil || !reflect.DeepEqual(e, e2) {
			t.Fatalf("second decode: %v, %#v != %#v", err, e2, e)
		}
	})
}

func TestCheckpointRoundTrip(t *testing.T) {
	for _, cp := range []Checkpoint{
		{},
		{
			WindowStart: t0, WindowEnd: t0.Add(time.Hour), Cursor: "c/ü\n", Newest: t0.Add(time.Minute),
			SyncedAt: t0.Add(2 * time.Minute), Complete: true, Pages: 7, Events: 7000, RunStarted: t0.Add(-time.Hour),
		},
		{WindowStart: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), Pages: -1},
	} {
		got, err := decodeCheckpoint(encodeCheckpoint(cp))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, cp) {
			t.Fatalf("got %+v, want %+v", got, cp)
		}
	}
	if _, err := decodeCheckpoint([]byte{checkpointVersion + 1, 0}); err == nil {
		t.Fatal("unknown checkpoint version decoded")
	}
}

func TestEventKeysSortByTimeThenID(t *testing.T) {
	times := []time.Time{
		time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0), time.Unix(0, 1), t0, t0.Add(time.Nanosecond), time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	var keys [][]byte
	for i, tm := range times {
		for _, id := range []string{"b", "a", "ab"} {
			k := eventKey(nil, encodeTime(tm), id)
			keys = append(keys, k)
			ts, gotID, ok := parseEventKey(k)
			if !ok || !decodeTime(ts).Equal(tm) || string(gotID) != id {
				t.Fatalf("parse %d/%s: %v %v %q", i, id, ok, decodeTime(ts), gotID)
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i], keys[j]) < 0 })
	for i := 1; i < len(keys); i++ {
		a, ida, _ := parseEventKey(keys[i-1])
		b, idb, _ := parseEventKey(keys[i])
		ta, tb := decodeTime(a), decodeTime(b)
		if ta.After(tb) || (ta.Equal(tb) && string(ida) >= string(idb)) {
			t.Fatalf("key order: %v/%s before %v/%s", ta, ida, tb, idb)
		}
	}
}
