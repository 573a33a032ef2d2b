package progress

import (
	"sync"
	"testing"
	"time"
)

type recorder struct {
	mu  sync.Mutex
	got []int
}

func (r *recorder) add(v int) {
	r.mu.Lock()
	r.got = append(r.got, v)
	r.mu.Unlock()
}

func (r *recorder) values() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.got...)
}

func TestThrottleCoalescesAndKeepsLast(t *testing.T) {
	var r recorder
	th := NewThrottle(time.Hour, r.add) // an interval no test run reaches
	for i := 1; i <= 1000; i++ {
		th.Report(i)
	}
	if got := r.values(); len(got) != 1 || got[0] != 1 {
		t.Fatalf("before flush got %v, want [1]: the first value at once, the rest held", got)
	}
	th.Flush()
	got := r.values()
	if len(got) != 2 || got[1] != 1000 {
		t.Fatalf("after flush got %v, want [1 1000]", got)
	}
	th.Flush() // nothing held: nothing more
	if n := len(r.values()); n != 2 {
		t.Fatalf("an empty flush delivered: %v", r.values())
	}
}

func TestThrottleDeliversHeldValueWhenIntervalEnds(t *testing.T) {
	got := make(chan int, 10)
	th := NewThrottle(20*time.Millisecond, func(v int) { got <- v })
	th.Report(1)
	th.Report(2)
	th.Report(3)
	if v := <-got; v != 1 {
		t.Fatalf("first delivery = %d, want 1", v)
	}
	select {
	case v := <-got:
		if v != 3 {
			t.Fatalf("trailing delivery = %d, want 3 (the newest)", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the held value was never delivered without a flush")
	}
}

func TestThrottleStopDropsHeld(t *testing.T) {
	var r recorder
	th := NewThrottle(time.Hour, r.add)
	th.Report(1)
	th.Report(2)
	th.Stop()
	th.Flush()
	th.Report(3)
	if got := r.values(); len(got) != 1 || got[0] != 1 {
		t.Fatalf("got %v after Stop, want [1]", got)
	}
}

func TestThrottleConcurrentReportsInOrder(t *testing.T) {
	var r recorder
	th := NewThrottle(time.Millisecond, r.add)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				th.Report(i)
			}
		}()
	}
	wg.Wait()
	th.Flush()
	if len(r.values()) == 0 {
		t.Fatal("nothing delivered")
	}
}

func BenchmarkThrottleReport(b *testing.B) {
	th := NewThrottle(100*time.Millisecond, func(int) {})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		th.Report(i)
	}
	th.Stop()
}
