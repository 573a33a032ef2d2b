//go:build !unix

package marks

import "sync"

// lock serialises edits within this process only, until the Windows
// build takes a LockFileEx (the Windows release is its own issue).
func lock(string) (unlock func(), err error) {
	mu.Lock()
	return mu.Unlock, nil
}

var mu sync.Mutex
