//go:build unix

package auditapi

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time. The benchmark reports
// events per CPU-second beside events per wall-second, because the wall
// figure swings with whatever else the machine runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
