//go:build !unix

package settings

// freeBytes cannot read the free space here.
func freeBytes(string) (int64, bool) { return 0, false }
