package store

import (
	"errors"
	"fmt"
	"hash/maphash"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

func recordedOf(ids ...string) *Recorded {
	r := &Recorded{hashes: make([][chainHashSize]byte, len(ids))}
	for _, id := range ids {
		r.idText = append(r.idText, id...)
		r.idEnd = append(r.idEnd, uint32(len(r.idText)))
	}
	return r
}

// The id map is keyed by the id's hash: an id is found at its entry, an id
// not in the chain is not, an id whose hash another took is found in the
// clash map, and an id listed twice breaks the chain.
func TestRecordedLooksIdsUp(t *testing.T) {
	r := recordedOf("evt_a", "evt_b", "evt_c")
	if err := r.makeIndex(); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"evt_a", "evt_b", "evt_c"} {
		if j, ok := r.lookup(id); !ok || j != i || r.id(j) != id {
			t.Errorf("lookup(%q) = %d, %v; want %d", id, j, ok, i)
		}
	}
	if _, ok := r.lookup("evt_x"); ok {
		t.Error("an id not in the chain was found")
	}
	// evt_c's hash as if evt_a had it first: evt_c lives in clash.
	hc := maphash.String(r.seed, "evt_c")
	r.index[hc] = 0
	r.clash = map[string]uint32{"evt_c": 2}
	if j, ok := r.lookup("evt_c"); !ok || j != 2 {
		t.Errorf("a clashing id: lookup = %d, %v; want 2", j, ok)
	}
	if _, ok := r.lookup("evt_a"); !ok {
		t.Error("evt_a lost")
	}
	twice := recordedOf("evt_a", "evt_b", "evt_a")
	if err := twice.makeIndex(); !errors.Is(err, ErrAltered) {
		t.Errorf("an id listed twice: %v, want ErrAltered", err)
	}
}

// Check walks the chain both ways without its map: forwards (an index
// rebuilt in sync order) and backwards (an export newest first); an event
// out of either order still checks, through the map.
func TestRecordedChecksInOrderWithoutTheMap(t *testing.T) {
	evs := make([]audit.Event, 50)
	for i := range evs {
		evs[i] = audit.Event{ID: fmt.Sprintf("evt_%02d", i), Time: time.Unix(int64(i), 0).UTC(), Action: "a"}
	}
	r := &Recorded{}
	for i := range evs {
		r.idText = append(r.idText, evs[i].ID...)
		r.idEnd = append(r.idEnd, uint32(len(r.idText)))
		r.hashes = append(r.hashes, audit.EventHash(&evs[i]))
	}
	for _, order := range []string{"forwards", "backwards"} {
		r.next = 0
		for k := range evs {
			i := k
			if order == "backwards" {
				i = len(evs) - 1 - k
			}
			if err := r.Check(&evs[i]); err != nil {
				t.Fatalf("%s, %s: %v", order, evs[i].ID, err)
			}
		}
		if r.index != nil {
			t.Fatalf("checking %s made the map", order)
		}
	}
	changed := evs[20]
	changed.Action = "b"
	if err := r.Check(&changed); !errors.Is(err, ErrAltered) {
		t.Fatalf("a changed event: %v, want ErrAltered", err)
	}
	if err := r.Check(&evs[7]); err != nil || r.index == nil {
		t.Fatalf("an event out of order: %v, map made %v", err, r.index != nil)
	}
}
