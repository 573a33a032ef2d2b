package gcpace

import (
	"runtime/debug"
	"testing"
)

// GOGC is Percent while any user holds it and what it was once the last
// lets go, whichever order they end in.
func TestTight(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(120))
	a := Tight()
	b := Tight()
	if got := debug.SetGCPercent(Percent); got != Percent {
		t.Fatalf("GOGC %d with two users, want %d", got, Percent)
	}
	a()
	if got := debug.SetGCPercent(Percent); got != Percent {
		t.Fatalf("GOGC %d with one user left, want %d", got, Percent)
	}
	b()
	if got := debug.SetGCPercent(120); got != 120 {
		t.Fatalf("GOGC %d after the last, want 120", got)
	}
}
