// Package gcpace lowers GOGC while work that makes much garbage beside a
// small live heap runs (an export, an import), for however many run at
// once, and puts it back when the last ends.
package gcpace

import (
	"runtime/debug"
	"sync"
)

// Percent is GOGC while such work runs. An export makes ~3 KB of garbage a
// row beside a live heap that is small now that the index is a mapped file
// (before, the window's index lived in the heap and an export ran at 10,
// which at a million rows meant a collection every few MB and a tenth of a
// CSV's time in the collector); an import ~1 KB a row beside Badger's
// tables (~60 MB). Below the default still: the window's heap may hold an
// index built in memory (a rebuild from the cache) until it is saved and
// mapped, and the heap's peak is the live heap times 1 + Percent/100.
const Percent = 50

var (
	mu            sync.Mutex
	users, before int
)

// Tight lowers GOGC to Percent until the returned func is called.
func Tight() func() {
	mu.Lock()
	defer mu.Unlock()
	if users == 0 {
		before = debug.SetGCPercent(Percent)
	}
	users++
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if users--; users == 0 {
			debug.SetGCPercent(before)
		}
	}
}
