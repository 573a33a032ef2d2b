//go:build !unix

package diskspace

// Free cannot read the free space here: none is known, and callers do not
// hold writes back.
func Free(string) (free int64, ok bool) { return 0, false }
