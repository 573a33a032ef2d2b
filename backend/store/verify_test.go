package store

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// chained is a cache of five synced pages (and one page of nothing new).
func chained(t *testing.T) (*Store, []audit.Event) {
	t.Helper()
	s := openT(t, t.TempDir())
	g := newRealistic(3)
	var all []audit.Event
	for i := range 5 {
		page := g.page(200)
		if i == 0 {
			page = append(page, hostileEvents()...)
		}
		if _, err := s.CommitPage(page, Checkpoint{WindowStart: t0, Cursor: "c" + string(rune('0'+i)), SyncedAt: t0}); err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
	}
	// Nothing new: no record.
	if _, err := s.CommitPage(all[:10], Checkpoint{WindowStart: t0}); err != nil {
		t.Fatal(err)
	}
	return s, all
}

func verify(t *testing.T, s *Store) VerifyReport {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestVerifyAnUntouchedCache(t *testing.T) {
	s, all := chained(t)
	rep := verify(t, s)
	if !rep.OK() || rep.Events != int64(len(all)) || rep.Chained != int64(len(all)) || rep.Records != 5 || len(rep.Problems) != 0 {
		t.Fatalf("report %+v; want OK with %d events in 5 records", rep, len(all))
	}
	head, err := s.Head()
	if err != nil || head.Seq != 5 || head.String() != rep.HeadHex || len(rep.HeadHex) != 64 {
		t.Errorf("head %+v (%s), %v; report's %s", head, head, err, rep.HeadHex)
	}
}

// tamper changes the Badger files through the store's own handle, as
// someone with the files and the format would.
func tamper(t *testing.T, s *Store, fn func(txn *badger.Txn) error) {
	t.Helper()
	if err := s.db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func eventKeyOf(e audit.Event) []byte { return eventKey(nil, encodeTime(e.Time), e.ID) }

func TestVerifyCatchesEveryTampering(t *testing.T) {
	for _, c := range []struct {
		name  string
		do    func(t *testing.T, s *Store, all []audit.Event)
		check func(rep VerifyReport, all []audit.Event) bool
	}{
		{"a field changed", func(t *testing.T, s *Store, all []audit.Event) {
			e := all[42]
			e.Description = "nothing to see here"
			tamper(t, s, func(txn *badger.Txn) error { return txn.Set(eventKeyOf(e), appendEventValue(nil, &e)) })
		}, func(r VerifyReport, all []audit.Event) bool {
			return r.Altered == 1 && r.Added == 0 && r.Removed == 0 && !r.ChainBroken && r.Problems[0].ID != ""
		}},
		{"a status flipped", func(t *testing.T, s *Store, all []audit.Event) {
			e := all[7]
			e.Status = audit.StatusSuccess
			if all[7].Status == audit.StatusSuccess {
				e.Status = audit.StatusFailed
			}
			tamper(t, s, func(txn *badger.Txn) error { return txn.Set(eventKeyOf(e), appendEventValue(nil, &e)) })
		}, func(r VerifyReport, all []audit.Event) bool {
			return r.Altered == 1 && r.Problems[0].Kind == ProblemAltered
		}},
		{"an event deleted", func(t *testing.T, s *Store, all []audit.Event) {
			tamper(t, s, func(txn *badger.Txn) error { return txn.Delete(eventKeyOf(all[300])) })
		}, func(r VerifyReport, all []audit.Event) bool {
			return r.Removed == 1 && r.Altered == 0 && r.Problems[0].Kind == ProblemRemoved && r.Problems[0].ID == all[300].ID
		}},
		{"an event added", func(t *testing.T, s *Store, all []audit.Event) {
			e := all[5]
			e.ID = "evt-forged"
			tamper(t, s, func(txn *badger.Txn) error { return txn.Set(eventKeyOf(e), appendEventValue(nil, &e)) })
		}, func(r VerifyReport, all []audit.Event) bool {
			return r.Added == 1 && r.Problems[0].ID == "evt-forged" && r.Events == 1005
		}},
		{"a record rewritten to match a changed event", func(t *testing.T, s *Store, all []audit.Event) {
			// The forger changes an event and the hash its record keeps: the
			// record's own hash no longer links to the next.
			e := all[1]
			e.User = "someone-else@example.com"
			forgeRecord(t, s, 1, e)
		}, func(r VerifyReport, all []audit.Event) bool { return r.ChainBroken && r.Altered == 0 }},
		{"a record dropped", func(t *testing.T, s *Store, all []audit.Event) {
			tamper(t, s, func(txn *badger.Txn) error { return txn.Delete(chainKey(3)) })
		}, func(r VerifyReport, all []audit.Event) bool { return r.ChainBroken && r.Added == 200 }},
		{"the last record and its events dropped, the head rewound", func(t *testing.T, s *Store, all []audit.Event) {
			tamper(t, s, func(txn *badger.Txn) error {
				for _, e := range all[804:1004] {
					if err := txn.Delete(eventKeyOf(e)); err != nil {
						return err
					}
				}
				item, err := txn.Get(chainKey(4))
				if err != nil {
					return err
				}
				v, _ := item.ValueCopy(nil)
				rec, err := decodeChainRecord(4, v)
				if err != nil {
					return err
				}
				head := binary.BigEndian.AppendUint64(nil, 4)
				head = append(head, rec.Hash[:]...)
				if err := txn.Set([]byte{keyChainHead}, head); err != nil {
					return err
				}
				return txn.Delete(chainKey(5))
			})
		}, func(r VerifyReport, all []audit.Event) bool {
			// Undetectable from inside alone: the chain is whole again, four
			// records long. What shows it is the head an export or a
			// screenshot recorded before: it is no longer this one.
			return r.OK() && r.Records == 4
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, all := chained(t)
			before := verify(t, s).HeadHex
			c.do(t, s, all)
			rep := verify(t, s)
			if !c.check(rep, all) {
				t.Fatalf("report %+v", rep)
			}
			if c.name != "the last record and its events dropped, the head rewound" && rep.OK() {
				t.Fatal("tampering went unnoticed")
			}
			if c.name == "the last record and its events dropped, the head rewound" && rep.HeadHex == before {
				t.Fatal("a rewound chain has the head it had")
			}
		})
	}
}

func TestCommitHashedKeepsTheChainOfCommitPage(t *testing.T) {
	a, b := openT(t, t.TempDir()), openT(t, t.TempDir())
	g := newRealistic(5)
	for i := range 3 {
		page := g.page(100)
		page = append(page, page[:7]...) // duplicates in the page: hashes stay in step
		cp := Checkpoint{WindowStart: t0, Cursor: "c" + string(rune('0'+i)), SyncedAt: t0}
		if _, err := a.CommitPage(page, cp); err != nil {
			t.Fatal(err)
		}
		if _, err := b.CommitHashed(page, audit.AppendEventHashes(nil, page), cp); err != nil {
			t.Fatal(err)
		}
	}
	ha, errA := a.Head()
	hb, errB := b.Head()
	if errA != nil || errB != nil || ha != hb || ha.Seq != 3 {
		t.Fatalf("heads %s (%v) and %s (%v): want the same third record", ha, errA, hb, errB)
	}
	if rep := verify(t, b); !rep.OK() || rep.Chained != 300 {
		t.Errorf("verify of the CommitHashed cache: %+v", rep)
	}
	// Hashes that do not match the page are refused, nothing written.
	page := g.page(10)
	if _, err := b.CommitHashed(page, audit.AppendEventHashes(nil, page[:9]), Checkpoint{}); err == nil || !strings.Contains(err.Error(), "9 hashes for 10 events") {
		t.Errorf("9 hashes for 10 events: %v", err)
	}
	if h, _ := b.Head(); h != hb {
		t.Errorf("the refused page moved the head to %s", h)
	}
}
