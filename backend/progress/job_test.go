package progress

import (
	"errors"
	"reflect"
	"sync"
	"testing"
)

// Each job's progress goes through its own throttle: the first report at
// once, then the newest when the run ends; two jobs never hold back each
// other's.
func TestJobsThrottleEachRunAndEndOnTheNewest(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]int{}
	listen := func(name string) func(int) {
		return func(v int) {
			mu.Lock()
			defer mu.Unlock()
			got[name] = append(got[name], v)
		}
	}
	var syncs, exports Job[int]
	rs, err := syncs.Start(1<<40, listen("sync")) // never elapses within a test
	if err != nil {
		t.Fatal(err)
	}
	re, err := exports.Start(1<<40, listen("export"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		rs.Report(i)
		re.Report(-i)
	}
	rs.End()
	re.End()
	want := map[string][]int{"sync": {0, 99}, "export": {0, -99}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("delivered %v, want %v: first at once, then the newest at the end, per job", got, want)
	}
}

func TestJobRunsOneAtATimeAndCancels(t *testing.T) {
	var j Job[int]
	if j.Running() {
		t.Fatal("a new job runs")
	}
	r, err := j.Start(0, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Start(0, func(int) {}); !errors.Is(err, ErrBusy) {
		t.Fatalf("a second run: %v, want ErrBusy", err)
	}
	if !j.Running() {
		t.Fatal("the run does not show as running")
	}
	j.Cancel()
	select {
	case <-r.Ctx.Done():
	default:
		t.Fatal("Cancel did not end the run's context")
	}
	r.End()
	if j.Running() {
		t.Fatal("the ended run still shows as running")
	}
	if _, err := j.Start(0, func(int) {}); err != nil {
		t.Fatalf("a run after the end: %v", err)
	}
}
