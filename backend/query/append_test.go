package query

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// multilingual are events whose text and values are outside ASCII, some
// of them at the same instant as each other and as handEvents.
func multilingual() []audit.Event {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ws := &audit.Ref{ID: "ws-ja", Name: "開発チーム"}
	mk := func(id string, at time.Time, user, cat, act, target, desc string) audit.Event {
		return audit.Event{
			ID: id, Time: at, User: user, Scope: audit.ScopeWorkspace, Category: cat, Action: act,
			Target: target, Status: audit.StatusSuccess, Description: desc, Workspace: ws,
		}
	}
	return []audit.Event{
		mk("m-01", t0, "田中@example.jp", "ノートブック", "停止", "ノート-1", "ノートブックを停止しました"),
		mk("h-00", t0, "ΣΊΣΥΦΟΣ@example.gr", "Πολιτική", "Ενημέρωση", "ΣΊΣΥΦΟΣ", "ενημερώθηκε ΣΊΣΥΦΟΣ"),
		mk("m-03", t0.Add(-48*time.Hour), "đặng@example.vn", "Máy chủ", "Dừng", "máy-1", "ĐÃ DỪNG MÁY CHỦ"),
		mk("m-04", t0.Add(time.Millisecond), "müller@example.de", "Straße", "Ändern", "STRASSE 1", "Straße geändert 🚀"),
		mk("m-05", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), "ali@example.tr", "İzin", "Güncelle", "İSTANBUL", "ıİ güncellendi"),
	}
}

// dedupe keeps the first event of each id, as Append and the store do.
func dedupe(evs []audit.Event) []audit.Event {
	seen := map[string]bool{}
	var out []audit.Event
	for _, e := range evs {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

// appendStream is evs shuffled (so batches carry late events) with copies
// of earlier events mixed in, each under the same id but another content,
// which the dedupe must drop.
func appendStream(r *rand.Rand, evs []audit.Event) []audit.Event {
	in := slices.Clone(evs)
	r.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
	var out []audit.Event
	for i, e := range in {
		out = append(out, e)
		if i > 0 && r.IntN(8) == 0 {
			d := out[r.IntN(len(out))]
			d.Description = "DUPLICATE " + d.Description
			d.Time = d.Time.Add(time.Duration(r.IntN(3)-1) * time.Hour)
			out = append(out, d)
		}
	}
	return out
}

func TestAppendMatchesBuild(t *testing.T) {
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 11))
	base := append(append(slices.Clone(simEvents(t, 3_000)), handEvents()...), multilingual()...)
	for round := range 6 {
		stream := appendStream(r, base)
		// A random split: the first part built, the rest appended in
		// batches of random sizes (some of a single event, some empty).
		cut := r.IntN(len(stream) / 2)
		if round == 0 {
			cut = 0
		}
		ix := buildSlice(t, dedupe(stream[:cut]))
		for pos := cut; pos < len(stream); {
			k := r.IntN(len(stream)/3 + 1)
			if r.IntN(4) == 0 {
				k = r.IntN(3)
			}
			k = min(k, len(stream)-pos)
			next, err := ix.Append(stream[pos : pos+k])
			if err != nil {
				t.Fatal(err)
			}
			if k == 0 && next != ix {
				t.Fatal("an empty Append made a new index")
			}
			ix, pos = next, pos+k
		}
		all := dedupe(stream)
		if len(all) != len(base) {
			t.Fatalf("dedupe kept %d of %d", len(all), len(base))
		}
		want := buildSlice(t, all)
		sameIndex(t, want, ix, all, seed+uint64(round), 15)
		if round == 0 {
			runRandom(t, ix, all, seed, 20, true)
		}
		// Appending what is there already changes nothing.
		if again, err := ix.Append(stream[:min(len(stream), 200)]); err != nil || again != ix {
			t.Fatalf("Append of known ids = %p, %v; want the same index", again, err)
		}
		// The appended index persists like a built one.
		got, _ := roundTrip(t, ix)
		sameIndex(t, want, got, all, seed, 5)
	}
}

// An index read from a file dedupes against its rows too.
func TestAppendAfterRead(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 1_000)), handEvents()...)
	ix, _ := roundTrip(t, buildSlice(t, evs[:600]))
	ix2, err := ix.Append(evs[300:])
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, buildSlice(t, evs), ix2, evs, testSeed(t), 10)
}

func TestAppendRejects(t *testing.T) {
	ix := buildSlice(t, handEvents())
	bad := audit.Event{ID: "x", Time: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if got, err := ix.Append([]audit.Event{handEvents()[0], bad}); err == nil || got != nil {
		t.Fatalf("Append of a year-3000 event = %v, %v; want an error", got, err)
	}
	if ix.Len() != len(handEvents()) {
		t.Fatal("a failed Append changed the index")
	}
}

// A Result of the old snapshot stays what it was after an Append, and so
// does the old snapshot, while readers query it and others append to it.
func TestAppendSnapshot(t *testing.T) {
	evs := append(slices.Clone(simEvents(t, 3_000)), multilingual()...)
	old := buildSlice(t, evs[:2_000])
	f := audit.Filter{Search: "e", Status: audit.StatusSuccess}
	s := audit.Sort{Field: audit.SortTarget, Desc: true}
	res, err := old.Query(f, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := mustRows(t, res, 0, res.Total)
	facets, hist := res.Facets, slices.Clone(res.Histogram)
	want := idsBySort(old, f)

	var wg sync.WaitGroup
	errs := make(chan string, 64)
	stop := make(chan struct{})
	for g := range 8 {
		wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				field := audit.SortFields[(g+k)%len(audit.SortFields)]
				if msg := idsChanged(old, f, field, Options{}, want, "old snapshot's %s changed during Append"); msg != "" {
					errs <- msg
					return
				}
			}
		})
	}
	// Appends from the same snapshot, at once: each is its own index.
	results := make([]*Index, 4)
	var aw sync.WaitGroup
	for k := range results {
		aw.Go(func() {
			batch := slices.Clone(evs[2_000-k*100:])
			nx, err := old.Append(batch)
			if err != nil {
				errs <- err.Error()
				return
			}
			results[k] = nx
		})
	}
	aw.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if t.Failed() {
		return
	}
	full := buildSlice(t, evs)
	for k, nx := range results {
		t.Run(fmt.Sprint(k), func(t *testing.T) { sameIndex(t, full, nx, evs, uint64(k)+1, 4) })
	}

	after := mustRows(t, res, 0, res.Total+10)
	if old.Len() != 2_000 || len(after) != len(before) || !facetsEqual(res.Facets, facets) || !slices.Equal(res.Histogram, hist) {
		t.Fatalf("Result changed after Append: %d rows, was %d", len(after), len(before))
	}
	for i := range after {
		if !sameEvent(after[i], before[i]) {
			t.Fatalf("row %d changed after Append", i)
		}
	}
	sameIndex(t, buildSlice(t, evs[:2_000]), old, evs[:2_000], 3, 4)
}

func BenchmarkAppend1000(b *testing.B) {
	ix, evs := benchIndex(b)
	// 1,000 new events: most at the end, a fifth late, among the old rows.
	r := rand.New(rand.NewPCG(1, 2))
	last := evs[len(evs)-1].Time
	batch := make([]audit.Event, 1000)
	for i := range batch {
		e := evs[r.IntN(len(evs))]
		e.ID = fmt.Sprintf("new-%06d", i)
		if i%5 != 0 {
			e.Time = last.Add(time.Duration(i+1) * time.Second)
		}
		batch[i] = e
	}
	start := time.Now()
	ix.ids()
	idhash := time.Since(start)
	var nx *Index
	for b.Loop() {
		var err error
		if nx, err = ix.Append(batch); err != nil {
			b.Fatal(err)
		}
	}
	if nx.Len() != ix.Len()+len(batch) {
		b.Fatalf("Len = %d", nx.Len())
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms")
	b.ReportMetric(float64(idhash.Microseconds())/1000, "ms/idhash") // once per index, on its first Append
}

// AppendTo writes the very file WriteTo writes of what Append returns,
// from a built index or a mapped one, late events and duplicates
// included; with nothing new it writes nothing.
func TestAppendToWritesWhatAppendMakes(t *testing.T) {
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 12))
	base := append(append(slices.Clone(simEvents(t, 2_000)), handEvents()...), multilingual()...)
	stream := appendStream(r, base)
	dir := t.TempDir()
	for round := range 8 {
		cut := r.IntN(len(stream))
		if round == 0 {
			cut = 0
		}
		built := buildSlice(t, dedupe(stream[:cut]))
		from := built
		if round%2 == 1 {
			// Mapped, as the session holds it.
			path, _ := writeFile(t, built, dir, fmt.Sprint("base", round))
			var err error
			if from, err = OpenFile(path); err != nil {
				t.Fatal(err)
			}
		}
		batch := stream[cut:min(len(stream), cut+1+r.IntN(len(stream)/2))]
		if round == 2 {
			batch = stream[:cut] // nothing new
		}
		want, err := from.Append(batch)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprint("out", round)))
		if err != nil {
			t.Fatal(err)
		}
		added, err := from.AppendTo(batch, f)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		_ = f.Close()
		if added != want.Len()-from.Len() {
			t.Fatalf("round %d: AppendTo added %d, Append %d", round, added, want.Len()-from.Len())
		}
		if added == 0 {
			if fi.Size() != 0 {
				t.Fatalf("round %d: nothing new, %d bytes written", round, fi.Size())
			}
			continue
		}
		var wantFile bytes.Buffer
		if _, err := want.WriteTo(&wantFile); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantFile.Bytes()) {
			t.Fatalf("round %d: AppendTo's file (%d bytes) is not WriteTo's of Append (%d bytes)", round, len(got), wantFile.Len())
		}
	}
}

// An append recompresses only the groups of rest its rows go into (and a
// short last group it fills): the others are copied as they are, and
// every row reads back as Build would have it.
func TestAppendCopiesTheGroupsItDoesNotTouch(t *testing.T) {
	all := buildSlice(t, simEvents(t, 2_000))
	evs := make([]audit.Event, all.n)
	rd := all.newReader(false)
	for i := range evs {
		evs[i] = rd.event(i)
	}
	// Rows 700 and 701 (one group) and 1,300 held back, and all from 1,980:
	// the last group built is 1,977 - 1,920 = 57 rows, short.
	late := []int{700, 701, 1_300}
	var kept, add []audit.Event
	for i, e := range evs {
		if slices.Contains(late, i) || i >= 1_980 {
			add = append(add, e)
		} else {
			kept = append(kept, e)
		}
	}
	ix := buildSlice(t, kept)
	pl, err := ix.plan(add)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ix.merge(pl)
	if err != nil {
		t.Fatal(err)
	}
	groups := len(ix.restStart) - 1
	touched := map[int]bool{ix.groupOf(700): true, ix.groupOf(1_298): true, groups - 1: true}
	copied := 0
	for _, p := range m.pieces {
		if p.comp == nil {
			copied++
			if touched[p.g] {
				t.Fatalf("group %d copied, though new rows go into it", p.g)
			}
		}
	}
	if copied != groups-len(touched) {
		t.Fatalf("%d of %d groups copied, want all but the %d touched", copied, groups, len(touched))
	}
	got, err := ix.Append(add)
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, all, got, evs, testSeed(t), 10)
	rd = got.newReader(false)
	for i := range got.n {
		if a, b := rd.event(i), evs[i]; !sameEvent(a, b) {
			t.Fatalf("row %d: %+v, want %+v", i, a, b)
		}
	}
}
