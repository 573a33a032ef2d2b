package store

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// scanWhole is Scan over the whole cache.
func scanWhole(s *Store) (int, error) {
	n := 0
	err := s.Scan(context.Background(), time.Time{}, time.Time{}, func(audit.Event) error {
		n++
		return nil
	})
	return n, err
}

// Scan, which the index is built from, gives nothing the chain does not
// record as it is: the first event that differs stops it with one line
// naming the event.
func TestScanRefusesWhatTheChainDoesNotRecord(t *testing.T) {
	for _, c := range []struct {
		name string
		do   func(t *testing.T, s *Store, all []audit.Event)
		want string
	}{
		{"a field changed", func(t *testing.T, s *Store, all []audit.Event) {
			e := all[42]
			e.Description = "nothing to see here"
			tamper(t, s, func(txn *badger.Txn) error { return txn.Set(eventKeyOf(e), appendEventValue(nil, &e)) })
		}, "event " + "%s" + " was altered since it was synced: run auditdesk verify"},
		{"a value cut short", func(t *testing.T, s *Store, all []audit.Event) {
			e := all[42]
			v := appendEventValue(nil, &e)
			tamper(t, s, func(txn *badger.Txn) error { return txn.Set(eventKeyOf(e), v[:len(v)-3]) })
		}, "event %s was altered since it was synced (it cannot be read): run auditdesk verify"},
		{"an event added", func(t *testing.T, s *Store, all []audit.Event) {
			e := all[42]
			e.ID = "evt-forged"
			tamper(t, s, func(txn *badger.Txn) error { return txn.Set(eventKeyOf(e), appendEventValue(nil, &e)) })
		}, "event evt-forged was added to the cache outside a sync: run auditdesk verify"},
		{"a record rewritten to match a changed event", func(t *testing.T, s *Store, all []audit.Event) {
			e := all[1]
			e.User = "someone-else@example.com"
			forgeRecord(t, s, 1, e)
		}, "the cache's hash chain was altered since it was synced (record 2 does not link to the record before it): run auditdesk verify"},
		{"a record dropped", func(t *testing.T, s *Store, all []audit.Event) {
			tamper(t, s, func(txn *badger.Txn) error { return txn.Delete(chainKey(3)) })
		}, "the cache's hash chain was altered since it was synced (record 3 is missing or out of place): run auditdesk verify"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, all := chained(t)
			if n, err := scanWhole(s); err != nil || n != len(all) {
				t.Fatalf("scan of the untouched cache: %d events, %v", n, err)
			}
			c.do(t, s, all)
			_, err := scanWhole(s)
			want := strings.ReplaceAll(c.want, "%s", all[42].ID)
			var ae *AlteredError
			if !errors.As(err, &ae) || !errors.Is(err, ErrAltered) || err.Error() != want {
				t.Fatalf("scan: %v; want %q", err, want)
			}
		})
	}
}

// An event whose value cannot be decoded is in verify's report, as
// damaged, and not as removed; verify does not fail with the decoder's
// error.
func TestVerifyListsUndecodableEventsAsDamaged(t *testing.T) {
	s, all := chained(t)
	v := appendEventValue(nil, &all[42])
	tamper(t, s, func(txn *badger.Txn) error { return txn.Set(eventKeyOf(all[42]), v[:len(v)-3]) })
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("verify: %v; want a report", err)
	}
	if rep.OK() || rep.Damaged != 1 || rep.Altered != 0 || rep.Removed != 0 || rep.Added != 0 || rep.Events != int64(len(all)) ||
		len(rep.Problems) != 1 || rep.Problems[0].Kind != ProblemDamaged || rep.Problems[0].ID != all[42].ID ||
		!strings.Contains(rep.Problems[0].Detail, "undecodable value") {
		t.Fatalf("report %+v; want event %s damaged", rep, all[42].ID)
	}
}

// Recorded is what an export checks its rows against: the head of the
// same snapshot, and each event's recorded hash.
func TestRecordedChecksEvents(t *testing.T) {
	s, all := chained(t)
	rec, err := s.Recorded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := s.Head(); rec.Head != h || h.Seq != 5 {
		t.Errorf("recorded head %s, the store's %s", rec.Head, h)
	}
	for i := range all {
		if err := rec.Check(&all[i]); err != nil {
			t.Fatal(err)
		}
	}
	e := all[3]
	e.Target = "elsewhere"
	if err := rec.Check(&e); !errors.Is(err, ErrAltered) || !strings.Contains(err.Error(), e.ID) {
		t.Errorf("a changed event: %v", err)
	}
	// A store without the chain has nothing to check against.
	u := openT(t, t.TempDir(), WithoutChain())
	if _, err := u.CommitPage(all[:10], Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	if n, err := scanWhole(u); err != nil || n != 10 {
		t.Errorf("scan without the chain: %d, %v", n, err)
	}
}

// FuzzDecodeEventValue: the value decoder never panics, and what it
// accepts it encodes back to the same bytes (so a changed value never
// decodes to an event whose hash would hide the change).
func FuzzDecodeEventValue(f *testing.F) {
	for _, e := range append(hostileEvents(), newRealistic(2).page(20)...) {
		f.Add(appendEventValue(nil, &e))
	}
	f.Add([]byte{})
	f.Add([]byte{0x09, 0x80, 0x00})
	f.Fuzz(func(t *testing.T, v []byte) {
		in := bytes.Clone(v)
		e := audit.Event{ID: "evt", Time: t0}
		if err := decodeEventValue(v, &e); err != nil {
			if !errors.Is(err, errBadValue) {
				t.Fatalf("error %v does not wrap errBadValue", err)
			}
			return
		}
		if !bytes.Equal(v, in) {
			t.Fatal("the decoder changed its input")
		}
		if got := appendEventValue(nil, &e); !bytes.Equal(got, v) {
			t.Fatalf("re-encoded %x, decoded from %x", got, v)
		}
		again := audit.Event{ID: "evt", Time: t0}
		if err := decodeEventValue(appendEventValue(nil, &e), &again); err != nil || !reflect.DeepEqual(again, e) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
