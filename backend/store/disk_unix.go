//go:build unix

package store

import (
	"io/fs"
	"syscall"
)

// allocated is the space a file's blocks take, which for Badger's sparse
// preallocated files is far less than its size.
func allocated(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return info.Size()
}
