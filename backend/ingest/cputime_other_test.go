//go:build !unix

package ingest

import "testing"

// cpuTime is not measured here; the CPU figures read 0.
func cpuTime(*testing.B) float64 { return 0 }
