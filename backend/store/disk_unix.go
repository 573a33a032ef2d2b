//go:build unix

package store

import (
	"io/fs"
	"os"
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

// inUse reports whether another open cache holds dir: Badger takes an
// flock on the directory itself (it conflicts even within one process). A
// lock it cannot test counts as held, so preflight then touches nothing.
func inUse(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return true
	}
	defer func() { _ = f.Close() }() // closing releases our flock, if we took it
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil
}
