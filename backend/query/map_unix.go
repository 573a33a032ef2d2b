//go:build unix

package query

import (
	"fmt"
	"os"

	"github.com/dgraph-io/ristretto/v2/z"
)

// mapFile maps size bytes of f read-only and shared, so that every process
// that opens the file reads the same pages of the page cache; release
// unmaps them. The file may be renamed over or removed meanwhile: the
// mapping keeps the old one.
func mapFile(f *os.File, size int64) (data []byte, release func(), err error) {
	if int64(int(size)) != size {
		return nil, nil, fmt.Errorf("a file of %d bytes is too large to map", size)
	}
	data, err = z.Mmap(f, false, size)
	if err != nil {
		return nil, nil, fmt.Errorf("map %s: %w", f.Name(), err)
	}
	return data, func() { _ = z.Munmap(data) }, nil
}
