//go:build unix

package diskspace

import "syscall"

// Free is the space on the disk holding dir that this user may take; ok is
// false when it cannot be read.
func Free(dir string) (free int64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true //nolint:unconvert // field types differ between platforms
}
