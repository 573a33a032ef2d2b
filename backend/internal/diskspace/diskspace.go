// Package diskspace reads how much room a disk has left and words its
// shortage: the one line every write path of AuditDesk (the cache, the
// index, settings, the activity log) gives when the disk is full.
package diskspace

import "fmt"

// Line is "the disk holding DIR is full: free N MB or move --data", N the
// MB (rounded up, at least 1) by which free falls short of need.
func Line(dir string, need, free int64) string {
	return fmt.Sprintf("the disk holding %s is full: free %d MB or move --data", dir, shortMB(need, free))
}

func shortMB(need, free int64) int64 {
	const mb = 1 << 20
	if short := need - free; short > mb {
		return (short + mb - 1) / mb
	}
	return 1
}
