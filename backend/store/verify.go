package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// What Verify can find wrong.
const (
	ProblemAltered = "altered" // the event differs from what its sync recorded
	ProblemAdded   = "added"   // an event no sync recorded
	ProblemRemoved = "removed" // an event a sync recorded is gone
	ProblemChain   = "chain"   // a chain record was changed, dropped or added
	ProblemDamaged = "damaged" // the event's stored value cannot be read
)

// Problem is one thing Verify found.
type Problem struct {
	Kind   string `json:"kind"`
	ID     string `json:"id,omitempty"` // the event, for altered, added, removed
	Detail string `json:"detail"`
}

// maxProblems bounds the problems a report lists; the counts are whole.
const maxProblems = 1000

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Events  int64  `json:"events"`  // events in the cache
	Records int64  `json:"records"` // chain records
	Chained int64  `json:"chained"` // events the chain records
	Head    Head   `json:"-"`
	HeadHex string `json:"head"`
	Altered int    `json:"altered"`
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
	// Damaged: events whose stored value cannot be decoded (their bytes
	// were changed): altered too, but not even readable.
	Damaged int `json:"damaged"`
	// ChainBroken: a record does not link to the one before, or the head
	// does not name the last record.
	ChainBroken bool      `json:"chainBroken"`
	Problems    []Problem `json:"problems"`
}

// OK reports whether nothing was found wrong.
func (r *VerifyReport) OK() bool {
	return !r.ChainBroken && r.Altered == 0 && r.Added == 0 && r.Removed == 0 && r.Damaged == 0
}

func (r *VerifyReport) problem(p Problem) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, p)
	}
}

// Verify recomputes every event's hash and the whole chain, in one
// snapshot of the cache, and reports each event that differs from what its
// sync recorded, that no sync recorded, or that is gone.
func (s *Store) Verify(ctx context.Context) (VerifyReport, error) {
	rep := VerifyReport{Problems: []Problem{}}
	err := s.view(func(txn *badger.Txn) error {
		want, err := verifyChain(ctx, txn, &rep)
		if err != nil {
			return err
		}
		if err := verifyEvents(ctx, txn, want, &rep); err != nil {
			return err
		}
		for id := range want {
			rep.Removed++
			rep.problem(Problem{Kind: ProblemRemoved, ID: id, Detail: "recorded by a sync, no longer in the cache"})
		}
		return nil
	})
	if err != nil {
		return VerifyReport{}, fmt.Errorf("store: verify: %w", err)
	}
	rep.HeadHex = rep.Head.String()
	return rep, nil
}

// verifyChain checks the links and returns every recorded event's hash.
func verifyChain(ctx context.Context, txn *badger.Txn, rep *VerifyReport) (map[string][chainHashSize]byte, error) {
	head, err := readHead(txn)
	if err != nil {
		return nil, err
	}
	rep.Head = head
	want := map[string][chainHashSize]byte{}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixChain}, PrefetchValues: false})
	defer it.Close()
	var prev [chainHashSize]byte
	var seq uint64
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		item := it.Item()
		k := item.Key()
		if len(k) != 9 {
			rep.ChainBroken = true
			rep.problem(Problem{Kind: ProblemChain, Detail: fmt.Sprintf("a chain key of %d bytes", len(k))})
			continue
		}
		got := binary.BigEndian.Uint64(k[1:])
		var rec ChainRecord
		err := item.Value(func(v []byte) error {
			var err error
			rec, err = decodeChainRecord(got, v)
			return err
		})
		seq++
		switch {
		case err != nil:
			rep.ChainBroken = true
			rep.problem(Problem{Kind: ProblemChain, Detail: fmt.Sprintf("record %d cannot be read: %v", got, err)})
			continue
		case got != seq:
			rep.ChainBroken = true
			rep.problem(Problem{Kind: ProblemChain, Detail: fmt.Sprintf("record %d follows record %d", got, seq-1)})
			seq = got
		case rec.Prev != prev:
			rep.ChainBroken = true
			rep.problem(Problem{Kind: ProblemChain, Detail: fmt.Sprintf("record %d does not link to the record before it (changed, or one dropped or added)", got)})
		}
		prev = rec.Hash
		rep.Records++
		for i, id := range rec.IDs {
			if _, dup := want[id]; dup {
				rep.ChainBroken = true
				rep.problem(Problem{Kind: ProblemChain, ID: id, Detail: fmt.Sprintf("record %d lists an event an earlier record has", got)})
			}
			want[id] = rec.Hashes[i]
		}
	}
	rep.Chained = int64(len(want))
	if seq != head.Seq || prev != head.Hash {
		rep.ChainBroken = true
		rep.problem(Problem{Kind: ProblemChain, Detail: fmt.Sprintf("the head names record %d, the chain ends at record %d or differs", head.Seq, seq)})
	}
	return want, nil
}

// hashed is an event's id and recomputed hash, or why it cannot be read.
type hashed struct {
	id      string
	hash    [chainHashSize]byte
	damaged error
}

// verifyEvents recomputes each cached event's hash (decoding on this
// goroutine, hashing on the others) and checks it against want, removing
// what it finds.
func verifyEvents(ctx context.Context, txn *badger.Txn, want map[string][chainHashSize]byte, rep *VerifyReport) error {
	const batch = 256
	// An event that cannot be decoded goes to the workers with its error
	// (the report belongs to the goroutine that counts).
	type job struct {
		evs     []audit.Event
		damaged []hashed
	}
	jobs := make(chan job, 4)
	results := make(chan []hashed, 4)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for j := range jobs {
				out := make([]hashed, len(j.evs), len(j.evs)+len(j.damaged))
				for i, e := range j.evs {
					buf = audit.AppendCanonical(buf[:0], &e)
					out[i] = hashed{id: e.ID, hash: sha256.Sum256(buf)}
				}
				results <- append(out, j.damaged...)
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for hs := range results {
			for _, h := range hs {
				rep.Events++
				w, ok := want[h.id]
				switch {
				case h.damaged != nil:
					rep.Damaged++
					rep.problem(Problem{Kind: ProblemDamaged, ID: h.id, Detail: "its stored value cannot be read (" + strings.TrimPrefix(h.damaged.Error(), "store: ") + ")"})
				case !ok:
					rep.Added++
					rep.problem(Problem{Kind: ProblemAdded, ID: h.id, Detail: "in the cache, recorded by no sync"})
				case w != h.hash:
					rep.Altered++
					rep.problem(Problem{Kind: ProblemAltered, ID: h.id, Detail: "differs from what its sync recorded"})
				}
				delete(want, h.id)
			}
		}
	}()

	scanErr := func() error {
		defer close(jobs)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixEvent}})
		defer it.Close()
		j := job{evs: make([]audit.Event, 0, batch)}
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			var e audit.Event
			if err := decodeItem(item, item.Key(), &e); err != nil {
				if !errors.Is(err, errBadValue) {
					return err
				}
				j.damaged = append(j.damaged, hashed{id: keyID(item.Key()), damaged: errors.Unwrap(err)})
				continue
			}
			j.evs = append(j.evs, e)
			if len(j.evs) == batch {
				if err := ctx.Err(); err != nil {
					return err
				}
				jobs <- j
				j = job{evs: make([]audit.Event, 0, batch)}
			}
		}
		if len(j.evs) > 0 || len(j.damaged) > 0 {
			jobs <- j
		}
		return ctx.Err()
	}()
	wg.Wait()
	close(results)
	<-done
	return scanErr
}
